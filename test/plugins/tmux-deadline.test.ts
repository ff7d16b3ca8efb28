import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TmuxRuntime } from "../../src/plugins/runtime/tmux.js";

// A tmux that never answers (a wedged server looks like this from outside): first on the PATH.
const bin = mkdtempSync(path.join(tmpdir(), "ao-stuck-tmux-"));
const savedPath = process.env.PATH;
beforeAll(() => {
  writeFileSync(path.join(bin, "tmux"), "#!/bin/sh\nexec sleep 60\n");
  chmodSync(path.join(bin, "tmux"), 0o755);
});
afterEach(() => {
  process.env.PATH = savedPath;
});
afterAll(() => rmSync(bin, { recursive: true, force: true }));

const want = [{ name: "ao-x-fe-1", stillBefore: 9_999_999_999 }];

describe("a local tmux that does not answer", () => {
  it("is an error within the runtime's deadline, for a look and for a plain command", async () => {
    process.env.PATH = `${bin}:${savedPath}`;
    const rt = new TmuxRuntime("ao-stuck", undefined, undefined, 300);
    await expect(rt.look(want)).rejects.toThrow(/tmux source-file: no answer within 0.3 s/);
    await expect(rt.exists("ao-x-fe-1")).rejects.toThrow(/tmux has-session: no answer within 0.3 s/);
  }, 10_000);

  it("is an error too when the look's tmux was started ahead", async () => {
    process.env.PATH = `${bin}:${savedPath}`;
    const rt = new TmuxRuntime("ao-stuck", undefined, undefined, 300);
    rt.prepareLook();
    await expect(rt.look(want)).rejects.toThrow(/no answer within 0.3 s/);
  }, 10_000);
});
