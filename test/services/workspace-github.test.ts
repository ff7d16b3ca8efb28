import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { workspaceGitHub } from "../../src/services/github.js";

const dir = mkdtempSync(path.join(tmpdir(), "ao-gh-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the workspace's GitHub client", () => {
  it("is one per process, made again when an edit points ao at another GitHub, and after no token was found", async () => {
    // No gh on this PATH: the token comes from the environment or not at all.
    const env: NodeJS.ProcessEnv = { PATH: path.join(dir, "no-bin"), HOME: dir, AO_HOME: path.join(dir, "home") };
    const ctx = await createApp({ cwd: dir, env });
    expect(await workspaceGitHub(ctx)).toBeNull();
    env.GH_TOKEN = "t0ken";
    const first = await workspaceGitHub(ctx);
    expect(first).not.toBeNull();
    expect(await workspaceGitHub(ctx)).toBe(first);
    ctx.config = { ...ctx.config, github: { baseUrl: "http://127.0.0.1:9/api" } };
    const other = await workspaceGitHub(ctx);
    expect(other).not.toBeNull();
    expect(other).not.toBe(first);
    expect(await workspaceGitHub(ctx)).toBe(other);
  });
});
