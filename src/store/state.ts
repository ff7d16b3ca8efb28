import type { AnswerDeps, AnswerDialog } from "./answer.js";
import type { CleanupItem } from "../core/cleanup.js";
import type { DiffFile } from "../core/diff.js";
import { applyFilter, buildRows, sessionIds, type Filter, type Row, type SortMode } from "../core/dashboard.js";
import type { ProjectRef } from "../core/format.js";
import type { SessionView } from "../core/types.js";

export interface GitHubStatus {
  state: "ok" | "stale" | "off" | "loading";
  remaining: number | null;
  fetchedAt: string | null;
  error: string | null;
}

export interface Toast {
  id: number;
  /** A warning is something done all the same that the person should know (a closed issue started on). */
  kind: "info" | "warning" | "error" | "success";
  text: string;
}

export type Dialog =
  /** One message to one session, or to every marked one; `outcome` is one line per session. */
  | { kind: "send"; ids: string[]; sending: boolean; outcome: string | null }
  /** `lost`: per session, what killing it would lose (only those with something to lose). */
  | { kind: "kill"; ids: string[]; stage: "checking" | "confirm" | "force"; lost: Record<string, string> }
  /** What a forget leaves in place, where: the session's tmux session and worktree on its host. */
  | { kind: "forget"; id: string; host: string; tmuxName: string; worktree: string | null }
  | { kind: "cleanup"; plan: CleanupItem[] | null; error: string | null; running: boolean; done: string[] | null }
  | {
      kind: "new";
      projects: Array<{ id: string; name: string; agent: string }>;
      agents: string[];
      /** The project whose issues are loaded (or loading), and them: null while loading or when there is no list. */
      issuesFor: string | null;
      issues: IssueChoice[] | null;
      issuesError: string | null;
    }
  | { kind: "diff"; id: string; diff: SessionDiffView | null; error: string | null }
  | { kind: "merge"; id: string; prNumber: number; method: string; merging: boolean; error: string | null }
  | AnswerDialog
  | { kind: "filter" }
  | { kind: "help" }
  | { kind: "log" };

export interface SessionDiffView {
  base: string;
  files: DiffFile[];
}

export interface IssueChoice {
  id: string;
  title: string;
}

export interface SpawnRequest {
  project: string;
  issue?: string;
  agent?: string;
  prompt?: string;
}

export interface PrDetailLines {
  checks: string[];
  threads: string[];
}

export interface DashboardState {
  workspace: string;
  projects: ProjectRef[];
  sessions: SessionView[];
  localUpdatedAt: number | null;
  localError: string | null;
  /** Why the config file on disk is not the one in use (a broken edit); null when it is. */
  configError: string | null;
  /** The clock ages are shown against; moves with every local refresh, so rows need no timers. */
  now: number;
  github: GitHubStatus;
  cursor: string | null;
  sort: SortMode;
  filter: Filter;
  detail: boolean;
  pane: { id: string; text: string } | null;
  /** How many lines the pane preview is scrolled up from its newest line. */
  paneScroll: number;
  details: ({ id: string } & PrDetailLines) | null;
  dialog: Dialog | null;
  toasts: Toast[];
  log: string[];
  /** Sessions marked (space) for kill, send and cleanup to act on together. */
  marked: string[];
  /** Session id → the action running on it. */
  busy: Record<string, string>;
  quitting: boolean;
}

