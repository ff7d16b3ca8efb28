import { describe, expect, it } from "vitest";
import { repoFromRemoteUrl } from "../../src/core/remote.js";

describe("repoFromRemoteUrl", () => {
  it.each([
    ["git@github.com:org/app.git", "org/app"],
    ["https://github.com/org/app.git", "org/app"],
    ["https://github.com/org/app", "org/app"],
    ["ssh://git@github.com/org/app.git", "org/app"],
    ["https://ghe.example.com:8443/org/my.app.git", "org/my.app"],
    ["https://user:tok@github.com/org/app.git/", "org/app"],
  ])("%s → %s", (url, repo) => expect(repoFromRemoteUrl(url)).toBe(repo));

  it.each(["/srv/git/app.git", "app", ""])("%s → null", (url) => expect(repoFromRemoteUrl(url)).toBeNull());
});
