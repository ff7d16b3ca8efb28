import { agoFromIso, isoOrNull, shortAge } from "./age.js";
import { inert } from "./sanitize.js";
import { clipToWidth, textWidth } from "./text-width.js";
import type { Style } from "./style.js";
import type { CiStatus, ReviewDecision, SessionView } from "./types.js";

export interface ProjectRef {
  id: string;
  name: string;
}

export interface SessionGroup {
  projectId: string;
  projectName: string;
  sessions: SessionView[];
}

/**
 * 4,999 rather than 4999. Not toLocaleString: its first call maps ICU's number-format data, about
 * 5 MB of the dashboard's resident memory, for a comma.
 */
export function thousands(n: number): string {
  if (!Number.isInteger(n)) return String(n);
  const digits = String(Math.abs(n));
  return `${n < 0 ? "-" : ""}${digits.replace(/\B(?=(\d{3})+$)/g, ",")}`;
}

/** `fe-2` before `fe-10`. (localeCompare with numeric collation costs ~40 µs a call.) */
export function compareIds(a: string, b: string): number {
  const da = a.lastIndexOf("-");
  const db = b.lastIndexOf("-");
  const pa = a.slice(0, da);
  const pb = b.slice(0, db);
  if (pa !== pb) return pa < pb ? -1 : 1;
  return Number(a.slice(da + 1)) - Number(b.slice(db + 1));
}

/** Sessions grouped by project in config order (unknown projects last), ids in numeric order. */
export function groupByProject(views: SessionView[], projects: ProjectRef[]): SessionGroup[] {
  const groups = new Map<string, SessionGroup>();
  for (const p of projects) groups.set(p.id, { projectId: p.id, projectName: p.name, sessions: [] });
  for (const v of views) {
    let g = groups.get(v.projectId);
    if (!g) {
      g = { projectId: v.projectId, projectName: v.projectName, sessions: [] };
      groups.set(v.projectId, g);
    }
    g.sessions.push(v);
  }
  const out = [...groups.values()].filter((g) => g.sessions.length > 0);
  for (const g of out) {
    g.sessions.sort((a, b) => compareIds(a.id, b.id));
  }
  return out;
}

/** Sessions in the order the tables show them: projects in config order, ids in numeric order. */
export function inListOrder(views: SessionView[], projects: ProjectRef[]): SessionView[] {
  return groupByProject(views, projects).flatMap((g) => g.sessions);
}

const NO_SESSIONS = "(no active sessions)";

/** `ao session ls`: one line per session under its project's name. */
export function formatSessionList(views: SessionView[], projects: ProjectRef[], style: Style, now: Date): string {
  const groups = groupByProject(views, projects);
  if (groups.length === 0) return `${NO_SESSIONS}\n`;
  const lines: string[] = [];
  for (const g of groups) {
    lines.push(style.bold(`${inert(g.projectName)}:`));
    for (const v of g.sessions) {
      const age = agoFromIso(v.lastActivityAt, now) ?? "-";
      // Branch and URL come from metadata, git and GitHub: made inert before ao adds its colours.
      // Cut only past any length ao makes: a hand-edited 5,000-character value filled screens.
      const parts = [inert(sessionLabel(v)), style.dim(`(${age})`), clipToWidth(inert(v.branch ?? "-"), MAX_LS_CELL), style.status(v.status, `[${v.status}]`)];
      if (v.prUrl) parts.push(clipToWidth(inert(v.prUrl), MAX_SUMMARY));
      lines.push(parts.join(" "));
    }
  }
  return `${lines.join("\n")}\n`;
}

export function ciSymbol(ci: CiStatus | null): string {
  switch (ci) {
    case "success":
      return "✓";
    case "failure":
      return "✗";
    case "pending":
      return "⋯";
    default:
      return "-";
  }
}

export function reviewSymbol(r: ReviewDecision | null): string {
  switch (r) {
    case "approved":
      return "✓";
    case "changes_requested":
      return "✗";
    case "review_required":
      return "△";
    default:
      return "-";
  }
}

const width = textWidth;

function pad(s: string, n: number): string {
  return s + " ".repeat(Math.max(0, n - width(s)));
}

/** A session as tables name it: its id, and where it runs when that is not this machine. */
export function sessionLabel(v: Pick<SessionView, "id" | "host">): string {
  return v.host && v.host !== "local" ? `${v.id}@${v.host}` : v.id;
}

const COLUMNS = ["Session", "Status", "Branch", "PR", "CI", "Rev", "Thr", "Activity", "Age"] as const;

/**
 * The widest a cell of outside text may be: one session's 20,000-character branch made every
 * row of every project that wide (and `status --watch` redrew it all).
 */
const MAX_CELL = 48;
const MAX_SUMMARY = 200;
/** `ao session ls` prints a branch whole up to this: ao's own are at most ~50 characters. */
const MAX_LS_CELL = 100;

/**
 * On a terminal narrower than the table, columns give way in the dashboard's order (threads,
 * review, age, CI, PR, then branch, then activity); the branch first shrinks to what is left,
 * down to this. Session and status always stay.
 */
const GIVE_WAY = [6, 5, 8, 4, 3] as const;
const BRANCH = 2;
const ACTIVITY = 7;
const MIN_BRANCH = 10;

