import type { Question } from "./question.js";
import type { Activity } from "./types.js";

/**
 * One line of a session's agent-event log, as bin/ao-hook.sh writes it: when, which agent, the
 * event's name as the agent calls it, and the agent's own JSON (null when it was too big).
 */
export interface AgentEvent {
  t: number;
  agent: string;
  event: string;
  data: Record<string, unknown> | null;
}

/** What an event means, whatever the agent calls it. */
export type AgentEventKind =
  | "session_start"
  | "prompt"
  | "tool"
  | "permission"
  | "question"
  | "idle_prompt"
  | "turn_end"
  | "turn_failed"
  | "session_end"
  | "other";

/** The agent's own account of where it stands, from its newest meaningful event. */
export interface AgentReport {
  activity: Exclude<Activity, "idle">;
  kind: AgentEventKind;
  /** Milliseconds since the epoch of the event that set it. */
  at: number;
  question: Question | null;
  /** The agent's words when its turn ended on an error (after its own retries). */
  error: string | null;
  /** The conversation id the agent reported (Claude session, Codex thread, Gemini session). */
  sessionId: string | null;
  lastMessage: string | null;
  /** The agent reported a prompt it took (it reports each: no turn starts unreported). */
  reportsPrompts?: boolean;
}

/** Parse the log's text; lines cut short or garbled (a crash mid-write) are skipped. */
export function parseAgentEvents(text: string): AgentEvent[] {
  const out: AgentEvent[] = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const e = JSON.parse(line) as Partial<AgentEvent>;
      if (typeof e.t !== "number" || typeof e.event !== "string") continue;
      const data = e.data && typeof e.data === "object" && !Array.isArray(e.data) ? e.data : null;
      out.push({ t: e.t, agent: typeof e.agent === "string" ? e.agent : "", event: e.event, data });
    } catch {
      /* a partial line */
    }
  }
  return out;
}

function str(v: unknown): string | null {
  return typeof v === "string" && v !== "" ? v : null;
}

/** Codex runs a side turn to title each thread; its notify is not about the session's work. */
function isCodexSideTurn(data: Record<string, unknown>): boolean {
  const input = data["input-messages"];
  return Array.isArray(input) && input.length === 1 && /^Generate a concise, single-line task title/.test(String(input[0]));
}

export function kindOf(e: AgentEvent): AgentEventKind {
  const d = e.data ?? {};
  switch (e.event) {
    case "SessionStart":
      return "session_start";
    case "UserPromptSubmit":
    case "BeforeAgent":
      return "prompt";
    case "PreToolUse":
    case "PostToolUse":
    case "BeforeTool":
    case "AfterTool":
      return "tool";
    case "PermissionRequest":
      return "permission";
    case "Notification": {
      const type = str(d.notification_type) ?? "";
      if (type === "permission_prompt" || type === "ToolPermission") return "permission";
      if (type === "elicitation_dialog") return "question";
      if (type === "idle_prompt") return "idle_prompt";
      return "other";
    }
    case "Stop":
    case "AfterAgent":
      return "turn_end";
    // Claude Code sends it instead of Stop once an API error ended the turn, its retries spent:
    // a server error then has left the work undone as surely as a bad key. A stalled stream ends
    // so too when its request again without streaming fails (recorded: claude-code-stall-*.jsonl);
    // Stop after a stall is a turn that ended on that request's reply. Whatever follows (a new
    // prompt, a tool, a Stop) says the agent works again.
    case "StopFailure":
      return "turn_failed";
    case "SessionEnd":
      return "session_end";
    case "notify":
      return d.type === "agent-turn-complete" && !isCodexSideTurn(d) ? "turn_end" : "other";
    default:
      return "other";
  }
}

/**
 * Whether the agent's newest event handed the turn to the model: a prompt taken, or a tool's
 * result (Claude's PostToolUse, Gemini's AfterTool). What comes next is the model's reply.
 */
export function modelHasTurn(events: readonly AgentEvent[]): boolean {
  const last = events.at(-1);
  return last !== undefined && (kindOf(last) === "prompt" || last.event === "PostToolUse" || last.event === "AfterTool");
}

