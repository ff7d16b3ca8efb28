// Right after a spawn the agent has drawn nothing: a blank screen is no evidence of anything.
// `ao session ls` showed status spawning beside activity "ready" (Claude Code's classifier reads
// a still screen without its dialogs or spinner as ready). Blank is unknown until it shows.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { claudeCode } from "../../src/plugins/agent/claude-code.js";
import { generic } from "../../src/plugins/agent/generic.js";
import type { PaneLook, RuntimePlugin } from "../../src/plugins/types.js";
import { RuntimeFacts } from "../../src/services/runtime-facts.js";
import { sendMessage } from "../../src/services/messenger.js";
import { readSessions } from "../../src/services/sessions.js";
import { waitFor } from "../helpers/tmux.js";
import { makeWorkspace, tmuxPerTest, type TestWorkspace } from "../helpers/workspace.js";

const CAPTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/captures");
const dir = mkdtempSync(path.join(tmpdir(), "ao-blank-"));
let ws: TestWorkspace | undefined;
const tm = tmuxPerTest(() => ws);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One live pane, still for a minute, whose screen is `state.text`. */
function stillPane(state: { text: string }): RuntimePlugin {
  const NOW_SEC = Math.floor(Date.now() / 1000) - 60;
  const look = (): Promise<PaneLook> =>
    Promise.resolve({
      panes: [{ name: "ao-w-fe-1", panePid: 1, dead: false, deadStatus: null, activityAt: NOW_SEC }],
      screens: new Map([["ao-w-fe-1", { activityAt: NOW_SEC, text: state.text }]]),
    });
  return { name: "fake", look, capture: () => Promise.resolve(state.text) } as unknown as RuntimePlugin;
}

