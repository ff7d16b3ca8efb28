import type { SessionView } from "./types.js";

/** Everything the dashboard can do, as data: footer, help and key dispatch are built from this. */
export type ActionId =
  | "up"
  | "down"
  | "top"
  | "bottom"
  | "attach"
  | "send"
  | "kill"
  | "restore"
  | "cleanup"
  | "openPr"
  | "projectFilter"
  | "textFilter"
  | "toggleSort"
  | "detail"
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

const running = (s: SessionView) => s.activity !== null && s.activity !== "exited";

function needSession(s: SessionView | undefined): s is SessionView {
  return s !== undefined;
}

export const ACTIONS: readonly ActionDef[] = [
  { id: "up", keys: ["up", "k"], label: "up", help: "previous session" },
  { id: "down", keys: ["down", "j"], label: "down", help: "next session" },
  { id: "top", keys: ["g"], label: "top", help: "first session" },
  { id: "bottom", keys: ["G"], label: "bottom", help: "last session" },
  {
    id: "attach",
    keys: ["return", "a"],
    label: "attach",
    help: "attach to the session's tmux (the dashboard comes back when you detach)",
    footer: true,
    disabledReason: (s) =>
      !needSession(s) ? "no session selected" : s.status === "killed" ? "session is killed" : !running(s) ? "session is not running (r restores it)" : null,
  },
  {
    id: "send",
    keys: ["s"],
    label: "send",
    help: "send the agent a message; when it asks a question, pick your answer",
    footer: true,
    disabledReason: (s) =>
      !needSession(s) ? "no session selected" : s.status === "killed" ? "session is killed" : !running(s) ? "session is not running (r restores it)" : null,
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
    id: "restore",
    keys: ["r"],
    label: "restore",
    help: "restart a session whose tmux is gone",
    footer: true,
    disabledReason: (s) =>
      !needSession(s) ? "no session selected" : s.status === "merged" ? "PR is merged" : running(s) ? "session is alive" : null,
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
  { id: "toggleSort", keys: ["i"], label: "id order", help: "toggle between needs-you-first and id order" },
  { id: "detail", keys: ["tab"], label: "detail", help: "status reason, PR, checks, threads, last lines of the pane" },
  { id: "refresh", keys: ["R"], label: "refresh", help: "refresh everything now" },
  { id: "log", keys: ["l"], label: "log", help: "show the action log" },
  { id: "help", keys: ["?"], label: "help", help: "this help", footer: true },
  { id: "quit", keys: ["q"], label: "quit", help: "quit the dashboard", footer: true },
];

export function actionForKey(key: string): ActionDef | undefined {
  return ACTIONS.find((a) => a.keys.includes(key));
}

export function keyLabel(key: string): string {
  return key === "return" ? "enter" : key === "up" ? "↑" : key === "down" ? "↓" : key;
}
