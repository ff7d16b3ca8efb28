import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { parseAgentEvents, type AgentEvent } from "../../src/core/agent-events.js";
import { deriveStatus } from "../../src/core/status.js";
import { claudeCode } from "../../src/plugins/agent/claude-code.js";
import type { PaneLook, RuntimePlugin, ScreenWant } from "../../src/plugins/types.js";
import type { EventLogReader } from "../../src/services/agent-events.js";
import { RuntimeFacts, type SessionRuntimeFacts } from "../../src/services/runtime-facts.js";

/*
 * Claude Code 2.1.197 with ao's hooks, recorded while the model's stream stalled (text begun, then
 * nothing): test/fixtures/captures/claude-code/stall-<run>-*.txt and
 * test/fixtures/agent-events/claude-code-stall-<run>.jsonl (record.mjs claude-code-stall-hooks,
 * claude-code-stall-fallback). After its 5 min stream idle timeout Claude asks again without
 * streaming; the turn ends on that request's reply (Stop), or, when it fails or is off, on StopFailure.
 */
const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "../fixtures");
const screenPath = (run: string, label: string) => path.join(FIXTURES, "captures/claude-code", `stall-${run}-${label}.txt`);
const screenOf = (run: string, label: string) => readFileSync(screenPath(run, label), "utf8");
const eventsOf = (run: string) => parseAgentEvents(readFileSync(path.join(FIXTURES, "agent-events", `claude-code-stall-${run}.jsonl`), "utf8"));
const dir = mkdtempSync(path.join(tmpdir(), "ao-stalled-turn-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NAME = "ao-w-app-1";

/** One pane whose screen and output time the test sets; a still screen is read when the look asks for it. */
function pane(state: { activityAt: number; text: string }): RuntimePlugin {
  const look = (wants: readonly ScreenWant[]): Promise<PaneLook> => {
    const want = wants.find((w) => w.name === NAME);
    const read = want !== undefined && state.activityAt <= want.stillBefore && state.activityAt !== want.knownActivityAt;
    return Promise.resolve({
      panes: [{ name: NAME, panePid: 1, dead: false, deadStatus: null, activityAt: state.activityAt }],
      screens: new Map(read ? [[NAME, { activityAt: state.activityAt, text: state.text }]] : []),
    });
  };
  return { name: "fake", look, capture: () => Promise.resolve(state.text) } as unknown as RuntimePlugin;
}

/** The recorded log as it stood at `now`: the events written by then. */
function logAt(events: AgentEvent[], clock: { now: number }): EventLogReader {
  return { readMany: (files: string[]) => Promise.resolve(new Map(files.map((f) => [f, events.filter((e) => e.t <= clock.now)]))) } as unknown as EventLogReader;
}

/** The status ao shows, with the agent's error taken as services/sessions.ts's agentFacts takes it. */
function statusOf(rt: SessionRuntimeFacts, now: number) {
  return deriveStatus({
    now: new Date(now),
    meta: { status: "working", createdAt: new Date(now - 10 * 60_000).toISOString() },
    stuckAfterMs: 10 * 60_000,
    runtimeAlive: true,
    activity: rt.activity!,
    pr: null,
    agent: {
      name: "Claude Code",
      seen: true,
      source: rt.source ?? "screen",
      question: null,
      error: rt.report?.kind === "turn_failed" ? rt.report.error : (rt.turnError ?? null),
      ...(rt.noProgress ? { noProgress: rt.noProgress } : {}),
    },
  });
}

/**
 * The recorded turn as ao looks at it: four minutes in (the spinner moving), a few seconds after
 * its hook said it ended (the screen still since), and just after its idle notification.
 */
async function replay(run: string, withHooks = true) {
  const events = eventsOf(run);
  const prompt = events.find((e) => e.event === "UserPromptSubmit")!.t;
  const end = events.find((e) => e.event === "Stop" || e.event === "StopFailure")!.t;
  const idle = events.find((e) => e.event === "Notification")!.t;
  const clock = { now: prompt + 240_000 };
  const state = { activityAt: Math.floor(clock.now / 1000), text: screenOf(run, "4m") };
  const facts = new RuntimeFacts(pane(state), path.join(dir, `${run}-${withHooks}.json`), 5 * 60_000, undefined, logAt(events, clock));
  const look = async (now: number) => {
    clock.now = now;
    const q = { id: "app-1", tmuxName: NAME, agent: claudeCode, ...(withHooks ? { eventLog: "/agent-events.jsonl" } : {}) };
    const rt = (await facts.gather([q], now)).get("app-1")!;
    return { rt, status: statusOf(rt, now) };
  };
  const working = await look(clock.now);
  state.text = screenOf(run, "end");
  state.activityAt = Math.floor(end / 1000);
  const ended = await look(end + 5000);
  // Its screen 100 s after the end was the end's, where recorded (the hang run's was not).
  if (existsSync(screenPath(run, "after"))) state.text = screenOf(run, "after");
  const after = await look(idle + 1000);
  return { events, working, ended, after, endEvent: events.find((e) => e.t === end)! };
}

describe("Claude Code's stalled stream, as its hooks and screen recorded it", () => {
  it("the same request without streaming failed (HTTP 500): StopFailure, and the status says the turn failed in Claude's words, past its idle notification", async () => {
    const { working, ended, after, endEvent } = await replay("fail");
    expect(working.status.status).toBe("working");
    expect(endEvent).toMatchObject({ event: "StopFailure", data: { error: "server_error", last_assistant_message: expect.stringMatching(/^API Error: 500 Internal server error \(scripted\)\./) } });
    expect(ended.rt).toMatchObject({ activity: "ready", report: { kind: "turn_failed" } });
    expect(ended.status).toEqual({ status: "errored", cause: "agent_error", reason: `Claude Code: ${String(endEvent.data!.last_assistant_message)}` });
    // Its idle notification a minute later changes nothing: the error stands until a new prompt.
    expect(after.rt.report?.kind).toBe("turn_failed");
    expect(after.status).toMatchObject({ status: "errored", cause: "agent_error" });
  });

  it("the same request without streaming never answered (its own timeout ended it): StopFailure \"Request timed out\", errored", async () => {
    const { ended, after, endEvent } = await replay("hang");
    expect(endEvent).toMatchObject({ event: "StopFailure", data: { error: "server_error", last_assistant_message: "Request timed out" } });
    expect(ended.rt.report).toMatchObject({ kind: "turn_failed", error: "Request timed out" });
    expect(ended.status).toEqual({ status: "errored", cause: "agent_error", reason: "Claude Code: Request timed out" });
    expect(after.status.cause).toBe("agent_error");
  });

  it("with its fallback turned off: StopFailure \"The operation timed out\", errored", async () => {
    const { ended, after, endEvent } = await replay("nofallback");
    expect(endEvent).toMatchObject({ event: "StopFailure", data: { error: "unknown", last_assistant_message: "API Error: The operation timed out." } });
    expect(ended.rt.report).toMatchObject({ kind: "turn_failed", error: "API Error: The operation timed out." });
    expect(ended.status).toEqual({ status: "errored", cause: "agent_error", reason: "Claude Code: API Error: The operation timed out." });
    expect(after.status.cause).toBe("agent_error");
  });

  it("the same request without streaming answered: Stop with that reply, a turn that did finish", async () => {
    const { ended, after, endEvent } = await replay("hooks");
    expect(endEvent).toMatchObject({ event: "Stop", data: { last_assistant_message: "Starting on it: first I will look at the" } });
    expect(endEvent.data).not.toHaveProperty("error");
    expect(ended.rt.report).toMatchObject({ kind: "turn_end", lastMessage: "Starting on it: first I will look at the" });
    expect(ended.rt.turnError).toBeUndefined();
    expect(ended.status).toEqual({ status: "needs_input", cause: "turn_finished", reason: "finished its turn; waiting for your next message" });
    expect(after.status.cause).toBe("turn_finished");
  });

  it("without its hooks (a hook that failed): each failed turn's error read off its screen, and the answered one finished", async () => {
    const words: Record<string, string> = {
      fail: "API Error: 500 Internal server error (scripted). This is a server-side issue, usually temporary — try again in a moment. If it persists, check your inference gateway (127.0.0.1:34877).",
      hang: "Request timed out (API_TIMEOUT_MS=120000ms, try increasing it)",
      nofallback: "API Error: The operation timed out.",
    };
    for (const [run, said] of Object.entries(words)) {
      const { ended, after } = await replay(run, false);
      expect(ended.rt).toMatchObject({ source: "screen", turnError: said });
      expect(ended.status).toEqual({ status: "errored", cause: "agent_error", reason: `Claude Code: ${said}` });
      expect(after.status.cause).toBe("agent_error");
    }
    const answered = await replay("hooks", false);
    expect(answered.ended.status.cause).toBe("turn_finished");
  });
});
