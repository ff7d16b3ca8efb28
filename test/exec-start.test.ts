import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { run, startRun } from "../src/exec.js";
import { requireBuild, ROOT } from "./helpers/ao.js";
import { waitFor } from "./helpers/tmux.js";

const dir = mkdtempSync(path.join(tmpdir(), "ao-start-run-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a process started before its input is known", () => {
  it("runs on the input given later and reports its output", async () => {
    const pending = await startRun("sh", ["-c", "read line; echo \"got $line\""]);
    const r = await pending.finish("late input\n", 10_000);
    expect(r).toEqual({ exitCode: 0, stdout: "got late input\n", stderr: "" });
  });

  it("once its input is closed, the process has all of it without another turn of this one's event loop", async () => {
    const out = path.join(dir, "closed");
    // More than a pipe holds: written over several turns before it can be closed.
    const input = "x".repeat(200_000);
    const pending = await startRun("sh", ["-c", `cat > '${out}.tmp' && mv '${out}.tmp' '${out}'`]);
    const result = pending.finish(input, 10_000);
    await pending.inputClosed();
    // Synchronous from here: only a process that already has its whole input and its end can finish.
    const deadline = Date.now() + 10_000;
    while (!existsSync(out) && Date.now() < deadline) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    expect(existsSync(out)).toBe(true);
    expect(readFileSync(out, "utf8")).toBe(input);
    expect((await result).exitCode).toBe(0);
  });

  it("says a folder to start in that is not there is missing, not the program (both are ENOENT)", async () => {
    const gone = path.join(dir, "moved-away");
    await expect(run("git", ["status"], { cwd: gone })).rejects.toThrow(`git: cannot start in ${gone}: no such folder`);
    await expect(run("ao-no-such-program-here", [], { cwd: dir })).rejects.toThrow(/ao-no-such-program-here: command not found/);
  });

  it("says a missing program is missing when its result is asked for", async () => {
    const pending = await startRun("ao-no-such-program-here", []);
    await expect(pending.finish("")).rejects.toThrow(/ao-no-such-program-here: command not found/);
  });

  it("abandoned, it gets an empty input and ends on its own", async () => {
    const out = path.join(dir, "abandoned");
    const pending = await startRun("sh", ["-c", `cat > '${out}'; echo ended >> '${out}'`]);
    pending.abandon();
    expect(await waitFor("the abandoned process to end", () => readFileSync(out, "utf8").endsWith("ended\n"), 10_000)).toBe(true);
    expect(readFileSync(out, "utf8")).toBe("ended\n");
  });

  it("holds no process open that never gives it its input", async () => {
    // A child Node process starts one and neither finishes nor abandons it: it still exits.
    requireBuild();
    const script = `import(${JSON.stringify(pathToFileURL(path.join(ROOT, "dist/src/exec.js")).href)}).then(async (m) => { await m.startRun("sleep", ["30"]); console.log("started"); });`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        resolve(-1);
      }, 15_000);
      child.on("close", (c) => (clearTimeout(timer), resolve(c)));
    });
    expect(out).toContain("started");
    expect(code).toBe(0);
  }, 20_000);
});
