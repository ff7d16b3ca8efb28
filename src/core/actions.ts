import type { SessionView } from "./types.js";

/** Everything the dashboard can do, as data: footer, help and key dispatch are built from this. */
export type ActionId =
  | "up"
  | "down"
  | "top"
  | "bottom"
  | "newSession"
  | "attach"
  | "send"
  | "diff"
  | "merge"
  | "kill"
  | "forget"
  | "restore"
  | "cleanup"
  | "mark"
  | "openPr"
  | "projectFilter"
  | "textFilter"
  | "cycleSort"
  | "showAll"
  | "clearFilter"
  | "detail"
  | "paneUp"
  | "paneDown"
  | "refresh"
  | "log"
  | "help"
  | "quit";

export interface ActionDef {
  id: ActionId;
  /** Key names as the dashboard reads them: a character, or up/down/return/tab/escape. */
  keys: string[];
  label: string;
  help: string;
  /** Shown in the footer. */
  footer?: boolean;
  /** Why the action does not apply to the selected session now; null when it does. */
  disabledReason?: (s: SessionView | undefined) => string | null;
}

/**
 * Whether the session's agent runs in a live pane: any activity but exited, or booting (its pane
 * lives but shows nothing yet, so it has no activity), or its live pane shows a screen ao does
 * not recognize (no activity either; whatever status its PR gives it).
 */
export function agentRunning(s: SessionView): boolean {
  return s.activity !== null ? s.activity !== "exited" : s.statusCause === "booting" || s.unrecognizedScreen !== undefined;
}

/**
 * Where `ao session kill --forget` applies: a kill refuses, because its host is gone from the
 * config or does not answer (the row is errored for it), or its project left the config.
 */
export function unreachable(s: SessionView): boolean {
  return s.statusCause === "host_unreachable" || s.projectGone === true;
}

function needSession(s: SessionView | undefined): s is SessionView {
  return s !== undefined;
}