describe("a screen the agent has not drawn yet", () => {
  it.each([
    ["Claude Code, an empty screen", claudeCode, ""],
    ["Claude Code, only blank lines", claudeCode, "\n   \n\n\t\n"],
    ["a generic command, an empty screen", generic, ""],
  ])("%s: no activity, not seen", async (_, agent, text) => {
    const state = { text };
    const facts = new RuntimeFacts(stillPane(state), path.join(dir, `${agent.name}-${text.length}.json`), 5 * 60_000);
    const q = { id: "fe-1", tmuxName: "ao-w-fe-1", agent };
    const blank = (await facts.gather([q])).get("fe-1")!;
    expect(blank).toMatchObject({ alive: true, seen: false });
    expect(blank.activity).toBeUndefined();
    // Drawn: what it shows is evidence.
    if (agent === claudeCode) {
      state.text = readFileSync(path.join(CAPTURES, "claude-code/ready.txt"), "utf8");
      expect((await facts.gather([q])).get("fe-1")).toMatchObject({ seen: true, activity: "ready" });
    }
  });

  it("a real pane that has printed nothing: ao session ls says spawning, and no activity; once it draws, what it shows", async () => {
    ws = await makeWorkspace("name: w\nprojects:\n  frontend: { repo: org/app, path: /tmp, sessionPrefix: fe, scm: none }\n", "w");
    const started = new Date().toISOString();
    await ws.seed("fe-1", { projectId: "frontend", status: "spawning", agent: "claude-code", tmuxName: "ao-w-fe-1", createdAt: started, agentStartedAt: started });
    // A pane whose program prints nothing until told (as an agent still loading).
    expect(tm.tmux("new-session", "-d", "-s", "ao-w-fe-1", "-x", "80", "-y", "10", "read x; printf '──────────────────────────────\\n❯ \\n──────────────────────────────\\n  ? for shortcuts\\n'; exec sleep 600").code).toBe(0);
    const ctx = await createApp({ env: { ...ws.env, AO_TMUX_SOCKET: tm.socket } });
    const fe1 = async () => (await readSessions(ctx, { all: true, record: true })).views[0]!;

    const blank = await fe1();
    expect(blank).toMatchObject({ status: "spawning", statusCause: "booting", activity: null });
    // A second look (the screen now known blank and still) says no more.
    expect(await fe1()).toMatchObject({ status: "spawning", activity: null });

    tm.tmux("send-keys", "-t", "=ao-w-fe-1:", "Enter");
    const drawn = await waitFor("fe-1 drawn and read", async () => {
      const v = await fe1();
      return v.activity === "ready" || v.activity === "idle" ? v : null;
    });
    expect(drawn).toMatchObject({ status: "needs_input", statusCause: "turn_finished" });
  });

  it("a message waits until the agent has drawn its screen: nothing is typed into a blank one", async () => {
    ws = await makeWorkspace("name: w\nprojects:\n  frontend: { repo: org/app, path: /tmp, sessionPrefix: fe, scm: none, agent: generic, agentCommand: sh }\n", "w");
    const started = new Date().toISOString();
    await ws.seed("fe-1", { projectId: "frontend", status: "working", agent: "generic", tmuxName: "ao-w-fe-1", createdAt: started, agentStartedAt: started });
    // An agent that draws its prompt only once told to (the flag file), then keeps what it reads.
    const flag = path.join(ws.root, "draw");
    const got = path.join(ws.root, "got");
    const script = `while [ ! -e ${JSON.stringify(flag)} ]; do sleep 0.1; done; printf '> '; read line; printf '%s' "$line" > ${JSON.stringify(got)}; exec sleep 600`;
    expect(tm.tmux("new-session", "-d", "-s", "ao-w-fe-1", "-x", "80", "-y", "10", script).code).toBe(0);
    const ctx = await createApp({ env: { ...ws.env, AO_TMUX_SOCKET: tm.socket } });
    const waited: Array<string | undefined> = [];
    const sent = sendMessage(ctx, "fe-1", "hello there", { timeoutMs: 60_000, onWaiting: (_, a) => void waited.push(a) });
    await waitFor("the send waiting on the blank screen", () => waited.length >= 2);
    expect(waited.every((a) => a === undefined)).toBe(true);
    // Nothing typed: the pane is still blank.
    expect(tm.tmux("capture-pane", "-p", "-t", "=ao-w-fe-1:").stdout.trim()).toBe("");
    writeFileSync(flag, "");
    await sent;
    await waitFor("the message read at its prompt", () => existsSync(got) && readFileSync(got, "utf8") === "hello there");
  });

  it("with --no-wait nothing is typed into a blank screen: the send is refused and recorded so; once drawn, it goes", async () => {
    ws = await makeWorkspace("name: w\nprojects:\n  frontend: { repo: org/app, path: /tmp, sessionPrefix: fe, scm: none, agent: generic, agentCommand: sh }\n", "w");
    await ws.seed("fe-1", { projectId: "frontend", status: "working", agent: "generic", tmuxName: "ao-w-fe-1", createdAt: new Date(Date.now() - 3600_000).toISOString() });
    const flag = path.join(ws.root, "draw");
    const got = path.join(ws.root, "got-now");
    // Keys typed now would sit in the terminal and reach the first thing it reads: `got-now` would hold them.
    const script = `while [ ! -e ${JSON.stringify(flag)} ]; do sleep 0.1; done; printf '> '; read line; printf '%s' "$line" > ${JSON.stringify(got)}; exec sleep 600`;
    expect(tm.tmux("new-session", "-d", "-s", "ao-w-fe-1", "-x", "80", "-y", "10", script).code).toBe(0);
    const ctx = await createApp({ env: { ...ws.env, AO_TMUX_SOCKET: tm.socket } });
    await expect(sendMessage(ctx, "fe-1", "not yet", { wait: false })).rejects.toThrow(/drawn nothing yet .*nothing was typed/);
    const events = readFileSync(path.join(ws.root, "ao-home/sessions/w/fe-1/events.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { kind: string; outcome?: string; reason?: string });
    expect(events.at(-1)).toMatchObject({ kind: "message", outcome: "refused", reason: "its agent has drawn nothing yet" });
    writeFileSync(flag, "");
    await waitFor("its prompt drawn", () => tm.tmux("capture-pane", "-p", "-t", "=ao-w-fe-1:").stdout.includes(">"));
    await sendMessage(ctx, "fe-1", "now it goes", { wait: false });
    await waitFor("the message read at its prompt", () => existsSync(got) && readFileSync(got, "utf8") === "now it goes");
  });
});
