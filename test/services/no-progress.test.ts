import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AgentEvent } from "../../src/core/agent-events.js";
import { deriveStatus } from "../../src/core/status.js";
import { claudeCode } from "../../src/plugins/agent/claude-code.js";
import { codex } from "../../src/plugins/agent/codex.js";
import { gemini } from "../../src/plugins/agent/gemini.js";
import type { AgentPlugin, PaneLook, RuntimePlugin, ScreenWant } from "../../src/plugins/types.js";
import type { EventLogReader } from "../../src/services/agent-events.js";
import { RuntimeFacts, type SessionRuntimeFacts } from "../../src/services/runtime-facts.js";

// Recorded screens of the real CLIs (test/fixtures/captures) while the model endpoint took the
// request and never answered ("hang"), or streamed the start of a reply and then stopped ("stall").
const CAPTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/captures");
const capture = (agent: string, file: string) => readFileSync(path.join(CAPTURES, agent, file), "utf8");
const dir = mkdtempSync(path.join(tmpdir(), "ao-no-progress-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NOW = 1_800_000_000_000;
const NAME = "ao-w-app-1";

// Time that passes moves both clocks: the wall clock each look is given, and the system's
// monotonic clock (metadata/clock.ts), set here with it. A clock set forward, or a machine
// suspended and resumed, moves the wall clock alone.
const MONO_AT_NOW = 5_000_000;
let monoNow = MONO_AT_NOW;
beforeEach(() => {
  monoNow = MONO_AT_NOW;
  vi.spyOn(process.hrtime, "bigint").mockImplementation(() => BigInt(monoNow) * 1_000_000n);
});
afterEach(() => {
  vi.restoreAllMocks();
});

/**
 * One pane whose screen the test sets; its spinner keeps it moving (output "now" at every look).
 * A screen is read only when the look asks for it while it moves (tmux's rule), and each read is counted.
 */
function spinningRuntime(state: { text: string; now: number; reads: number; blind?: boolean; stillSince?: number }): RuntimePlugin {
  const look = (wants: readonly ScreenWant[]): Promise<PaneLook> => {
    // A screen that does not move (stillSince) keeps its last output time.
    const activityAt = Math.floor((state.stillSince ?? state.now) / 1000);
    const want = wants.find((w) => w.name === NAME);
    const read = !state.blind && want !== undefined && activityAt <= want.stillBefore && activityAt !== want.knownActivityAt;
    if (read) state.reads++;
    return Promise.resolve({
      panes: [{ name: NAME, panePid: 1, dead: false, deadStatus: null, activityAt }],
      screens: new Map(read ? [[NAME, { activityAt, text: state.text }]] : []),
    });
  };
  return { name: "fake", look, capture: () => Promise.resolve(state.text) } as unknown as RuntimePlugin;
}

function logs(events: AgentEvent[]): EventLogReader {
  return { readMany: (files: string[]) => Promise.resolve(new Map(files.map((f) => [f, events]))) } as unknown as EventLogReader;
}

function reasonOf(rt: SessionRuntimeFacts, name: string, now: number): { status: string; cause: string; reason: string } {
  return deriveStatus({
    now: new Date(now),
    meta: { status: "working", createdAt: new Date(NOW - 60_000).toISOString() },
    stuckAfterMs: 10 * 60_000,
    // As the service passes it: how long the pane has been quiet, no wall-clock jump counted.
    ...(rt.quietMs !== undefined ? { quietMs: rt.quietMs } : {}),
    runtimeAlive: true,
    activity: rt.activity!,
    pr: null,
    agent: { name, seen: true, source: rt.source ?? "screen", question: null, error: null, ...(rt.noProgress ? { noProgress: rt.noProgress } : {}) },
  });
}

describe("a working agent whose screen shows nothing new but its spinner", () => {
  /** A look `ms` after NOW by the wall clock; `jumpedMs` of that is the wall clock's jump, no time passing. */
  async function at(facts: RuntimeFacts, agent: AgentPlugin, state: { now: number; text: string; jumpedMs?: number }, ms: number, text?: string, withLog = false) {
    state.now = NOW + ms;
    monoNow = MONO_AT_NOW + ms - (state.jumpedMs ?? 0);
    if (text !== undefined) state.text = text;
    const q = { id: "app-1", tmuxName: NAME, agent, ...(withLog ? { eventLog: "/events.jsonl" } : {}) };
    return (await facts.gather([q], state.now)).get("app-1")!;
  }

  it("Claude Code, a request never answered: its screen is read now and then while it moves, and the reason says how long the model has been silent", async () => {
    const state = { text: capture("claude-code", "hang-10s.txt"), now: NOW, reads: 0 };
    const facts = new RuntimeFacts(spinningRuntime(state), path.join(dir, "claude-hang.json"), 5 * 60_000);
    const first = await at(facts, claudeCode, state, 0);
    expect(first.activity).toBe("active");
    expect(reasonOf(first, "Claude Code", state.now)).toMatchObject({ status: "working", cause: "working" });
    // A look a second later does not read the moving screen again.
    await at(facts, claudeCode, state, 1000);
    expect(state.reads).toBe(1);
    // 50 s in, the spinner's clock says 61 s since the prompt, and nothing else moved.
    const minute = await at(facts, claudeCode, state, 50_000, capture("claude-code", "hang-60s.txt"));
    expect(state.reads).toBe(2);
    expect(minute.noProgress).toMatchObject({ ms: 61_000, unanswered: true });
    expect(reasonOf(minute, "Claude Code", state.now)).toEqual({ status: "working", cause: "no_progress", reason: "agent is working · no reply from the model for 1m (only its spinner moves)" });
    // Four minutes in: looked at every 15 s or so, the same work on screen.
    for (let s = 65; s < 230; s += 15) await at(facts, claudeCode, state, s * 1000);
    const four = await at(facts, claudeCode, state, 231_000, capture("claude-code", "hang-4m.txt"));
    expect(four.noProgress!.ms).toBeGreaterThanOrEqual(231_000);
    expect(reasonOf(four, "Claude Code", state.now).reason).toBe("agent is working · no reply from the model for 4m (only its spinner moves)");
  });

  it("Claude Code, a reply that stopped mid-stream: the time counts from ao's first look, and the agent's prompt event says the model has the turn", async () => {
    const state = { text: capture("claude-code", "stall-10s.txt"), now: NOW, reads: 0 };
    const events: AgentEvent[] = [{ t: NOW - 10_000, agent: "claude-code", event: "UserPromptSubmit", data: { prompt: "stall please" } }];
    const facts = new RuntimeFacts(spinningRuntime(state), path.join(dir, "claude-stall.json"), 5 * 60_000, undefined, logs(events));
    await at(facts, claudeCode, state, 0, undefined, true);
    await at(facts, claudeCode, state, 20_000, capture("claude-code", "stall-60s.txt"), true);
    await at(facts, claudeCode, state, 40_000, undefined, true);
    const later = await at(facts, claudeCode, state, 60_000, undefined, true);
    expect(later.noProgress).toEqual({ ms: 60_000, unanswered: false, modelsTurn: true, moving: true });
    expect(reasonOf(later, "Claude Code", state.now).reason).toBe("agent is working · nothing new from the model for 1m (only its spinner moves)");
    // An event from the agent is news: a tool started (the model answered after all).
    events.push({ t: NOW + 70_000, agent: "claude-code", event: "PreToolUse", data: { tool_name: "Bash" } });
    const tool = await at(facts, claudeCode, state, 80_000, undefined, true);
    expect(tool.noProgress).toMatchObject({ ms: 10_000, modelsTurn: false });
    expect(reasonOf(tool, "Claude Code", state.now).cause).toBe("working");
  });

  it("a reply that streams is progress: the clock starts again", async () => {
    const state = { text: capture("claude-code", "working-1.txt"), now: NOW, reads: 0 };
    const facts = new RuntimeFacts(spinningRuntime(state), path.join(dir, "claude-slow.json"), 5 * 60_000);
    await at(facts, claudeCode, state, 0);
    await at(facts, claudeCode, state, 50_000);
    const tokens = await at(facts, claudeCode, state, 70_000, capture("claude-code", "working-3.txt"));
    expect(tokens.noProgress).toMatchObject({ ms: 0, unanswered: false });
  });

  it("a screen ao has not read lately says nothing: no claim from an old look", async () => {
    const state = { text: capture("claude-code", "hang-60s.txt"), now: NOW, reads: 0, blind: false };
    const facts = new RuntimeFacts(spinningRuntime(state), path.join(dir, "claude-old.json"), 5 * 60_000);
    expect((await at(facts, claudeCode, state, 0)).noProgress).toBeDefined();
    // Its screen could not be read since (the look brought none back): after a while, no claim.
    state.blind = true;
    expect((await at(facts, claudeCode, state, 30_000)).noProgress).toBeDefined();
    const late = await at(facts, claudeCode, state, 5 * 60_000);
    expect(late.activity).toBe("active");
    expect(late.noProgress).toBeUndefined();
    // Read again: the same screen as five minutes ago, and the spinner's clock agrees.
    state.blind = false;
    expect((await at(facts, claudeCode, state, 5 * 60_000 + 1000)).noProgress).toMatchObject({ ms: 5 * 60_000 + 1000, unanswered: true });
  });

  it("Codex, a reply that stopped mid-stream: no busy line, a still screen, yet its turn has not ended; not \"finished its turn\"", async () => {
    const state = { text: capture("codex", "stall-10s.txt"), now: NOW, reads: 0, stillSince: NOW - 5000 };
    const facts = new RuntimeFacts(spinningRuntime(state), path.join(dir, "codex-stall.json"), 5 * 60_000);
    const first = await at(facts, codex, state, 0);
    expect(first.activity).toBe("active");
    // Unchanged since (tmux says so; it is not read again): four minutes of nothing.
    const later = await at(facts, codex, state, 4 * 60_000, capture("codex", "stall-4m.txt"));
    expect(state.reads).toBe(1);
    expect(later).toMatchObject({ activity: "active", noProgress: { ms: 4 * 60_000, unanswered: false, moving: false } });
    expect(reasonOf(later, "Codex", state.now)).toEqual({ status: "working", cause: "no_progress", reason: "agent is working · nothing new on its screen for 4m (its screen is still, its turn not ended)" });
  });

  it("a wall clock set forward (or a suspend and resume) is no time without progress; a real minute still is", async () => {
    // A reply that stopped mid-stream: nothing from the spinner's clock, only ao's own looks.
    const state = { text: capture("claude-code", "stall-10s.txt"), now: NOW, reads: 0, jumpedMs: 0 };
    const facts = new RuntimeFacts(spinningRuntime(state), path.join(dir, "claude-jump.json"), 5 * 60_000);
    await at(facts, claudeCode, state, 0);
    await at(facts, claudeCode, state, 10_000);
    // The wall clock jumps two hours ahead; 20 s have really passed. The screen is read again
    // (a progress read is due by the wall clock): the same work on it.
    state.jumpedMs = 2 * 3_600_000;
    const jumped = await at(facts, claudeCode, state, 2 * 3_600_000 + 20_000);
    expect(state.reads).toBe(2);
    expect(jumped.activity).toBe("active");
    expect(jumped.noProgress).toMatchObject({ ms: 20_000 });
    expect(reasonOf(jumped, "Claude Code", state.now)).toEqual({ status: "working", cause: "working", reason: "agent is working" });
    // A real minute from the first look, still nothing new: said so.
    for (let s = 35; s <= 50; s += 15) await at(facts, claudeCode, state, 2 * 3_600_000 + s * 1000);
    const minute = await at(facts, claudeCode, state, 2 * 3_600_000 + 61_000);
    expect(minute.noProgress).toMatchObject({ ms: 61_000 });
    expect(reasonOf(minute, "Claude Code", state.now)).toMatchObject({ status: "working", cause: "no_progress" });
  });

  it("an event after a clock jump counts from its own time", async () => {
    const state = { text: capture("claude-code", "stall-10s.txt"), now: NOW, reads: 0, jumpedMs: 0 };
    const events: AgentEvent[] = [];
    const facts = new RuntimeFacts(spinningRuntime(state), path.join(dir, "claude-jump-event.json"), 5 * 60_000, undefined, logs(events));
    await at(facts, claudeCode, state, 0, undefined, true);
    state.jumpedMs = 3_600_000;
    // 30 s in (an hour more by the wall clock), a tool starts; 10 s later, ao looks.
    events.push({ t: NOW + 3_600_000 + 30_000, agent: "claude-code", event: "PreToolUse", data: { tool_name: "Bash" } });
    const after = await at(facts, claudeCode, state, 3_600_000 + 40_000, undefined, true);
    expect(after.noProgress).toMatchObject({ ms: 10_000 });
    // 65 s after that event, nothing more: a minute without progress.
    for (let s = 55; s <= 100; s += 15) await at(facts, claudeCode, state, 3_600_000 + s * 1000, undefined, true);
    const later = await at(facts, claudeCode, state, 3_600_000 + 95_000, undefined, true);
    expect(later.noProgress).toMatchObject({ ms: 65_000 });
  });

  it("Gemini CLI, a request never answered: its spinner's clock, read off the screen", async () => {
    const state = { text: capture("gemini", "hang-60s.txt"), now: NOW, reads: 0 };
    const facts = new RuntimeFacts(spinningRuntime(state), path.join(dir, "gemini-hang.json"), 5 * 60_000);
    const seen = await at(facts, gemini, state, 0);
    expect(seen.noProgress).toEqual({ ms: 60_000, unanswered: true, modelsTurn: true, moving: true });
    expect(reasonOf(seen, "Gemini CLI", state.now).reason).toBe("agent is working · no reply from the model for 1m (only its spinner moves)");
  });
});
