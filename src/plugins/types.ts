import type { Question } from "../core/question.js";
import type { PrFacts } from "../core/types.js";
import type { ScreenReading } from "../core/activity.js";

/** Facts about one tmux pane, all panes read in one call. */
export interface PaneFacts {
  /** tmux session name (`ao-<workspace>-<id>`). */
  name: string;
  panePid: number;
  dead: boolean;
  /** Exit status of a dead pane's process, when tmux knows it. */
  deadStatus: number | null;
  /** The signal that ended a dead pane's process, when a signal did (then it has no status). */
  deadSignal?: number;
  /** Unix seconds of the window's last output. */
  activityAt: number;
}

/** A pane whose screen is worth reading in a look, if tmux finds it still and changed. */
export interface ScreenWant {
  /** tmux session name. */
  name: string;
  /** Read only if the pane's last output came at or before this Unix second (the screen is still). */
  stillBefore: number;
  /** The output time of the screen already read: unchanged since, the pane is not read again. */
  knownActivityAt?: number;
}

/** One look at the server: every pane, and the screens it was worth reading. */
export interface PaneLook {
  panes: PaneFacts[];
  /** tmux name → the screen, and the output time it belongs to. */
  screens: Map<string, { activityAt: number; text: string }>;
  /** tmux name → what a pane that died said last (its history and screen), read in the look. */
  lastWords?: Map<string, string>;
  /**
   * When a look started ahead (prepareLook with wants) was started (epoch ms): it may be older
   * than what the caller read since. A pane it lacks, or found dead, may have been made since.
   */
  startedAt?: number;
}

export interface LaunchSpec {
  /** tmux session name. */
  name: string;
  cwd: string;
  /** A shell command line (ao builds it from an argv, or the user wrote it in config). */
  command: string;
  /** The full environment the agent gets, whatever the tmux server's own environment holds. */
  env: NodeJS.ProcessEnv;
  /** Where the launcher may write its one-shot environment file (private to the session). */
  stateDir: string;
  /**
   * Variables that name the session (sessionMark), set on the launcher itself as well, so every
   * process of the pane carries them from its start: a kill finds them by it (markedProcesses).
   */
  mark?: Record<string, string>;
}

export interface RuntimePlugin {
  readonly name: string;
  create(spec: LaunchSpec): Promise<void>;
  /** Every pane on the server in one call; an empty list when no server runs. */
  listPanes(): Promise<PaneFacts[]>;
  /**
   * Every pane, plus the screens of the wanted panes that tmux finds still and changed, in one
   * process whatever changed. An empty list of wants is a plain listing.
   */
  look(wants: readonly ScreenWant[]): Promise<PaneLook>;
  /**
   * Start the next look's process now, so its work overlaps the caller's reading of the
   * records; the next look() uses it. With `wants` (those the caller expects to ask) the look
   * itself starts: a look() asking others has those read by name. `dropPreparedLook` ends one no
   * look took. Optional: a runtime without it simply starts its look when asked. Resolves once
   * the process is made: a caller that reads synchronously next must wait for that, or the
   * process is only made after its reading, with nothing left to overlap.
   */
  prepareLook?(wants?: readonly ScreenWant[]): Promise<void>;
  /**
   * The process and script prepareLook(wants) would start, the script made with `nonce`: kept
   * for the next run to start before its code loads (services/look-ahead.ts). null: none.
   */
  lookAheadFor?(wants: readonly ScreenWant[], nonce: string): { args: string[]; input: string } | null;
  dropPreparedLook?(): void;
  /**
   * For a process that looks again and again (the dashboard): keep one connection for its looks
   * and listings rather than starting a process for each. Returns the disconnect. Optional.
   */
  keepConnected?(): () => void;
  /**
   * Hear of every listing of all panes this runtime makes, its looks' included (`fromLook`): a
   * watcher of the panes' output times need not fork a listing of its own while others are made.
   * Returns the unsubscribe.
   */
  onPanes?(listener: (panes: PaneFacts[], fromLook: boolean) => void): () => void;
  capture(name: string, lines?: number): Promise<string>;
  exists(name: string): Promise<boolean>;
  /** End the session and every process started in it. */
  destroy(name: string): Promise<void>;
  /** Press keys by name (`Enter`, `C-u`): tmux interprets them. */
  sendKeys(name: string, keys: string[]): Promise<void>;
  /** Type text literally: nothing in it is read as a key name. */
  typeLiteral(name: string, text: string): Promise<void>;
  /** Paste text with bracketed paste, through a named buffer loaded from standard input. */
  paste(name: string, text: string): Promise<void>;
  /** argv that attaches a terminal to the session (for `ao attach` and terminal plugins). */
  attachArgv(name: string, insideTmux: boolean): string[];
}

