// Fault suite — class "a tmux that does not answer": a tmux server stopped with SIGSTOP accepts
// connections and never replies. A listing must still answer from the records within seconds,
// say that tmux did not answer, and leave every runtime fact unknown: `ao status` records no
// session as lost over a server that merely did not reply.
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { processStartTime } from "../../src/exec.js";
import { runAo, type AoResult, type StatusRow } from "../helpers/ao.js";
import { privateTmux, waitFor } from "../helpers/tmux.js";
import { faultWorkspace, seedPushedSession, startAo, type FaultWorkspace } from "./helpers.js";

// Real processes on a shared, loaded machine: generous deadlines, never timed assertions.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const tm = privateTmux();
let ws: FaultWorkspace;
let stopped: number | null = null;

const rows = async (): Promise<StatusRow[]> => JSON.parse((await runAo(["session", "ls", "--json"], { env: ws.env })).stdout) as StatusRow[];

/** `ao args` that must end before `ms`: a run still going then is killed, and the test fails saying so. */
async function endsWithin(ms: number, args: string[]): Promise<AoResult> {
  const child = startAo(args, ws.env);
  const late = setTimeout(() => child.proc.kill("SIGKILL"), ms);
  const code = await child.done;
  clearTimeout(late);
  if (code === null) throw new Error(`ao ${args.join(" ")} had not ended after ${ms / 1000} s (killed); stderr so far: ${child.err()}`);
  return { code, stdout: child.out(), stderr: child.err() };
}

beforeAll(async () => {
  // GitHub on a port nothing listens on: refused at once, never waited on.
  ws = await faultWorkspace("stopped", { socket: tm.socket, github: "http://127.0.0.1:9/api/v3" });
});
afterAll(async () => {
  if (stopped !== null) process.kill(stopped, "SIGCONT");
  tm.kill();
  await rm(ws.root, { recursive: true, force: true });
});

describe("a stopped tmux server [class: a tmux that does not answer]", () => {
  it("ls and status answer from the records, say tmux did not answer, and record nothing over the sessions", async () => {
    const spawned = await runAo(["spawn", "frontend"], { env: ws.env });
    expect(spawned.code, spawned.stderr).toBe(0);
    const id = spawned.stdout.trim();
    await waitFor(`${id} ready`, async () => (await rows()).find((r) => r.name === id)?.activity === "ready", 60_000);
    // A spawn an hour old whose spawner (this test) still runs, and which has no tmux session:
    // with tmux answering, "no runtime after 10 minutes" is what tmux said; with tmux stopped,
    // nothing is known of its runtime, so it is no such thing.
    const slow = await seedPushedSession(ws, {
      status: "spawning",
      createdAt: new Date(Date.now() - 3_600_000).toISOString(),
      spawnPid: String(process.pid),
      spawnStart: processStartTime(process.pid) ?? "",
      tmuxName: "ao-stopped-never-made",
    });
    expect((await rows()).find((r) => r.name === slow.id)?.statusReason).toMatch(/no runtime after 10 minutes/);
    const metaFile = path.join(ws.sessionsDir, id, "metadata");
    const eventsFile = path.join(ws.sessionsDir, id, "events.jsonl");
    const before = await readFile(metaFile, "utf8");
    const eventsBefore = await readFile(eventsFile, "utf8");

    const pid = Number(tm.tmux("display-message", "-p", "#{pid}").stdout.trim());
    expect(pid).toBeGreaterThan(1);
    process.kill(pid, "SIGSTOP");
    stopped = pid;
    try {
      const ls = await endsWithin(15_000, ["session", "ls"]);
      expect(ls.code, ls.stderr).toBe(0);
      expect(ls.stdout).toContain(id);
      expect(ls.stderr).toMatch(/^ao: tmux did not answer within \d+ s/m);

      const json = await endsWithin(15_000, ["session", "ls", "--json"]);
      expect(json.code, json.stderr).toBe(0);
      const row = (JSON.parse(json.stdout) as StatusRow[]).find((r) => r.name === id);
      // Unknown, not dead and not alive: no activity, and the reason says why nothing is known.
      expect(row).toMatchObject({ statusCause: "probe_failed", activity: null });
      expect(row?.statusReason).toMatch(/tmux did not answer/);
      expect((JSON.parse(json.stdout) as StatusRow[]).find((r) => r.name === slow.id)).toMatchObject({ status: "spawning" });

      const st = await endsWithin(15_000, ["status", "--json"]);
      expect(st.code, st.stderr).toBe(0);
      expect((JSON.parse(st.stdout) as StatusRow[]).find((r) => r.name === id)).toMatchObject({ statusCause: "probe_failed", activity: null });
      const table = await endsWithin(15_000, ["status"]);
      expect(table.code, table.stderr).toBe(0);
      expect(table.stdout).toMatch(/tmux did not answer/);

      // Nothing learnt, nothing recorded: the record and its event log are as they were.
      expect(await readFile(metaFile, "utf8")).toBe(before);
      expect(await readFile(eventsFile, "utf8")).toBe(eventsBefore);
    } finally {
      process.kill(pid, "SIGCONT");
      stopped = null;
    }
    // Once tmux answers again, so does the session.
    await waitFor(`${id} ready again`, async () => (await rows()).find((r) => r.name === id)?.activity === "ready", 30_000);
    expect((await rows()).find((r) => r.name === id)?.statusCause).not.toBe("probe_failed");
  });
});
