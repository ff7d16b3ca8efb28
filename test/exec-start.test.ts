import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { startRun } from "../src/exec.js";
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