export interface WorktreeStatus {
  /** `git status --porcelain` lines: uncommitted changes, untracked files included. */
  uncommitted: string[];
  /** Commits on no remote (`git log --oneline HEAD --not --remotes`). */
  unpushed: string[];
  /**
   * The branch the checkout is on, when that branch no longer exists (deleted outside ao): the
   * commits it held are on no branch, and what removing the checkout would lose cannot be told.
   */
  branchGone?: string;
  /** With branchGone: the commit the checkout was last on, as its HEAD's reflog says, if it does. */
  branchGoneAt?: string;
}

/** A new branch's name was taken (by another ao sharing the clone, or by hand) before it was made. */
export class BranchTakenError extends Error {
  constructor(readonly branch: string) {
    super(`branch ${branch} was made by someone else as this spawn was about to make it (another ao sharing this clone?)`);
    this.name = "BranchTakenError";
  }
}

export interface WorkspacePlugin {
  readonly name: string;
  /**
   * Create the session's checkout on a new branch from `base`, or on the existing `branch` when
   * `reuse` is set. Returns the commit a new branch was made at (null when reused). A failed
   * create leaves nothing behind (no folder, no new branch); a new branch whose name is taken
   * meanwhile is BranchTakenError, and the branch there is left as it is.
   */
  create(opts: { repoPath: string; worktree: string; branch: string; base: string; remoteBranch: string; reuse?: boolean }): Promise<string | null>;
  /** The folders where `branch` is checked out (the clone itself, worktrees). */
  checkedOutAt(repoPath: string, branch: string): Promise<string[]>;
  exists(worktree: string): Promise<boolean>;
  branchExists(repoPath: string, branch: string): Promise<boolean>;
  status(worktree: string): Promise<WorktreeStatus>;
  /** Remove the checkout; the branch (and any commits on it) stays. */
  remove(repoPath: string, worktree: string): Promise<void>;
  /**
   * Delete `branch` only while it is still at commit `at` (no commit of its own since it was
   * made there) and checked out nowhere; whether it was deleted.
   */
  deleteBranchIfAt(repoPath: string, branch: string, at: string): Promise<boolean>;
}

/** What an agent plugin sees of a session when it reads the screen. */
export interface ScreenFacts {
  capture: string;
  dead: boolean;
}

/**
 * What a still screen says; "active" when the screen itself says the agent is busy; "unknown"
 * when nothing on it is anything the agent's patterns know (not its prompt, no dialog, no busy
 * line): a warning printed before its interface draws, an update notice, a crash trace. An
 * unknown screen is no evidence of any activity (core/activity.ts ScreenReading).
 */
export type StillActivity = ScreenReading;

export interface LaunchOptions {
  /** A shell word that expands to the prompt (ao reads it from a file: no length or quoting limits). */
  promptShell?: string;
  skipPermissions: boolean;
  /** The user's own command line, for the generic agent. */
  agentCommand?: string;
  /** What `wireHooks` returned: its arguments go on the agent's command line. */
  wiring?: AgentWiring;
  /** The conversation to resume (resumeCommand), or to start under this id (launchCommand). */
  agentSessionId?: string;
}

