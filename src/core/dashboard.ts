import { compareIds, groupByProject, type ProjectRef } from "./format.js";
import type { SessionView, Status } from "./types.js";
import { inert } from "./sanitize.js";

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

/**
 * Row orders: `project` groups by project with needs-you first in each group (the default);
 * `attention` is one list, needs-you first across projects; `id` and `age` (newest first) are
 * one list each.
 */
export const SORT_MODES = ["project", "attention", "id", "age"] as const;
export type SortMode = (typeof SORT_MODES)[number];
export const SORT_LABEL: Record<SortMode, string> = { project: "by project", attention: "needs you first", id: "by id", age: "newest first" };

export function nextSort(mode: SortMode): SortMode {
  return SORT_MODES[(SORT_MODES.indexOf(mode) + 1) % SORT_MODES.length]!;
}

export type Row = { kind: "group"; projectId: string; name: string } | { kind: "session"; view: SessionView };

export interface Filter {
  project: string | null;
  text: string;
  /** Show killed sessions too. */
  all?: boolean;
}

export function applyFilter(views: SessionView[], f: Filter): SessionView[] {
  const t = f.text.trim().toLowerCase();
  return views.filter(
    (v) =>
      (f.all === true || v.status !== "killed") &&
      (f.project === null || v.projectId === f.project) &&
      (!t || [v.id, v.branch ?? "", v.status, v.summary ?? "", v.statusReason, v.issueId ?? ""].some((x) => x.toLowerCase().includes(t))),
  );
}

const created = (v: SessionView) => Date.parse(v.createdAt ?? "") || 0;

function compareBy(mode: SortMode): (a: SessionView, b: SessionView) => number {
  if (mode === "id") return (a, b) => compareIds(a.id, b.id);
  if (mode === "age") return (a, b) => created(b) - created(a) || compareIds(a.id, b.id);
  return (a, b) => rank(a) - rank(b) || compareIds(a.id, b.id);
}

/** Table rows in the chosen order: by project, a heading per project; otherwise one list. */
export function buildRows(views: SessionView[], projects: ProjectRef[], mode: SortMode): Row[] {
  if (mode !== "project") return [...views].sort(compareBy(mode)).map((view) => ({ kind: "session", view }));
  const rows: Row[] = [];
  for (const g of groupByProject(views, projects)) {
    // The config's own words, but a config may come with a repository: shown inert.
    rows.push({ kind: "group", projectId: g.projectId, name: inert(g.projectName) });
    for (const v of [...g.sessions].sort(compareBy("attention"))) rows.push({ kind: "session", view: v });
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
export function visibleRows(rows: Row[], cursor: string | null, height: number, linesOf?: (r: Row) => number): { start: number; end: number } {
  // Two lines a session and one a heading, unless the caller knows better (rows Ink wraps).
  const cost = (r: Row | undefined) => (!r ? 1 : linesOf ? linesOf(r) : r.kind === "session" ? 2 : 1);
  const at = Math.max(0, rows.findIndex((r) => r.kind === "session" && r.view.id === cursor));
  let start = 0;
  let used = 0;
  for (let i = 0; i <= at; i++) used += cost(rows[i]);
  while (used > height && start < at) used -= cost(rows[start++]);
  let end = at + 1;
  while (end < rows.length && used + cost(rows[end]) <= height) used += cost(rows[end++]);
  return { start, end };
}

/** Lines of the agent's pane the detail view shows at once (PgUp/PgDn scroll through the rest). */
export const PANE_ROWS = 15;

export type Column = "session" | "branch" | "status" | "pr" | "ci" | "rev" | "thr" | "activity" | "age";

/** Columns in screen order, with the width each takes when shown (branch takes what is left). */
const ORDER: Column[] = ["session", "branch", "status", "pr", "ci", "rev", "thr", "activity", "age"];
export const COLUMN_WIDTH: Record<Column, number> = { session: 8, branch: 12, status: 17, pr: 5, ci: 3, rev: 4, thr: 4, activity: 13, age: 5 };
/** Which column gives way first when the terminal is too narrow; session and status never do. */
const GIVE_WAY: Column[] = ["thr", "rev", "age", "ci", "pr", "branch", "activity"];
/** The cursor and mark in front of every row. */
export const ROW_PREFIX = 2;

export interface ColumnLayout {
  columns: Column[];
  widths: Record<Column, number>;
}

/**
 * The table's columns for a terminal `width` wide: a row never reaches the last cell (a full
 * line makes some terminals wrap), columns give way in a fixed order, and the Branch column
 * takes whatever is left.
 */
export function layoutColumns(width: number): ColumnLayout {
  const room = width - 1 - ROW_PREFIX;
  let cols = [...ORDER];
  const need = (cs: Column[]) => cs.reduce((n, c) => n + COLUMN_WIDTH[c], 0) + cs.length - 1;
  for (const c of GIVE_WAY) {
    if (need(cols) <= room) break;
    cols = cols.filter((x) => x !== c);
  }
  const widths = { ...COLUMN_WIDTH };
  if (cols.includes("branch")) widths.branch += Math.max(0, room - need(cols));
  return { columns: cols, widths };
}

/** Columns by width (see layoutColumns). */
export function columnsFor(width: number): Column[] {
  return layoutColumns(width).columns;
}