function toolText(d: Record<string, unknown>): string {
  const tool = str(d.tool_name) ?? "a tool";
  const input = d.tool_input && typeof d.tool_input === "object" ? (d.tool_input as Record<string, unknown>) : {};
  const what = str(input.command) ?? str(input.file_path) ?? str(input.url) ?? str(input.pattern);
  return what ? `${tool} \`${what.split("\n")[0]}\`` : tool;
}

/** The question a permission or question event carries; its options live on the screen. */
function questionOf(kind: AgentEventKind, d: Record<string, unknown>): Question | null {
  // Claude asks its own questions through a tool: asked for leave to "use" it, it is asking.
  if (kind === "permission" && d.tool_name === "AskUserQuestion") {
    const input = d.tool_input && typeof d.tool_input === "object" ? (d.tool_input as { questions?: unknown }) : {};
    const first = Array.isArray(input.questions) ? (input.questions[0] as { question?: unknown } | undefined) : undefined;
    const text = typeof first?.question === "string" && first.question ? first.question : null;
    if (text) return { kind: "question", text, options: [], source: "event" };
  }
  if (kind === "permission") {
    const text = d.tool_name ? `Do you want to allow ${toolText(d)}?` : (str(d.message) ?? "Permission needed");
    return { kind: "permission", text, options: [], source: "event" };
  }
  if (kind === "question") return { kind: "question", text: str(d.message) ?? "A question", options: [], source: "event" };
  return null;
}

const ACTIVITY: Record<Exclude<AgentEventKind, "other">, AgentReport["activity"]> = {
  session_start: "ready",
  prompt: "active",
  tool: "active",
  permission: "waiting_input",
  question: "waiting_input",
  idle_prompt: "ready",
  turn_end: "ready",
  turn_failed: "ready",
  session_end: "exited",
};

export interface ReportOptions {
  /** The task went in on the command line: until the agent takes it, a fresh start is busy, not idle. */
  promptPending: boolean;
}

/** The agent's state from its events (oldest first); undefined when none says anything. */
export function agentReport(events: AgentEvent[], opts: ReportOptions): AgentReport | undefined {
  let report: AgentReport | undefined;
  let sessionId: string | null = null;
  let lastMessage: string | null = null;
  let prompted = false;
  for (const e of events) {
    const d = e.data ?? {};
    const kind = kindOf(e);
    if (kind === "other") continue;
    sessionId = str(d.session_id) ?? (e.event === "notify" ? str(d["thread-id"]) : null) ?? sessionId;
    lastMessage = str(d.last_assistant_message) ?? str(d["last-assistant-message"]) ?? str(d.prompt_response) ?? lastMessage;
    if (kind === "prompt") prompted = true;
    let activity = ACTIVITY[kind];
    if (kind === "session_start" && opts.promptPending && !prompted) activity = "active";
    const error = kind === "turn_failed" ? (str(d.last_assistant_message) ?? str(d.error_details) ?? str(d.error)) : null;
    // A notification that the agent sits idle says nothing new after it asked something, or
    // after a turn ended on an error it cannot leave (the error stands until a new prompt).
    if (kind === "idle_prompt" && (report?.activity === "waiting_input" || report?.kind === "turn_failed")) continue;
    // Claude's generic "needs your permission" notice follows the request that named the tool.
    if (e.event === "Notification" && (kind === "permission" || kind === "question") && report?.activity === "waiting_input" && report.question?.source === "event") continue;
    report = { activity, kind, at: e.t, question: questionOf(kind, d), error, sessionId, lastMessage };
  }
  return report && { ...report, sessionId, lastMessage, ...(prompted ? { reportsPrompts: true } : {}) };
}

/** The agent's name as a person knows it, for reasons ("Claude Code asked: …"). */
export function agentDisplayName(agent: string): string {
  return { "claude-code": "Claude Code", codex: "Codex", gemini: "Gemini CLI", aider: "Aider" }[agent] ?? "The agent";
}