/** Where an agent's hooks report to: ao's hook handler, appending to the session's event log. */
export interface HookTarget {
  /** The shell command line that records one event (for agents that run hooks through a shell). */
  command(event: string): string;
  /** The same as an argv (for agents that run a program directly, like Codex's notify). */
  argv(event: string): string[];
  /** The session's own state folder (under AO_HOME): where extra settings files go. */
  stateDir: string;
  /** The environment the agent will get (to find a settings file of the user's to build on). */
  env: NodeJS.ProcessEnv;
  /** Where the agent runs: this machine, or the session's host. */
  place: AgentPlace;
}

/**
 * The machine an agent runs on, as its wiring needs to see it: a settings file of the user's to
 * build on is found by that machine's platform and the agent's environment there, and read there.
 */
export interface AgentPlace {
  /** Its platform, and these variables of the environment the agent starts from there (unset: absent). */
  facts(names: readonly string[]): Promise<{ platform: string; env: Record<string, string> }>;
  /** A file's text there; null when there is none or it cannot be read. */
  read(file: string): Promise<string | null>;
}

/** How ao wires its hooks into one launch, through the agent's own extra-settings mechanism. */
export interface AgentWiring {
  /** Extra command-line arguments. */
  args: string[];
  /** Extra environment variables. */
  env: Record<string, string>;
  /** Files to write before launch (0600), all under the session's state folder. */
  files: Array<{ path: string; content: string }>;
}

export interface AgentPlugin {
  readonly name: string;
  /** Whether the prompt rides on the command line; otherwise the agent gets it as AO_PROMPT. */
  readonly promptOnCommandLine: boolean;
  /** The shell command line that starts the agent on a new task. */
  launchCommand(opts: LaunchOptions): string;
  /** Whether its dialogs keep animating (so its screen is read while it moves, too). */
  readonly dialogsAnimate?: boolean;
  /** Whether the agent takes a conversation id from ao at launch (`--session-id`). */
  readonly takesSessionId?: boolean;
  /**
   * Register ao's hooks for one launch without touching the user's files (~/.claude, ~/.codex,
   * ~/.gemini, the repository): agents without it are read from the screen alone.
   */
  wireHooks?(target: HookTarget): AgentWiring | Promise<AgentWiring>;
  /** The command line that starts it again in an existing worktree, continuing where it was. */
  resumeCommand(opts: Omit<LaunchOptions, "promptShell">): string;
  /**
   * What a screen that has been still for a while says: ready at its prompt, waiting for the
   * user's answer (a permission or question dialog), blocked (needs a person to sign in or fix
   * something), still busy by its own account, or unknown: "ready" only when the agent's own
   * prompt is on screen, never because nothing else matched.
   */
  classifyStill(screen: ScreenFacts): StillActivity;
  /** Text on screen that shows a sent message was queued behind the current task. */
  showsQueued(capture: string): boolean;
  /**
   * The key that leaves a message to wait behind the running turn, for an agent whose Enter
   * would change that turn instead (Codex: Enter steers the running turn, Tab queues). Without
   * it, Enter while the agent works queues the message (Claude Code).
   */
  readonly queueKey?: string;
  /** The text now in the agent's input box, when the screen shows one; default: core/draft.ts. */
  draftOf?(capture: string): string | null;
  /**
   * The question, permission prompt, picker, sign-in or trust dialog the screen shows, with its
   * options; null when the screen asks nothing. (Issue 11 implements it for each agent.)
   */
  readQuestion?(capture: string): Question | null;
  /**
   * The error the last turn ended on, when a screen back at its prompt shows one as that turn's
   * outcome (Codex and Gemini print an error line and return to their prompt); null when the
   * last turn ended otherwise, or an error line has scrolled above a later turn.
   */
  readTurnError?(capture: string): string | null;
  /**
   * What a busy screen shows of the work, without what moves by itself (the spinner's glyph and
   * words, its clock): two reads that give the same text saw no progress between them. null when
   * the screen shows no busy marker.
   */
  progressOf?(capture: string): ScreenProgress | null;
  /**
   * A dead pane's screen with the agent's own furniture taken out (its input box, the slash
   * command menu under it, its footer hints): what is left is what it said on its way out, for
   * the reason its exit gives. Absent: the screen as it is.
   */
  exitWords?(capture: string): string;
}

