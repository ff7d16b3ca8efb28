import type { ReactionKind } from "./reactions.js";
import { inert } from "./sanitize.js";

export interface CheckDetail {
  name: string;
  conclusion: string;
  url?: string;
  logTail?: string;
  annotations?: string[];
  /** Why its details could not be read (GitHub refused, the check has no id). */
  unreadable?: string;
}

export interface ThreadDetail {
  path: string;
  line: number | null;
  author: string;
  body: string;
  url: string;
}

/**
 * Outside text's lines as the agent will see them: the messenger turns a CR, a CRLF and U+2028/9
 * into newlines too, so a line they start is one to indent like any other.
 */
function lines(text: string): string[] {
  return text.split(/\r\n?|\n|[\u2028\u2029]/);
}

function indent(text: string, by = "    "): string {
  return lines(text)
    .map((l) => by + l)
    .join("\n");
}

/** What the agent is told when CI fails: every failing check, with what it said. */
export function ciFailedMessage(prNumber: number, headSha: string, checks: CheckDetail[]): string {
  const parts = checks.map((c) => {
    const what = c.annotations?.length ? c.annotations.join("\n") : c.logTail ? lines(c.logTail).slice(-25).join("\n") : "(no log or annotations available)";
    const missing = c.unreadable ? `\n${indent(`(ao could not read its details: ${c.unreadable}; open the link for them)`)}` : "";
    // A check's name and link are one line each (outside text: a name with a line break in it
    // would start an entry of its own); what it said is indented under it.
    return `- ${inert(c.name)}: ${inert(c.conclusion)}${c.url ? ` ${inert(c.url)}` : ""}\n${indent(what)}${missing}`;
  });
  return `CI failed on PR #${prNumber} (commit ${headSha.slice(0, 7)}). Please fix these checks, commit and push:\n${parts.join("\n")}`;
}

function unreadableNote(unreadable: readonly string[] | undefined): string {
  return unreadable?.length ? `\n(ao could not read everything: ${unreadable.join("; ")})` : "";
}

/** What the agent is told when a reviewer asks for changes: every unresolved thread. */
export function changesRequestedMessage(prNumber: number, threads: ThreadDetail[], unreadable?: readonly string[], prUrl?: string | null): string {
  // Path, author and link are one line each (git allows a line break in a path); the body's
  // later lines are indented, so no text of a reviewer's starts a line as an entry of its own.
  const parts = threads.map(
    (t) => `- ${inert(t.path)}${t.line !== null ? `:${t.line}` : ""} — @${inert(t.author)}: ${lines(t.body.trim()).join("\n    ")}\n  ${inert(t.url)}`,
  );
  // A review can ask for changes in its summary alone: the agent is pointed at it, not handed an empty list.
  if (parts.length === 0) parts.push(`(no unresolved review threads: read the review's own comment${prUrl ? ` on ${prUrl}` : " on the PR"})`);
  return `Changes were requested on PR #${prNumber}. Please address these review comments, commit and push:\n${parts.join("\n")}${unreadableNote(unreadable)}`;
}

export function notificationTitle(kind: ReactionKind | "escalation", id: string): string {
  const what: Record<ReactionKind | "escalation", string> = {
    "ci-failed": "CI failed",
    "changes-requested": "changes requested",
    "needs-input": "needs your input",
    stuck: "is stuck",
    "approved-and-green": "approved and green",
    merged: "merged",
    conflict: "would conflict",
    escalation: "needs you",
  };
  return `ao: ${id} ${what[kind]}`;
}
