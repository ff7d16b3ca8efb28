// Fault suite — class "Locks, leaders, exactly-once": a reactor SIGKILLed right after a
// delivery, and an event log torn by a crash mid-append.
import { appendFile, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGitHub, type FakeGitHub } from "../../demo/fake-github.js";
import { runAo } from "../helpers/ao.js";
import { privateTmux, waitFor } from "../helpers/tmux.js";
import { faultWorkspace, startAo, type FaultWorkspace } from "./helpers.js";

const REPO = "org/app";
const tm = privateTmux();
let gh: FakeGitHub;
let ws: FaultWorkspace;

async function logged(file: string): Promise<string[]> {
  try {
    return (await readFile(file, "utf8")).trim().split("\n").filter(Boolean).map((l) => (JSON.parse(l) as { text: string }).text);
  } catch {
    return [];
  }
}

/** A session whose agent is ready and whose PR fails CI. */
async function failingSession(tag: string): Promise<{ id: string; log: string }> {
  const log = path.join(ws.root, `${tag}.log`);
  const r = await runAo(["spawn", "frontend"], { env: { ...ws.env, AO_SIM_LOG: log } });
  expect(r.stderr).toBe("");
  const id = r.stdout.trim();
  const rows = async () => JSON.parse((await runAo(["session", "ls", "--json"], { env: ws.env })).stdout) as Array<{ name: string; activity: string; branch: string }>;
  await waitFor(`${id} ready`, async () => (await rows()).find((x) => x.name === id)?.activity === "ready");
  const branch = (await rows()).find((x) => x.name === id)!.branch;
  const n = gh.state.openPr({ repo: REPO, branch });
  gh.state.setCi(REPO, n, "failure", [{ name: `check-${tag}`, conclusion: "failure", annotations: [{ path: "a.ts", line: 1, message: `broken ${tag}` }] }]);
  return { id, log };
}

beforeAll(async () => {
  gh = await startFakeGitHub({ token: "fake-token" });
  ws = await faultWorkspace("deliver", { socket: tm.socket, github: gh.baseUrl, extraConfig: "reactions:\n  ci-failed: { action: send-to-agent, retries: 0 }\n" });
});
afterAll(async () => {
  tm.kill();
  await gh.close();
  await rm(ws.root, { recursive: true, force: true });
});

describe("exactly-once delivery [class: locks, leaders, exactly-once]", () => {
  it("a reactor SIGKILLed right after a delivery does not deliver it again on restart", async () => {
    const sessions = [await failingSession("k1"), await failingSession("k2"), await failingSession("k3")];
    const watch = startAo(["watch", "--interval", "3600"], ws.env);
    // The instant the first agent has the message, before ao can have seen it land.
    await waitFor("a first delivery", async () => (await Promise.all(sessions.map((s) => logged(s.log)))).some((l) => l.length > 0), 60_000);
    watch.proc.kill("SIGKILL");
    await watch.done;
    // Restarted twice: whatever was under way is settled, the rest is sent, nothing twice.
    const again = await runAo(["watch", "--once"], { env: ws.env });
    expect(again.code).toBe(0);
    await runAo(["watch", "--once"], { env: ws.env });
    for (const s of sessions) {
      // No retries here (a loaded machine can leave a send unconfirmed, and a retry is a second
      // send by design): each event ends told once, or handed to the person.
      await waitFor(`${s.id} settled`, async () => {
        if ((await logged(s.log)).length >= 1) return true;
        if (/escalated/.test(await readFile(path.join(ws.sessionsDir, s.id, "events.jsonl"), "utf8"))) return true;
        const w = await runAo(["watch", "--once"], { env: ws.env });
        throw new Error(`${s.id} not settled; watch said ${JSON.stringify(w.stdout + w.stderr)}`);
      }, 60_000);
    }
    // Any message still on its way has had time to show; none arrives twice.
    await waitFor("agents idle", async () => {
      const rows = JSON.parse((await runAo(["session", "ls", "--json"], { env: ws.env })).stdout) as Array<{ name: string; activity: string }>;
      return sessions.every((s) => rows.find((r) => r.name === s.id)?.activity !== "active");
    });
    for (const s of sessions) {
      const messages = (await logged(s.log)).length;
      const escalated = /"action":"escalated"/.test(await readFile(path.join(ws.sessionsDir, s.id, "events.jsonl"), "utf8"));
      // Told once, or (a send cut short before it landed) handed to the person: never twice.
      expect({ id: s.id, messages, ok: messages === 1 || (messages === 0 && escalated) }).toEqual({ id: s.id, messages: expect.any(Number), ok: true });
      expect(messages).toBeLessThanOrEqual(1);
    }
  }, 120000);

  it("a torn line in events.jsonl neither silences the session's reactions nor swallows the next event", async () => {
    const s = await failingSession("torn");
    const events = path.join(ws.sessionsDir, s.id, "events.jsonl");
    // A crash half-way through an append: no newline at the end.
    await appendFile(events, '{"time":"2026-01-01T00:00:00.000Z","actor":"reaction","kind":"reac');
    const first = await runAo(["watch", "--once"], { env: ws.env });
    expect(first.stdout).toMatch(new RegExp(`${s.id}: ci-failed → told the agent`));
    await waitFor("message logged", async () => (await logged(s.log)).length === 1);
    // What was recorded after the torn line is read back, so the next poll repeats nothing.
    expect((await runAo(["watch", "--once"], { env: ws.env })).stdout).toBe("");
    expect(await logged(s.log)).toHaveLength(1);
    const lines = (await readFile(events, "utf8")).split("\n").filter(Boolean);
    const torn = lines.filter((l) => {
      try {
        JSON.parse(l);
        return false;
      } catch {
        return true;
      }
    });
    expect(torn).toEqual(['{"time":"2026-01-01T00:00:00.000Z","actor":"reaction","kind":"reac']);
  }, 60000);
});
