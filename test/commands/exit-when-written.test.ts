import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exitWhenWritten } from "../../src/cli.js";
import { AO_BIN, requireBuild } from "../helpers/ao.js";
import { makeWorkspace, type TestWorkspace } from "../helpers/workspace.js";

/** A stream whose writes leave only when `flush` is called, as a pipe on macOS does. */
function slowStream(pending: number) {
  const callbacks: Array<() => void> = [];
  return {
    writableLength: pending,
    write(_chunk: string, cb: () => void) {
      callbacks.push(cb);
      return false;
    },
    flush: () => callbacks.splice(0).forEach((cb) => cb()),
  };
}

describe("ending a finished command at once", () => {
  it("ends at once when nothing written is still on its way out", () => {
    const exits: number[] = [];
    exitWhenWritten(3, [slowStream(0)], (c) => void exits.push(c));
    expect(exits).toEqual([3]);
  });

  it("waits for every stream still sending what was written to it", () => {
    const exits: number[] = [];
    const out = slowStream(4096);
    const err = slowStream(12);
    exitWhenWritten(0, [out, err], (c) => void exits.push(c));
    expect(exits).toEqual([]);
    out.flush();
    expect(exits).toEqual([]);
    err.flush();
    expect(exits).toEqual([0]);
  });
});

describe("a listing read slowly", () => {
  let ws: TestWorkspace;
  beforeAll(async () => {
    requireBuild();
    ws = await makeWorkspace();
    for (let i = 1; i <= 300; i++) await ws.seed(`fe-${i}`, { projectId: "frontend", status: "working", branch: `feat/a-branch-name-of-some-length-${i}`, summary: "x".repeat(200) });
  });
  afterAll(() => ws.cleanup());

  it("reaches its reader whole, and the command's exit code with it", async () => {
    const child = spawn(process.execPath, [AO_BIN, "session", "ls"], { env: ws.env, stdio: ["ignore", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    // Read a little at a time, pausing between: the writer gets ahead of the reader.
    child.stdout.on("data", (d: Buffer) => {
      chunks.push(d);
      child.stdout.pause();
      setTimeout(() => child.stdout.resume(), 5);
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    const lines = Buffer.concat(chunks).toString("utf8").trimEnd().split("\n");
    expect(code).toBe(0);
    expect(lines.filter((l) => l.startsWith("fe-"))).toHaveLength(300);
  }, 60_000);
});