/** What a busy screen shows of its work (AgentPlugin.progressOf). */
export interface ScreenProgress {
  /** The screen without what moves by itself: the same text on two reads is no progress between them. */
  shown: string;
  /** The person's prompt is the last thing above the spinner: nothing from the model yet this turn. */
  unanswered: boolean;
  /** With `unanswered`: how long the spinner's own clock says it has waited (ms), when it shows one. */
  waitedMs: number | null;
}

export interface TerminalPlugin {
  readonly name: string;
  open(opts: { id: string; tmuxName: string; attachArgv: string[]; newWindow: boolean }): Promise<void>;
}

/** A session's branch to look up on GitHub. */
export interface PrQuery {
  id: string;
  branch: string;
  /** From `pr=` in metadata, when known: found by number rather than by branch. */
  prNumber?: number;
  /**
   * When the session began. A PR found by branch name is the session's only if it was opened
   * after this, or `ownsCommit` says its head commit is the session's work; an older PR on a
   * reused branch name (a reset, an earlier session with the same id) is someone else's.
   */
  createdAfter?: string;
  ownsCommit?: (sha: string) => Promise<boolean>;
}

export interface RateLimit {
  remaining: number;
  resetAt: string;
  cost?: number;
}

/** Details that load lazily, for the selected session or a reaction. */
export interface PrDetails {
  failingChecks: Array<{ name: string; conclusion: string; url?: string; logTail?: string; annotations?: string[]; unreadable?: string }>;
  unresolvedThreads: Array<{ id: string; path: string; line: number | null; author: string; body: string; url: string }>;
  headSha: string;
  /** What could not be read (the review threads, the checks), said rather than dropped. */
  unreadable?: string[];
}

export interface ScmPlugin {
  readonly name: string;
  /**
   * PR facts for many sessions of one repository: one GraphQL document (more only past GitHub's
   * node limit, some 400 sessions), an aliased sub-query each. null = no PR for that branch. Throws ScmError when GitHub cannot be
   * read (never a guess).
   */
  fetchPrs(repo: string, queries: PrQuery[]): Promise<{ prs: Map<string, PrFacts | null>; rateLimit?: RateLimit }>;
  prDetails(repo: string, prNumber: number): Promise<PrDetails>;
  /**
   * Merge the PR with `method`; with `sha`, only if the head is still that commit. Throws
   * ScmError with GitHub's own reason when it refuses (not mergeable, head moved).
   */
  merge?(repo: string, prNumber: number, method: "merge" | "squash" | "rebase", sha?: string): Promise<{ sha: string }>;
}

export interface TrackerIssue {
  id: string;
  title: string;
  state: "open" | "closed";
  labels: string[];
  url: string;
  body: string;
}

/**
 * The tracker answered that it has no such issue for us: the number is wrong, or (GitHub's 404)
 * the repository is private to a token without access. Not a failure to reach the tracker.
 */
export class IssueNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "IssueNotFoundError";
  }
}

export interface TrackerPlugin {
  readonly name: string;
  /** Throws IssueNotFoundError when the tracker answers that there is no such issue. */
  getIssue(repo: string, id: string): Promise<TrackerIssue>;
  /** Open issues, newest first, for a picker; absent where the tracker offers no list. */
  listIssues?(repo: string): Promise<Array<Pick<TrackerIssue, "id" | "title">>>;
}

export interface Notification {
  title: string;
  body: string;
  priority: "urgent" | "action" | "info";
  sessionId?: string;
  reaction?: string;
}

export interface NotifierPlugin {
  readonly name: string;
  /** Resolves once delivered; rejects, saying why, when it was not. */
  notify(n: Notification): Promise<void>;
}
