import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { AgentEvent } from "../../src/core/agent-events.js";
import { deriveStatus } from "../../src/core/status.js";
import { claudeCode } from "../../src/plugins/agent/claude-code.js";
import type { PaneLook, RuntimePlugin } from "../../src/plugins/types.js";
import type { EventLogReader } from "../../src/services/agent-events.js";
import { RuntimeFacts } from "../../src/services/runtime-facts.js";

// A pane that went still while a look was under way: tmux, deciding by the look's cutoff, did
// not read it, while ao's clock, a moment later, counts it still. Its screen is unknown then, not
// "at its prompt": read as ready, an agent on a permission question was recorded as having
// finished its turn until the next look.
const CAPTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/captures");
const QUESTION = readFileSync(path.join(CAPTURES, "claude-code", "permission.txt"), "utf8");
const READY = readFileSync(path.join(CAPTURES, "claude-code", "ready.txt"), "utf8");
const dir = mkdtempSync(path.join(tmpdir(), "ao-unread-still-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NOW = 1_800_000_000_000;
const NAME = "ao-w-app-1";

/** One pane, its output time set by the test; its screen read only when `readable`. */
function fakeRuntime(state: { activityAt: number; readable: boolean; text: string }): RuntimePlugin {
  const look = (): Promise<PaneLook> =>
    Promise.resolve({
      panes: [{ name: NAME, panePid: 1, dead: false, deadStatus: null, activityAt: state.activityAt }],
      screens: new Map(state.readable ? [[NAME, { activityAt: state.activityAt, text: state.text }]] : []),
    });
  return { name: "fake", look, capture: () => Promise.resolve(state.text) } as unknown as RuntimePlugin;
}

const logs = (events: AgentEvent[]): EventLogReader => ({ readMany: (files: string[]) => Promise.resolve(new Map(files.map((f) => [f, events]))) }) as unknown as EventLogReader;

describe("a still screen a look did not read", () => {
  it("has no activity until a look reads it (not ready), and the status says it worked rather than 'finished its turn'", async () => {
    // At its prompt, read.
    const state = { activityAt: (NOW - 60_000) / 1000, readable: true, text: READY };
    const facts = new RuntimeFacts(fakeRuntime(state), path.join(dir, "a.json"), 5 * 60_000);
    const q = { id: "app-1", tmuxName: NAME, agent: claudeCode };
    expect((await facts.gather([q], NOW)).get("app-1")!.activity).toBe("ready");
    // It worked and stopped on a question; the look that follows does not read it.
    Object.assign(state, { activityAt: (NOW + 1000) / 1000, readable: false, text: QUESTION });
    const unread = (await facts.gather([q], NOW + 5000)).get("app-1")!;
    expect(unread.activity).toBeUndefined();
    const status = deriveStatus({ now: new Date(NOW + 5000), meta: { status: "needs_input", statusCause: "turn_finished", tmuxName: NAME }, stuckAfterMs: 10 * 60_000, runtimeAlive: true, pr: null, agent: { name: "Claude Code", seen: unread.seen === true, source: unread.source ?? "screen", question: null, error: null } });
    expect(status, JSON.stringify(status)).toMatchObject({ status: "working" });
    // The next look reads it: the question, for the person.
    state.readable = true;
    expect((await facts.gather([q], NOW + 6000)).get("app-1")!.activity).toBe("waiting_input");
  });

  it("an agent's own event still speaks for it meanwhile", async () => {
    const state = { activityAt: (NOW - 5000) / 1000, readable: false, text: QUESTION };
    const events: AgentEvent[] = [{ t: NOW - 60_000, agent: "claude-code", event: "UserPromptSubmit", data: { prompt: "go" } }];
    const facts = new RuntimeFacts(fakeRuntime(state), path.join(dir, "b.json"), 5 * 60_000, undefined, logs(events));
    const q = { id: "app-1", tmuxName: NAME, agent: claudeCode, eventLog: "/events.jsonl" };
    expect((await facts.gather([q], NOW)).get("app-1")!.activity).toBe("active");
  });
});