/** What the dashboard needs from the service layer; `ao ui` binds these to the real services. */
export interface DashboardDeps extends AnswerDeps {
  workspace: string;
  projects: ProjectRef[];
  listSessions(): Promise<SessionView[]>;
  /**
   * The sessions from their records alone, without the runtime look: the first frame's rows,
   * shown while the first full look (which may read hundreds of screens) runs.
   */
  listSessionsQuick?(): Promise<SessionView[]>;
  /** Only these sessions, read afresh after an action touched them. */
  sessionsById?(ids: string[]): Promise<SessionView[]>;
  /** Reload the config when its file changed: the projects now, and why an edit is not in use. */
  checkConfig?(): Promise<{ changed: boolean; projects: ProjectRef[]; error: string | null }>;
  /** force: ask GitHub even if another process refreshed the shared snapshot moments ago. */
  refreshGitHub(force?: boolean): Promise<GitHubStatus>;
  send(id: string, text: string): Promise<{ outcome: "delivered" | "queued" | "unconfirmed" }>;
  /** What killing would lose, described, or null when nothing would. */
  unsavedWork(id: string): Promise<string | null>;
  kill(id: string, force: boolean): Promise<void>;
  /** Retire a session ao cannot reach (ao session kill --forget): nothing is ended or removed. */
  forget?(id: string): Promise<void>;
  restore(id: string): Promise<void>;
  cleanupPlan(): Promise<CleanupItem[]>;
  cleanupRun(plan: CleanupItem[]): Promise<string[]>;
  paneTail(id: string, lines: number): Promise<string>;
  /** Failing checks and unresolved threads of the session's PR, loaded only for the detail pane. */
  prDetails?(id: string): Promise<PrDetailLines | null>;
  /** The new-session dialog's choices: projects with their default agent, and every agent. */
  newSessionChoices?(): { projects: Array<{ id: string; name: string; agent: string }>; agents: string[] };
  /**
   * Run the conflict radar; `fetch` also fetches the bases (the slow cadence). false: nothing the
   * table shows changed, so no fresh look is needed.
   */
  checkConflicts?(fetch: boolean): Promise<boolean | void>;
  /** Open issues of a project's tracker; null when it offers no list. */
  issueChoices?(projectId: string): Promise<IssueChoice[] | null>;
  /**
   * Start a session (the same service as `ao spawn`); `onCreated` hears its id as soon as it
   * exists, `onWarning` what `ao spawn` warns of on stderr (a closed issue), as it is found.
   */
  spawn?(opts: SpawnRequest, onCreated: (id: string) => void, onWarning?: (text: string) => void): Promise<{ id: string; branch: string; note?: string }>;
  /** What the session changed against its base, committed and not. */
  diff?(id: string): Promise<SessionDiffView>;
  /** The project's merge method (merge, squash, rebase), named in the confirmation. */
  mergeMethod?(projectId: string): string;
  /** Merge the session's PR on GitHub; the session is then merged. */
  merge?(id: string): Promise<{ prNumber: number; method: string }>;
  attach(id: string): Promise<void>;
  openUrl(url: string): Promise<void>;
  now(): number;
  /**
   * Call `onChange` whenever a session may need a new look before the next tick (an agent's
   * event, a pane gone still); returns how to stop. Optional: without it the ticks alone refresh.
   */
  watchChanges?(onChange: () => void): () => void;
}

export function initialState(deps: Pick<DashboardDeps, "workspace" | "projects">): DashboardState {
  return {
    workspace: deps.workspace,
    projects: deps.projects,
    sessions: [],
    localUpdatedAt: null,
    localError: null,
    configError: null,
    now: Date.now(),
    github: { state: "loading", remaining: null, fetchedAt: null, error: null },
    cursor: null,
    sort: "project",
    filter: { project: null, text: "" },
    detail: false,
    pane: null,
    paneScroll: 0,
    details: null,
    dialog: null,
    toasts: [],
    log: [],
    marked: [],
    busy: {},
    quitting: false,
  };
}

// The table and the cursor's moves both need the rows in order; sorting 500 sessions is the
// table's one costly step, so it runs once per change of what it depends on, for both.
let rowsMemo: { sessions: SessionView[]; filter: DashboardState["filter"]; sort: DashboardState["sort"]; projects: ProjectRef[]; rows: Row[]; ids: string[] } | null = null;
function memoRows(s: DashboardState): { rows: Row[]; ids: string[] } {
  const m = rowsMemo;
  if (m && m.sessions === s.sessions && m.filter === s.filter && m.sort === s.sort && m.projects === s.projects) return m;
  const rows = buildRows(applyFilter(s.sessions, s.filter), s.projects, s.sort);
  rowsMemo = { sessions: s.sessions, filter: s.filter, sort: s.sort, projects: s.projects, rows, ids: sessionIds(rows) };
  return rowsMemo;
}

/** The table's rows (group headings and sessions), filtered and in the chosen order. */
export function tableRows(s: DashboardState): Row[] {
  return memoRows(s).rows;
}

export function visibleIds(s: DashboardState): string[] {
  return memoRows(s).ids;
}

export function selectedSession(s: DashboardState): SessionView | undefined {
  return s.sessions.find((v) => v.id === s.cursor);
}
