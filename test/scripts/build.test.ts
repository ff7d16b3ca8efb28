import { spawnSync } from "node:child_process";
import { statSync, utimesSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/ao.js";

const build = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, "scripts/build.mjs"), ...args], { cwd: ROOT, encoding: "utf8" });

// `npm test` builds first (pretest), so dist/ is fresh here.
describe("npm run demo's build step", () => {
  it("does not rebuild what is already built", () => {
    const bundle = path.join(ROOT, "dist/bundle/ao.cjs");
    const before = statSync(bundle).mtimeMs;
    expect(build("--check").status).toBe(0);
    expect(build("--if-stale").status).toBe(0);
    expect(statSync(bundle).mtimeMs).toBe(before);
  });

  it("sees a source newer than the build", () => {
    const src = path.join(ROOT, "src/core/age.ts");
    const { atime, mtime } = statSync(src);
    try {
      utimesSync(src, atime, new Date(Date.now() + 60_000));
      expect(build("--check").status).toBe(1);
    } finally {
      utimesSync(src, atime, mtime);
    }
    expect(build("--check").status).toBe(0);
  });
});
