import { compareIds, groupByProject, type ProjectRef } from "./format.js";
import type { SessionView, Status } from "./types.js";

/** Statuses that need the person, most urgent first; they sort to the top of each group. */
const NEEDS_YOU: Status[] = ["needs_input", "ci_failed", "changes_requested", "stuck", "errored", "mergeable"];
const LAST: Status[] = ["merged", "killed"];

export function needsYou(s: SessionView): boolean {
  return NEEDS_YOU.includes(s.status);
}

function rank(s: SessionView): number {
  const i = NEEDS_YOU.indexOf(s.status);
  if (i >= 0) return i;
  return LAST.includes(s.status) ? 100 + LAST.indexOf(s.status) : 50;
}

export type SortMode = "attention" | "id";

export type Row = { kind: "group"; projectId: string; name: string } | { kind: "session"; view: SessionView };

export interface Filter {
  project: string | null;
  text: string;
}

export function applyFilter(views: SessionView[], f: Filter): SessionView[] {
  const t = f.text.trim().toLowerCase();
  return views.filter(
    (v) =>
      (f.project === null || v.projectId === f.project) &&
      (!t || [v.id, v.branch ?? "", v.status, v.summary ?? "", v.statusReason, v.issueId ?? ""].some((x) => x.toLowerCase().includes(t))),
  );
}

/** Table rows: a heading per project, then its sessions in the chosen order. */
export function buildRows(views: SessionView[], projects: ProjectRef[], mode: SortMode): Row[] {
  const rows: Row[] = [];
  for (const g of groupByProject(views, projects)) {
    rows.push({ kind: "group", projectId: g.projectId, name: g.projectName });
    const sorted = [...g.sessions].sort((a, b) => (mode === "attention" ? rank(a) - rank(b) : 0) || compareIds(a.id, b.id));
    for (const v of sorted) rows.push({ kind: "session", view: v });
  }
  return rows;
}

export function sessionIds(rows: Row[]): string[] {
  return rows.flatMap((r) => (r.kind === "session" ? [r.view.id] : []));
}

/** The id the cursor lands on after a move, staying on the same session when it still exists. */
export function moveCursor(ids: string[], current: string | null, move: "up" | "down" | "top" | "bottom" | "stay"): string | null {
  if (ids.length === 0) return null;
  const at = current === null ? -1 : ids.indexOf(current);
  if (move === "top") return ids[0]!;
  if (move === "bottom") return ids[ids.length - 1]!;
  if (at < 0) return ids[0]!;
  if (move === "up") return ids[Math.max(0, at - 1)]!;
  if (move === "down") return ids[Math.min(ids.length - 1, at + 1)]!;
  return ids[at]!;
}

/**
 * Which rows fit in `height` lines (a session row takes two, with its summary line): from the
 * top while the cursor's session fits, else scrolled just enough to keep it on the last line.
 * Only these rows are rendered, however many sessions there are.
 */
export function visibleRows(rows: Row[], cursor: string | null, height: number): { start: number; end: number } {
  const cost = (r: Row | undefined) => (r?.kind === "session" ? 2 : 1);
  const at = Math.max(0, rows.findIndex((r) => r.kind === "session" && r.view.id === cursor));
  let start = 0;
  let used = 0;
  for (let i = 0; i <= at; i++) used += cost(rows[i]);
  while (used > height && start < at) used -= cost(rows[start++]);
  let end = at + 1;
  while (end < rows.length && used + cost(rows[end]) <= height) used += cost(rows[end++]);
  return { start, end };
}

export type Column = "session" | "branch" | "pr" | "ci" | "rev" | "thr" | "status" | "activity" | "age";

/** Columns by width; the narrowest terminals keep only id, status and activity. */
export function columnsFor(width: number): Column[] {
  if (width < 60) return ["session", "status", "activity"];
  if (width < 80) return ["session", "status", "pr", "ci", "activity", "age"];
  if (width < 100) return ["session", "branch", "status", "pr", "ci", "rev", "activity", "age"];
  return ["session", "branch", "status", "pr", "ci", "rev", "thr", "activity", "age"];
}