export const ACTIONS: readonly ActionDef[] = [
  { id: "up", keys: ["up", "k"], label: "up", help: "previous session" },
  { id: "down", keys: ["down", "j"], label: "down", help: "next session" },
  { id: "top", keys: ["g"], label: "top", help: "first session" },
  { id: "bottom", keys: ["G"], label: "bottom", help: "last session" },
  { id: "newSession", keys: ["n"], label: "new", help: "start a session: project, issue, agent, prompt", footer: true },
  {
    id: "attach",
    keys: ["return"],
    label: "attach",
    help: "attach to the session's tmux (the dashboard comes back when you detach)",
    footer: true,
    disabledReason: (s) =>
      !needSession(s) ? "no session selected" : s.status === "killed" ? "session is killed" : !agentRunning(s) ? "session is not running (r restores it)" : null,
  },
  {
    id: "send",
    keys: ["s"],
    label: "send",
    help: "send the agent a message; when it asks a question, pick your answer",
    footer: true,
    disabledReason: (s) =>
      !needSession(s) ? "no session selected" : s.status === "killed" ? "session is killed" : !agentRunning(s) ? "session is not running (r restores it)" : null,
  },
  {
    id: "diff",
    keys: ["d"],
    label: "diff",
    help: "what the session changed against its base: files, then each file's diff",
    footer: true,
    disabledReason: (s) => (!needSession(s) ? "no session selected" : !s.worktree ? "session has no worktree" : null),
  },
  {
    id: "merge",
    keys: ["m"],
    label: "merge",
    help: "merge the session's PR on GitHub (asks first, naming the PR and the method)",
    footer: true,
    disabledReason: (s) =>
      !needSession(s) ? "no session selected" : s.prNumber === null ? "no PR yet" : s.status !== "mergeable" ? `PR #${s.prNumber} is not mergeable (${s.status})` : null,
  },
  {
    id: "kill",
    keys: ["K"],
    label: "kill",
    help: "kill the session (asks first; says what would be lost)",
    footer: true,
    disabledReason: (s) => (!needSession(s) ? "no session selected" : s.status === "killed" ? "session is already killed" : null),
  },
  {
    id: "forget",
    keys: ["F"],
    label: "forget",
    help: "retire a session ao cannot reach (host or project gone): asks first; nothing is ended or removed",
    disabledReason: (s) =>
      !needSession(s) ? "no session selected" : s.status === "killed" ? "session is already killed" : !unreachable(s) ? "ao can reach it: kill it (K)" : null,
  },
  {
    id: "restore",
    keys: ["r"],
    label: "restore",
    help: "restart a session whose tmux is gone",
    footer: true,
    disabledReason: (s) =>
      !needSession(s) ? "no session selected" : s.status === "merged" ? "PR is merged" : agentRunning(s) ? "session is alive" : null,
  },
  {
    id: "mark",
    keys: ["space"],
    label: "mark",
    help: "mark the session and move on; kill, send and cleanup then act on all marked",
    disabledReason: (s) => (!needSession(s) ? "no session selected" : null),
  },
  { id: "cleanup", keys: ["c"], label: "cleanup", help: "list sessions that are done (merged, closed, dead); y runs it", footer: true },
  {
    id: "openPr",
    keys: ["o"],
    label: "open PR",
    help: "open the PR in the browser",
    disabledReason: (s) => (!needSession(s) ? "no session selected" : s.prUrl ? null : "no PR yet"),
  },
  { id: "projectFilter", keys: ["p"], label: "project", help: "show one project, then the next, then all" },
  { id: "textFilter", keys: ["/"], label: "filter", help: "filter by text", footer: true },
  { id: "clearFilter", keys: ["escape"], label: "clear filter", help: "clear the text and project filters" },
  { id: "cycleSort", keys: ["S"], label: "sort", help: "order rows: by project, needs you first, by id, newest first" },
  { id: "showAll", keys: ["a"], label: "all", help: "show or hide killed sessions" },
  { id: "detail", keys: ["tab"], label: "detail", help: "status reason, PR, checks, threads, last lines of the pane" },
  { id: "paneUp", keys: ["pageup"], label: "pane up", help: "in the detail pane: back through the agent's history" },
  { id: "paneDown", keys: ["pagedown"], label: "pane down", help: "in the detail pane: forward again, to the newest line" },
  { id: "refresh", keys: ["R"], label: "refresh", help: "refresh everything now" },
  { id: "log", keys: ["l"], label: "log", help: "show the action log" },
  { id: "help", keys: ["?"], label: "help", help: "this help", footer: true },
  { id: "quit", keys: ["q"], label: "quit", help: "quit the dashboard", footer: true },
];

export function actionForKey(key: string): ActionDef | undefined {
  return ACTIONS.find((a) => a.keys.includes(key));
}

export function keyLabel(key: string): string {
  return key === "return" ? "enter" : key === "escape" ? "esc" : key === "pageup" ? "PgUp" : key === "pagedown" ? "PgDn" : key === "up" ? "↑" : key === "down" ? "↓" : key;
}

/**
 * The footer's key hints in at most `width` columns: the footer actions in table order, those
 * that do not fit left out, but help and quit always kept (they lead to everything else).
 */
export function footerLine(width: number): string {
  const hint = (a: ActionDef) => `[${keyLabel(a.keys[0]!)}] ${a.label}`;
  const kept = ACTIONS.filter((a) => a.id === "help" || a.id === "quit");
  const shown = new Set(kept);
  const join = (list: ActionDef[]) => list.map(hint).join("  ");
  for (const a of ACTIONS.filter((x) => x.footer && !shown.has(x))) {
    const next = ACTIONS.filter((x) => shown.has(x) || x === a);
    if (join(next).length > width) break;
    shown.add(a);
  }
  return join(ACTIONS.filter((x) => shown.has(x)));
}
