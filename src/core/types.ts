import type { Conflict } from "./conflicts.js";
import type { Question } from "./question.js";

/** Where a session's work stands. Derived by `deriveStatus`, never guessed from one fact. */
export const STATUSES = [
  "spawning",
  "working",
  "pr_open",
  "ci_failed",
  "review_pending",
  "changes_requested",
  "approved",
  "mergeable",
  "merged",
  "needs_input",
  "stuck",
  "errored",
  "killed",
] as const;
export type Status = (typeof STATUSES)[number];

/** What the agent process is doing right now, read from its pane. */
export const ACTIVITIES = ["active", "ready", "idle", "waiting_input", "blocked", "exited"] as const;
export type Activity = (typeof ACTIVITIES)[number];

export type CiStatus = "success" | "failure" | "pending" | "none";
export type ReviewDecision = "approved" | "changes_requested" | "review_required" | "none";

export interface FailingCheck {
  name: string;
  conclusion: string;
  url?: string;
}

/** What GitHub says about a session's pull request. */
export interface PrFacts {
  number: number;
  url: string;
  state: "open" | "closed" | "merged";
  isDraft: boolean;
  /** null when GitHub has not computed it yet. */
  mergeable: boolean | null;
  ci: CiStatus;
  failingChecks: FailingCheck[];
  reviewDecision: ReviewDecision;
  reviewers?: string[];
  unresolvedThreads: number;
}

/** The flat key=value record of one session, as stored. Unknown keys are kept. */
export type Metadata = Record<string, string>;

/**
 * Everything known about one session at one moment. `undefined` means "not looked at" (the
 * source was not consulted or could not be read); `null` means "looked, and there is none".
 */
export interface StatusFacts {
  now: Date;
  meta: Metadata;
  /** Whether the session's runtime (tmux) is alive; undefined when not checked. */
  runtimeAlive?: boolean;
  activity?: Activity;
  /** Pull request facts; null = no PR for the branch, undefined = GitHub not consulted. */
  pr?: PrFacts | null;
  /** A probe (tmux, git, GitHub) failed in a way that leaves this session unknowable. */
  probeError?: string;
  /** The session's host does not answer ("host build-1 unreachable since 12:04"). */
  hostDown?: string;
  stuckAfterMs: number;
  /**
   * How long the agent has been quiet, measured without crossing a wall-clock jump; when
   * absent, `now` minus the last activity time.
   */
  quietMs?: number;
  /** For a session recorded `spawning`: whether the process running that spawn still runs. */
  spawnerAlive?: boolean;
  /** What the agent itself said and showed, beyond the activity. */
  agent?: AgentFacts;
  /** What its dead pane said last (exit status, last lines), when the agent exited. */
  lastWords?: string;
}

/** Facts from the agent's events and screen that the status wording needs. */
export interface AgentFacts {
  /** How a person calls the agent ("Claude Code"). */
  name: string;
  /** Whether anything of the agent has shown yet: a non-blank screen or an event. */
  seen: boolean;
  /** Where the activity came from. */
  source: "event" | "screen";
  /** What the agent asks, when it waits on the person. */
  question: Question | null;
  /**
   * The agent's own words for the error its last turn ended on (a bad key, a usage limit, a
   * server error after its retries), from its event or its screen (outside text).
   */
  error: string | null;
  /**
   * Working, with nothing new on its screen but its spinner this long (ms), as ao saw it or the
   * spinner's clock says; `unanswered`: the model has sent nothing since the prompt;
   * `modelsTurn`: the model has the turn (its first reply, or its answer to a tool's result);
   * `moving`: its spinner moves (else the screen is still, its turn not ended on it).
   */
  noProgress?: { ms: number; unanswered: boolean; modelsTurn: boolean; moving: boolean };
  /**
   * Its still screen is none ao knows of this agent (not its prompt, no dialog, no busy line)
   * and no event speaks for it: the screen's last non-blank line (outside text).
   */
  unrecognized?: string;
}

/**
 * Why a session has its status: a closed set code may branch on (the reason is for people).
 * Each belongs to one status; see core/status.ts.
 */
export const CAUSES = [
  "killed",
  "spawning",
  "booting",
  "spawn_abandoned",
  "merged",
  "record_errored",
  "unreadable",
  "unobservable",
  "kill_interrupted",
  "probe_failed",
  "host_unreachable",
  "runtime_lost",
  "agent_error",
  "agent_exited",
  "question",
  "permission",
  "sign_in",
  "usage_limit",
  "turn_finished",
  "ci_failed",
  "changes_requested",
  "mergeable",
  "approved",
  "review_pending",
  "pr_open",
  "pr_recorded",
  "stuck",
  "unrecognized_screen",
  "working",
  "no_progress",
] as const;
export type StatusCause = (typeof CAUSES)[number];

export interface DerivedStatus {
  status: Status;
  cause: StatusCause;
  reason: string;
}

/** One row of `ao session ls` / `ao status`: what a person or a script sees. */
export interface SessionView {
  id: string;
  workspace: string;
  /** Where it runs: `local`, or a host from the config's `hosts:`. */
  host: string;
  projectId: string;
  projectName: string;
  /** Its project is no longer in the config (the row still lists; only a forget retires it). */
  projectGone?: true;
  branch: string | null;
  status: Status;
  statusCause: StatusCause;
  statusReason: string;
  prNumber: number | null;
  prUrl: string | null;
  ciStatus: CiStatus | null;
  reviewDecision: ReviewDecision | null;
  pendingThreads: number | null;
  /** Names of failing checks, when GitHub was read. */
  failingChecks: string[];
  activity: Activity | null;
  /**
   * Its live agent's still screen is none ao knows of it (not its prompt, no dialog, no busy
   * line), so it has no activity: the screen's last non-blank line (outside text). Absent else.
   */
  unrecognizedScreen?: string;
  lastActivityAt: string | null;
  createdAt: string | null;
  issueId: string | null;
  worktree: string | null;
  summary: string | null;
  /** What ao last did about this session on its own (a reaction), e.g. "ci-failed: sent (delivered)". */
  lastReaction: string | null;
  permissionsSkipped: boolean;
  /** What the conflict radar last found this session's branch would conflict with. */
  conflicts: Conflict[];
  /** What the agent itself reported: null for agents read from the screen alone. */
  agent: AgentView | null;
  meta: Metadata;
}

/** The agent's own account, explained: `ao status --json` and the detail pane. */
export interface AgentView {
  /** Where the activity came from. */
  source: "event" | "screen";
  /** The conversation id (`ao session restore` resumes it). */
  sessionId: string | null;
  /** The question it asks now, if any. */
  question: Question | null;
  /** The last thing it said at the end of a turn. */
  lastMessage: string | null;
  /** Its newest events, oldest first: time and name. */
  lastEvents: Array<{ time: string; event: string; detail: string | null }>;
}
