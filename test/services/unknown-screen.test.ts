// Codex prints "WARNING: proceeding, even though we could not create PATH aliases: …" before its
// interface draws. A look at that moment read "ready" (no busy line, so "at its prompt"), and the
// booting session read needs_input, "finished its turn; waiting for your next message": a claim
// ao never observed. A still screen an agent's patterns do not know now has no activity.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import type { SessionView } from "../../src/core/types.js";
import { sendMessage } from "../../src/services/messenger.js";
import { readSessions } from "../../src/services/sessions.js";
import { waitFor } from "../helpers/tmux.js";
import { makeWorkspace, tmuxPerTest, type TestWorkspace } from "../helpers/workspace.js";
import { CODEX_PATH_WARNING } from "../helpers/screens.js";

const CAPTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/captures");
const dir = mkdtempSync(path.join(tmpdir(), "ao-unknown-"));
let ws: TestWorkspace | undefined;
const tm = tmuxPerTest(() => ws);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CONFIG = "name: w\nprojects:\n  frontend: { repo: org/app, path: /tmp, sessionPrefix: fe, scm: none, agent: codex }\n";

/**
 * A pane that prints Codex's warning, then, once told (Enter), draws Codex's real prompt screen
 * (ready.txt); what it reads after that goes to `got`.
 */
function warningThenPrompt(got: string): string {
  const warning = path.join(dir, "warning.txt");
  writeFileSync(warning, `${CODEX_PATH_WARNING}\n`);
  const ready = path.join(CAPTURES, "codex/ready.txt");
  return `cat ${JSON.stringify(warning)}; read x; clear; cat ${JSON.stringify(ready)}; read line; printf '%s' "$line" > ${JSON.stringify(got)}; exec sleep 600`;
}

async function start(status: "spawning" | "working"): Promise<{ fe1: () => Promise<SessionView>; got: string; ctx: Awaited<ReturnType<typeof createApp>>; record: string }> {
  ws = await makeWorkspace(CONFIG, "w");
  const started = new Date().toISOString();
  const record = await ws.seed("fe-1", { projectId: "frontend", status, agent: "codex", tmuxName: "ao-w-fe-1", createdAt: started, agentStartedAt: started });
  const got = path.join(ws.root, "got");
  expect(tm.tmux("new-session", "-d", "-s", "ao-w-fe-1", "-x", "120", "-y", "40", warningThenPrompt(got)).code).toBe(0);
  const ctx = await createApp({ env: { ...ws.env, AO_TMUX_SOCKET: tm.socket } });
  const fe1 = async () => (await readSessions(ctx, { all: true, record: true })).views[0]!;
  return { fe1, got, ctx, record };
}

/** Looks until the warning's screen has gone still and been read; never needs_input meanwhile. */
async function untilRead(fe1: () => Promise<SessionView>): Promise<SessionView> {
  return waitFor("the warning's screen read still", async () => {
    const v = await fe1();
    expect(v.status).not.toBe("needs_input");
    return v.unrecognizedScreen !== undefined ? v : null;
  });
}

async function drawPrompt(fe1: () => Promise<SessionView>): Promise<SessionView> {
  tm.tmux("send-keys", "-t", "=ao-w-fe-1:", "Enter");
  return waitFor("Codex's prompt drawn and read", async () => {
    const v = await fe1();
    return v.activity === "ready" || v.activity === "idle" ? v : null;
  });
}

describe("a still screen the agent's patterns do not know", () => {
  it("a booting Codex that printed a warning stays spawning; its prompt drawn, it waits for the person", async () => {
    const { fe1, record } = await start("spawning");
    const v = await untilRead(fe1);
    expect(v).toMatchObject({ status: "spawning", statusCause: "booting", activity: null });
    expect(v.statusReason).toMatch(/^Codex is starting \(ao does not recognize its screen yet: "WARNING: proceeding, even though we could not create PATH aliases/);
    // A second look says no more, and records nothing over the spawn's record.
    expect(await fe1()).toMatchObject({ status: "spawning", statusCause: "booting" });
    expect(readFileSync(path.join(record, "metadata"), "utf8")).toMatch(/^status=spawning$/m);

    expect(await drawPrompt(fe1)).toMatchObject({ status: "needs_input", statusCause: "turn_finished" });
  });

  it("past its start it is no finished turn: stuck, naming the screen, never recorded; its prompt drawn, it waits for the person", async () => {
    const { fe1, record } = await start("working");
    const v = await untilRead(fe1);
    expect(v).toMatchObject({ status: "stuck", statusCause: "unrecognized_screen", activity: null });
    expect(v.statusReason).toMatch(/^ao does not recognize Codex's screen \(not its prompt, no dialog it knows\), still for \d+s: "WARNING: proceeding.*"; look at it: ao attach fe-1$/);
    expect(readFileSync(path.join(record, "metadata"), "utf8")).toMatch(/^status=working$/m);

    const ready = await drawPrompt(fe1);
    expect(ready).toMatchObject({ status: "needs_input", statusCause: "turn_finished" });
    expect(ready.unrecognizedScreen).toBeUndefined();
  });

  it("a message is never typed into it: refused once the wait is over, nothing typed", async () => {
    const { fe1, got, ctx, record } = await start("working");
    await untilRead(fe1);
    const waited: Array<string | undefined> = [];
    const sent = sendMessage(ctx, "fe-1", "hello there", { timeoutMs: 1500, onWaiting: (_, a) => void waited.push(a) });
    await expect(sent).rejects.toThrow(/fe-1 shows a screen ao does not recognize as codex's prompt \("WARNING: proceeding.*"\), so nothing was typed\. Look at it: ao attach fe-1/);
    expect(waited.length).toBeGreaterThan(0);
    expect(waited.every((a) => a === undefined)).toBe(true);
    // Nothing typed: the pane shows the warning alone, and its program read no line.
    expect(tm.tmux("capture-pane", "-p", "-J", "-t", "=ao-w-fe-1:").stdout.trim()).toBe(CODEX_PATH_WARNING);
    expect(existsSync(got)).toBe(false);
    const events = readFileSync(path.join(record, "events.jsonl"), "utf8");
    expect(events).toMatch(/"outcome":"refused","reason":"its screen is none ao recognizes: WARNING: proceeding/);
    // Its prompt drawn, the same message goes in.
    await drawPrompt(fe1);
    await sendMessage(ctx, "fe-1", "hello there", { timeoutMs: 10_000 });
    await waitFor("the message read at its prompt", () => existsSync(got) && readFileSync(got, "utf8") === "hello there");
  });
});
