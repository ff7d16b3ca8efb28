import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { AgentEvent } from "../../src/core/agent-events.js";
import { deriveStatus } from "../../src/core/status.js";
import { claudeCode } from "../../src/plugins/agent/claude-code.js";
import { codex } from "../../src/plugins/agent/codex.js";
import { gemini } from "../../src/plugins/agent/gemini.js";
import type { AgentPlugin, PaneLook, RuntimePlugin, ScreenWant } from "../../src/plugins/types.js";
import type { EventLogReader } from "../../src/services/agent-events.js";
import { RuntimeFacts } from "../../src/services/runtime-facts.js";

// Recorded screens of the real CLIs (test/fixtures/captures): a turn that failed, then a later one that succeeded.
const CAPTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/captures");
const capture = (agent: string, file: string) => readFileSync(path.join(CAPTURES, agent, file), "utf8");
const dir = mkdtempSync(path.join(tmpdir(), "ao-turn-error-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NOW = 1_800_000_000_000;
const NAME = "ao-w-app-1";

/** One pane whose output time and screen the test sets; a still screen is read when asked for. */
function fakeRuntime(state: { activityAt: number; text: string }): RuntimePlugin {
  const look = (wants: readonly ScreenWant[]): Promise<PaneLook> => {
    const want = wants.find((w) => w.name === NAME);
    const read = want && state.activityAt <= want.stillBefore && state.activityAt !== want.knownActivityAt;
    return Promise.resolve({
      panes: [{ name: NAME, panePid: 1, dead: false, deadStatus: null, activityAt: state.activityAt }],
      screens: new Map(read ? [[NAME, { activityAt: state.activityAt, text: state.text }]] : []),
    });
  };
  return { name: "fake", look, capture: () => Promise.resolve(state.text) } as unknown as RuntimePlugin;
}

function logs(events: AgentEvent[]): EventLogReader {
  return { readMany: (files: string[]) => Promise.resolve(new Map(files.map((f) => [f, events]))) } as unknown as EventLogReader;
}

async function gather(facts: RuntimeFacts, agent: AgentPlugin, now: number) {
  const q = { id: "app-1", tmuxName: NAME, agent, ...(agent === gemini ? { eventLog: "/events.jsonl" } : {}) };
  return (await facts.gather([q], now)).get("app-1")!;
}

describe("the error a turn ended on, from the screen", () => {
  it("Codex: stands while the failed turn's screen sits at the prompt; gone once the agent works again, and after a turn that succeeds", async () => {
    const state = { activityAt: NOW / 1000 - 10, text: capture("codex", "error-unauthorized.txt") };
    const facts = new RuntimeFacts(fakeRuntime(state), path.join(dir, "codex.json"), 5 * 60_000);
    const failed = await gather(facts, codex, NOW);
    expect(failed).toMatchObject({ activity: "ready", turnError: expect.stringMatching(/^unexpected status 401 Unauthorized/) });
    // Looked at again (the unchanged screen is not read twice): still the failed turn's outcome.
    expect(await gather(facts, codex, NOW + 1000)).toMatchObject({ activity: "ready", turnError: expect.any(String) });
    // A prompt sent: the screen moves, and the failure is over.
    state.activityAt = (NOW + 10 * 60_000) / 1000;
    const working = await gather(facts, codex, NOW + 10 * 60_000 + 200);
    expect(working.activity).toBe("active");
    expect(working.turnError).toBeUndefined();
    // That turn succeeded: the old error has scrolled above it.
    state.text = capture("codex", "ready-after-error.txt");
    state.activityAt = (NOW + 11 * 60_000) / 1000;
    const after = await gather(facts, codex, NOW + 11 * 60_000 + 3000);
    expect(after.activity).toBe("ready");
    expect(after.turnError).toBeUndefined();
  });

  it("Claude Code without its hooks (a session restored by hand, a hook that failed): the error on its screen, not \"finished\"", async () => {
    const state = { activityAt: NOW / 1000 - 10, text: capture("claude-code", "error-overloaded.txt") };
    const facts = new RuntimeFacts(fakeRuntime(state), path.join(dir, "claude.json"), 5 * 60_000);
    const failed = await gather(facts, claudeCode, NOW);
    expect(failed).toMatchObject({ activity: "ready", source: "screen", turnError: expect.stringMatching(/^API Error: 529 Overloaded\. /) });
    const status = deriveStatus({
      now: new Date(NOW),
      meta: { status: "working" },
      stuckAfterMs: 10 * 60_000,
      runtimeAlive: true,
      activity: failed.activity!,
      pr: null,
      agent: { name: "Claude Code", seen: true, source: "screen", question: null, error: failed.turnError ?? null },
    });
    expect(status).toMatchObject({ status: "errored", cause: "agent_error", reason: expect.stringMatching(/^Claude Code: API Error: 529 Overloaded\. This is a server-side issue/) });
    // Its own timeout's words, under the prompt.
    state.text = capture("claude-code", "hang-timeout-end.txt");
    state.activityAt = NOW / 1000 + 50;
    expect(await gather(facts, claudeCode, NOW + 60_000)).toMatchObject({ activity: "ready", turnError: "Request timed out (API_TIMEOUT_MS=60000ms, try increasing it)" });
  });

  it("Gemini: its AfterAgent says the turn ended, its screen says how", async () => {
    const state = { activityAt: NOW / 1000 - 10, text: capture("gemini", "error-unauthorized.txt") };
    const events: AgentEvent[] = [
      { t: NOW - 12_000, agent: "gemini", event: "BeforeAgent", data: { prompt: "unauthorized please" } },
      { t: NOW - 11_000, agent: "gemini", event: "AfterAgent", data: { prompt_response: "[no response text]" } },
    ];
    const facts = new RuntimeFacts(fakeRuntime(state), path.join(dir, "gemini.json"), 5 * 60_000, undefined, logs(events));
    expect(await gather(facts, gemini, NOW)).toMatchObject({ activity: "ready", source: "event", turnError: "API Error 401 UNAUTHENTICATED: API key not valid (scripted)." });
    // The next prompt: its event, and a screen that moves (not read again while it does).
    events.push({ t: NOW + 1000, agent: "gemini", event: "BeforeAgent", data: { prompt: "try again" } });
    state.activityAt = (NOW + 1000) / 1000;
    const working = await gather(facts, gemini, NOW + 1200);
    expect(working.activity).toBe("active");
    expect(working.turnError).toBeUndefined();
  });
});