/** Which columns show, and the branch's width, for a table `room` cells wide at most. */
function fitColumns(widths: number[], room: number): { shown: number[]; branch: number } {
  let shown = COLUMNS.map((_c, i) => i);
  const need = (cols: number[], branch = widths[BRANCH]!) => cols.reduce((n, i) => n + (i === BRANCH ? branch : widths[i]!), 0) + 2 * (cols.length - 1);
  for (const i of GIVE_WAY) {
    if (need(shown) <= room) return { shown, branch: widths[BRANCH]! };
    shown = shown.filter((x) => x !== i);
  }
  const left = room - need(shown, 0);
  if (left >= Math.min(MIN_BRANCH, widths[BRANCH]!)) return { shown, branch: Math.min(left, widths[BRANCH]!) };
  shown = shown.filter((x) => x !== BRANCH);
  if (need(shown) > room) shown = shown.filter((x) => x !== ACTIVITY);
  return { shown, branch: 0 };
}

/** The table's cells, every outside text in them made inert (they are padded and coloured after). */
function cells(v: SessionView, now: Date): string[] {
  const created = v.createdAt ? new Date(v.createdAt) : null;
  return [
    clipToWidth(inert(sessionLabel(v)), MAX_CELL),
    v.status,
    clipToWidth(inert(v.branch ?? "-"), MAX_CELL),
    v.prNumber !== null ? `#${v.prNumber}` : "-",
    ciSymbol(v.ciStatus),
    reviewSymbol(v.reviewDecision),
    v.pendingThreads !== null ? String(v.pendingThreads) : "-",
    v.activity ?? "-",
    created && !Number.isNaN(created.getTime()) ? shortAge(created, now) : "-",
  ];
}

/** Sessions that still count as work under way: everything but killed and merged. */
export function isActive(v: SessionView): boolean {
  return v.status !== "killed" && v.status !== "merged";
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * `ao status`: the wide table, grouped by project, with each session's summary under its row.
 * `columns`: the terminal's width, when known; the table then fits in it rather than wrapping
 * every row onto three lines.
 */
export function formatStatusTable(views: SessionView[], projects: ProjectRef[], style: Style, now: Date, notes: string[] = [], columns?: number): string {
  const groups = groupByProject(views, projects);
  if (groups.length === 0) return `${NO_SESSIONS}\n`;
  const rows = groups.flatMap((g) => g.sessions.map((v) => cells(v, now)));
  const widths = COLUMNS.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ""))));
  // A line never reaches the terminal's last cell (some terminals wrap a full line).
  const room = columns !== undefined && columns > 0 ? columns - 1 : Infinity;
  const fit = room === Infinity ? null : fitColumns(widths, room - 2);
  if (fit) widths[BRANCH] = fit.branch;
  const shown = fit?.shown ?? COLUMNS.map((_c, i) => i);
  // Colour wraps a cell after padding, so escape codes never upset the alignment.
  const line = (r: readonly string[], paint: (i: number, s: string) => string = (_i, c) => c) =>
    shown
      .map((i, k) => {
        const c = i === BRANCH ? clipToWidth(r[i] ?? "", widths[i]!) : (r[i] ?? "");
        return paint(i, k === shown.length - 1 ? c : pad(c, widths[i] ?? 0));
      })
      .join("  ");
  const indent = " ".repeat((widths[0] ?? 0) + 2);
  const underRoom = Math.max(10, Math.min(MAX_SUMMARY, room - 2 - indent.length));
  const out: string[] = [];
  for (const g of groups) {
    out.push(style.bold(`${clipToWidth(inert(g.projectName), Math.max(10, Math.min(MAX_SUMMARY, room - 1)))}:`));
    out.push(`  ${style.dim(line(COLUMNS))}`);
    for (const v of g.sessions) {
      out.push(`  ${line(cells(v, now), (i, c) => (i === 1 ? style.status(v.status, c) : c))}`);
      // Issue titles and check names ride in the summary and the reason: outside text. A session
      // that cannot go on says why before its task (the why was in --json only).
      const under = v.status === "errored" && v.summary ? `${v.statusReason} · ${v.summary}` : (v.summary ?? v.statusReason);
      // The permissions note is never the part cut off.
      const skipped = v.permissionsSkipped ? " · permissions skipped" : "";
      out.push(`  ${indent}${style.dim(clipToWidth(inert(under), Math.max(4, underRoom - skipped.length)) + skipped)}`);
    }
  }
  const active = views.filter(isActive);
  const projectCount = new Set(active.map((v) => v.projectId)).size;
  out.push("");
  for (const n of notes) out.push(style.yellow(inert(n)));
  out.push(`${plural(active.length, "active session")} across ${plural(projectCount, "project")}`);
  return `${out.join("\n")}\n`;
}

/** The `--json` shape of one session; the field names are a contract with scripts. */
export function sessionJson(v: SessionView, now: Date, githubStale: boolean): Record<string, unknown> {
  // Made whole in one literal: a spread copy of 500 of these was a few milliseconds of `ls --json`.
  return {
    name: v.id,
    host: v.host,
    project: v.projectId,
    projectName: v.projectName,
    branch: v.branch,
    status: v.status,
    statusCause: v.statusCause,
    statusReason: v.statusReason,
    prNumber: v.prNumber,
    prUrl: v.prUrl,
    ciStatus: v.ciStatus,
    reviewDecision: v.reviewDecision,
    pendingThreads: v.pendingThreads,
    activity: v.activity,
    lastActivity: agoFromIso(v.lastActivityAt, now),
    lastActivityAt: isoOrNull(v.lastActivityAt),
    createdAt: isoOrNull(v.createdAt),
    issueId: v.issueId,
    worktree: v.worktree,
    summary: v.summary,
    lastReaction: v.lastReaction,
    permissionsSkipped: v.permissionsSkipped,
    conflicts: v.conflicts,
    agent: v.agent,
    githubStale,
  };
}
