import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { agentReport, kindOf, parseAgentEvents, type AgentEvent } from "../../src/core/agent-events.js";

const here = path.dirname(fileURLToPath(import.meta.url));
/**
 * Real hook lines of Claude Code 2.1.197 through bin/ao-hook.sh (recorded by
 * test/e2e/agent-claude.test.ts with AO_RECORD_AGENT_EVENTS): a start with no task, a plain
 * turn, a turn with a permission prompt approved, the end, and a resume.
 */
const recorded = parseAgentEvents(readFileSync(path.join(here, "../fixtures/agent-events/claude-code.jsonl"), "utf8"));

function ev(event: string, data: Record<string, unknown> | null = {}, t = 1000): AgentEvent {
  return { t, agent: "claude-code", event, data };
}

describe("agent events", () => {
  it("keeps a turn's error after the agent says it sits idle: the error stands until a new prompt", () => {
    const events = [ev("UserPromptSubmit", { prompt: "go" }, 1), ev("StopFailure", { error: "rate_limit", last_assistant_message: "You've hit your limit · resets 1:30am" }, 2), ev("Notification", { notification_type: "idle_prompt" }, 60_000)];
    expect(agentReport(events, { promptPending: false })).toMatchObject({ kind: "turn_failed", error: "You've hit your limit · resets 1:30am" });
    expect(agentReport([...events, ev("UserPromptSubmit", { prompt: "again" }, 70_000)], { promptPending: false })).toMatchObject({ activity: "active", error: null });
  });

  it("keeps the question a request named over Claude's generic notice that follows it, and reads AskUserQuestion as a question", () => {
    const asked = [ev("UserPromptSubmit", { prompt: "go" }, 1), ev("PermissionRequest", { tool_name: "Bash", tool_input: { command: "touch x.txt" } }, 2), ev("Notification", { notification_type: "permission_prompt", message: "Claude needs your permission to use Bash" }, 6000)];
    expect(agentReport(asked, { promptPending: false })?.question?.text).toBe("Do you want to allow Bash `touch x.txt`?");
    const question = [ev("UserPromptSubmit", { prompt: "ask me" }, 1), ev("PermissionRequest", { tool_name: "AskUserQuestion", tool_input: { questions: [{ question: "Which colour should the button be?", options: [{ label: "Red" }, { label: "Blue" }] }] } }, 2)];
    expect(agentReport(question, { promptPending: false })?.question).toEqual({ kind: "question", text: "Which colour should the button be?", options: [], source: "event" });
  });

  it("says whether the agent reports the prompts it takes", () => {
    expect(agentReport([ev("SessionStart", {}, 1), ev("UserPromptSubmit", { prompt: "go" }, 2), ev("Stop", {}, 3)], { promptPending: false })?.reportsPrompts).toBe(true);
    expect(agentReport([{ t: 1, agent: "codex", event: "notify", data: { type: "agent-turn-complete" } }], { promptPending: false })?.reportsPrompts).toBeUndefined();
  });

  it("skips garbled and partial lines", () => {
    const text = '{"v":1,"t":5,"agent":"codex","event":"notify","data":{"type":"agent-turn-complete"}}\n{"v":1,"t":6,"ag\nnot json\n';
    expect(parseAgentEvents(text)).toEqual([{ t: 5, agent: "codex", event: "notify", data: { type: "agent-turn-complete" } }]);
  });

  it("reads a recorded Claude Code turn step by step", () => {
    const first = recorded.slice(0, recorded.findIndex((e) => e.event === "SessionEnd"));
    const upTo = (name: string) => first.slice(0, first.findLastIndex((e) => e.event === name) + 1);
    expect(agentReport(upTo("SessionStart"), { promptPending: false })?.activity).toBe("ready");
    expect(agentReport(upTo("UserPromptSubmit"), { promptPending: false })?.activity).toBe("active");
    const asking = agentReport(upTo("PermissionRequest"), { promptPending: false })!;
    expect(asking.activity).toBe("waiting_input");
    expect(asking.question).toEqual({ kind: "permission", text: "Do you want to allow Bash `touch x.txt`?", options: [], source: "event" });
    expect(agentReport(upTo("PostToolUse"), { promptPending: false })?.activity).toBe("active");
    const done = agentReport(upTo("Stop"), { promptPending: false })!;
    expect(done).toMatchObject({ activity: "ready", kind: "turn_end", question: null, lastMessage: "Done." });
    expect(done.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(agentReport(recorded.slice(0, first.length + 1), { promptPending: false })?.activity).toBe("exited");
    expect(agentReport(recorded, { promptPending: false })).toMatchObject({ activity: "ready", sessionId: done.sessionId });
  });

  it("a fresh start without a task waits at its prompt; with one it is busy until it takes it", () => {
    expect(agentReport([ev("SessionStart")], { promptPending: false })?.activity).toBe("ready");
    expect(agentReport([ev("SessionStart")], { promptPending: true })?.activity).toBe("active");
  });

  it("an idle reminder after a question keeps the question", () => {
    const r = agentReport([ev("PermissionRequest", { tool_name: "Bash", tool_input: { command: "npm test" } }), ev("Notification", { notification_type: "idle_prompt" }, 2000)], { promptPending: false });
    expect(r?.activity).toBe("waiting_input");
    expect(r?.question?.text).toBe("Do you want to allow Bash `npm test`?");
  });

  it("a turn ended by any API error failed, in the agent's words: a server error after its retries as much as a bad key", () => {
    const fatal = agentReport([ev("StopFailure", { error: "authentication_failed", last_assistant_message: "Invalid API key · Please run /login" })], { promptPending: false });
    expect(fatal).toMatchObject({ kind: "turn_failed", error: "Invalid API key · Please run /login" });
    const server = agentReport([ev("StopFailure", { error: "server_error", last_assistant_message: "API Error: 500 Internal server error" })], { promptPending: false });
    expect(server).toMatchObject({ activity: "ready", kind: "turn_failed", error: "API Error: 500 Internal server error" });
  });

  it("a failure does not outlive the agent's next work: a prompt, a tool of the same turn, a successful turn", () => {
    const failed = [...recorded, ev("UserPromptSubmit", { prompt: "go" }, 1_796_093_790_000), ev("StopFailure", { error: "server_error", last_assistant_message: "API Error: 500" }, 1_796_093_791_000)];
    expect(agentReport(failed, { promptPending: false })).toMatchObject({ kind: "turn_failed", error: "API Error: 500" });
    // The idle reminder a minute later says nothing new: the turn still failed.
    expect(agentReport([...failed, ev("Notification", { notification_type: "idle_prompt" }, 1_796_093_851_000)], { promptPending: false })).toMatchObject({ kind: "turn_failed" });
    expect(agentReport([...failed, ev("PreToolUse", { tool_name: "Bash", tool_input: { command: "ls" } }, 1_796_093_792_000)], { promptPending: false })).toMatchObject({ activity: "active", error: null });
    const next = [...failed, ev("UserPromptSubmit", { prompt: "again" }, 1_796_093_800_000), ev("Stop", { last_assistant_message: "Done." }, 1_796_093_801_000)];
    expect(agentReport(next, { promptPending: false })).toMatchObject({ activity: "ready", kind: "turn_end", error: null, lastMessage: "Done." });
  });

  it("names Codex's thread from its notify, ignoring the side turn that titles it", () => {
    const side = { type: "agent-turn-complete", "thread-id": "side", "input-messages": ["Generate a concise, single-line task title of at most 36 characters"], "last-assistant-message": "ok" };
    const main = { type: "agent-turn-complete", "thread-id": "main-thread", "input-messages": ["say hello"], "last-assistant-message": "Hello!" };
    expect(kindOf({ t: 1, agent: "codex", event: "notify", data: side })).toBe("other");
    const r = agentReport([{ t: 1, agent: "codex", event: "notify", data: side }, { t: 2, agent: "codex", event: "notify", data: main }], { promptPending: false });
    expect(r).toMatchObject({ activity: "ready", sessionId: "main-thread", lastMessage: "Hello!" });
  });

  it("maps Gemini CLI's events", () => {
    const g = (event: string, data: Record<string, unknown> = {}) => ({ t: 1, agent: "gemini", event, data });
    expect(kindOf(g("BeforeAgent"))).toBe("prompt");
    expect(kindOf(g("BeforeTool"))).toBe("tool");
    expect(kindOf(g("Notification", { notification_type: "ToolPermission" }))).toBe("permission");
    expect(kindOf(g("AfterAgent"))).toBe("turn_end");
    expect(kindOf(g("SessionEnd"))).toBe("session_end");
  });
});
