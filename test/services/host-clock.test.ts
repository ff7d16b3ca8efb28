// A host whose clock is off: tmux there dates output by it, and ao compares those times with
// "now" in the same clock. The host here is a stand-in (its clock cannot be set in a test): a
// runtime that reports output times in a clock five minutes ahead, and a `date` that agrees.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import type { RunResult } from "../../src/exec.js";
import { HostUnreachableError, type Host } from "../../src/plugins/host/types.js";
import type { PaneFacts, PaneLook, RuntimePlugin, ScreenWant } from "../../src/plugins/types.js";
import { readSessions } from "../../src/services/sessions.js";
import { useMachine } from "../helpers/machine.js";
import { makeWorkspace, type TestWorkspace } from "../helpers/workspace.js";

const AHEAD_MS = 5 * 60_000;
let ws: TestWorkspace | undefined;
afterEach(async () => {
  await ws?.cleanup();
  ws = undefined;
});

/** A host five minutes ahead, whose one pane last printed a minute ago by its own clock, and is at its prompt. */
function farHost(dateCalls: { n: number }): { host: Host; runtime: RuntimePlugin } {
  const hostNowSec = () => Math.floor((Date.now() + AHEAD_MS) / 1000);
  const quietSince = hostNowSec() - 60;
  const pane = (): PaneFacts => ({ name: "ao-w-fe-1", panePid: 1, dead: false, deadStatus: null, activityAt: quietSince });
  const host: Host = {
    name: "far",
    remote: true,
    timeoutMs: 20_000,
    async run(file): Promise<RunResult> {
      if (file !== "date") return { exitCode: 1, stdout: "", stderr: "not here" };
      dateCalls.n++;
      return { exitCode: 0, stdout: `${hostNowSec()}\n`, stderr: "" };
    },
    interactiveArgv: (argv) => argv,
  };
  const runtime = {
    name: "tmux",
    async listPanes() {
      return [pane()];
    },
    async look(wants: readonly ScreenWant[]): Promise<PaneLook> {
      const p = pane();
      // As tmux decides there: read only when still by the "still before" it was given.
      const screens = new Map(wants.filter((w) => p.activityAt <= w.stillBefore).map((w) => [w.name, { activityAt: p.activityAt, text: "work done\n$ " }]));
      return { panes: [p], screens };
    },
  } as unknown as RuntimePlugin;
  return { host, runtime };
}

describe("a host whose clock is ahead of this one", () => {
  it("its quiet agent reads as quiet, not as printing right now; the skew is measured once and kept", async () => {
    ws = await makeWorkspace(
      "name: w\nhosts:\n  far: { ssh: far }\nprojects:\n  frontend: { repo: org/app, path: /tmp, sessionPrefix: fe, scm: none, agent: generic, agentCommand: sh, hosts: [far] }\n",
      "w",
    );
    await ws.seed("fe-1", { projectId: "frontend", status: "working", agent: "generic", host: "far", tmuxName: "ao-w-fe-1", createdAt: new Date(Date.now() - 3600_000).toISOString() });
    const calls = { n: 0 };
    const read = async () => {
      const ctx = await createApp({ env: ws!.env });
      const { host, runtime } = farHost(calls);
      useMachine(ctx, "far", host, runtime, "panes-w@far.json");
      return (await readSessions(ctx)).views[0]!;
    };
    const v = await read();
    expect(v.activity).toBe("ready");
    // A minute ago in this machine's clock too, not five minutes from now.
    const last = Date.parse(v.lastActivityAt!);
    expect(Math.abs(Date.now() - 60_000 - last)).toBeLessThan(5_000);
    const seen = JSON.parse(await readFile(path.join(ws.aoHome, "cache", "hosts-w.json"), "utf8")) as Record<string, { skewMs: number }>;
    expect(Math.abs(seen.far!.skewMs - AHEAD_MS)).toBeLessThan(2_000);
    expect((await read()).activity).toBe("ready");
    expect(calls.n).toBe(1);
  });
});

describe("what placement is told of a probe", () => {
  it("passes by a host that answers without tmux or without git, saying which", async () => {
    const { loads } = await import("../../src/services/hosts.js");
    const row = (name: string, tmux: string | null, git: string | null) => ({ name, ssh: name, live: 0, capacity: 4, reachable: true, error: null, tmux, git, load: null, lastSeen: null, unreachableSince: null });
    expect(loads([row("a", "3.3a", "2.39"), row("nt", null, "2.39"), row("ng", "3.3a", null)]).map((l) => l.unfit)).toEqual([undefined, "has no tmux", "has no git"]);
  });
});

describe("a host that answers slowly", () => {
  it("is not held 'unreachable' for good once noted down: every half minute a refresh gives it the whole wait", async () => {
    ws = await makeWorkspace(
      "name: w\nhosts:\n  slow: { ssh: slow }\nprojects:\n  frontend: { repo: org/app, path: /tmp, sessionPrefix: fe, scm: none, agent: generic, agentCommand: sh, hosts: [slow] }\n",
      "w",
    );
    await ws.seed("fe-1", { projectId: "frontend", status: "working", agent: "generic", host: "slow", tmuxName: "ao-w-fe-1", createdAt: new Date(Date.now() - 3600_000).toISOString() });
    // Noted down a while ago (a short `ao hosts --timeout`, a blip).
    const notes = path.join(ws.aoHome, "cache", "hosts-w.json");
    await mkdir(path.dirname(notes), { recursive: true });
    await writeFile(notes, JSON.stringify({ slow: { unreachableSince: new Date(Date.now() - 120_000).toISOString() } }));
    const quietSince = Math.floor(Date.now() / 1000) - 60;
    const read = async () => {
      const ctx = await createApp({ env: ws!.env });
      // It answers in 6 s (a login shell that takes its time): within a refresh's whole wait, not the short one.
      const host: Host = {
        name: "slow",
        remote: true,
        timeoutMs: 20_000,
        async run(file): Promise<RunResult> {
          if (file === "date") return { exitCode: 0, stdout: `${Math.floor(Date.now() / 1000)}\n`, stderr: "" };
          return { exitCode: 1, stdout: "", stderr: "not here" };
        },
        interactiveArgv: (argv) => argv,
      };
      const answer = async <T>(value: T): Promise<T> => {
        if (host.timeoutMs < 6000) throw new HostUnreachableError("slow", "slow did not answer within the wait");
        return value;
      };
      const pane = { name: "ao-w-fe-1", panePid: 1, dead: false, deadStatus: null, activityAt: quietSince };
      const runtime = {
        name: "tmux",
        listPanes: () => answer([pane]),
        look: (wants: readonly ScreenWant[]) => answer({ panes: [pane], screens: new Map(wants.map((w) => [w.name, { activityAt: quietSince, text: "done\n$ " }])) }),
      } as unknown as RuntimePlugin;
      useMachine(ctx, "slow", host, runtime, "panes-w@slow.json");
      return (await readSessions(ctx)).views[0]!;
    };
    const first = await read();
    expect(first.statusCause).not.toBe("host_unreachable");
    expect(first.activity).toBe("ready");
    const seen = JSON.parse(await readFile(notes, "utf8")) as Record<string, { unreachableSince?: string }>;
    expect(seen.slow!.unreachableSince).toBeUndefined();
  });
});
