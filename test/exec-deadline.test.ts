import { describe, expect, it } from "vitest";
import { pidAlive, run } from "../src/exec.js";

describe("the process runner's deadline", () => {
  it("ends a command at its deadline even when a child of it still holds the output pipes", async () => {
    // The grandchild keeps stdout open for 60 s, as ssh's shared connection does with a session's.
    const r = await run("sh", ["-c", "sleep 60 & echo $!; exec sleep 60"], { timeoutMs: 500 });
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBeGreaterThanOrEqual(128);
    const grandchild = Number(r.stdout.trim());
    if (grandchild > 0 && pidAlive(grandchild)) process.kill(grandchild, "SIGKILL");
  }, 10_000);

  it("says nothing of a deadline when the command finished in time", async () => {
    const r = await run("sh", ["-c", "echo hi"], { timeoutMs: 10_000 });
    expect(r).toEqual({ exitCode: 0, stdout: "hi\n", stderr: "" });
  });
});
