import type { Priority, ReactionConfig, ReactionKind } from "../core/reactions.js";

export type Reactions = Record<ReactionKind, ReactionConfig>;

export interface NotifierConfig {
  type: "desktop" | "bell" | "webhook";
  url?: string;
  /** Which priorities reach this notifier; all when absent. */
  priorities: Priority[];
}

/** The validated workspace config that the rest of ao reads. Built by config/parse.ts. */
export interface ProjectConfig {
  /** The key under `projects:`. */
  id: string;
  name: string;
  /** `owner/name` on GitHub. */
  repo: string;
  /** Absolute path of the local clone. */
  path: string;
  sessionPrefix: string;
  defaultBranch: string;
  agent: string;
  runtime: string;
  workspace: string;
  terminal: string;
  agentCommand?: string;
  permissions: "default" | "skip";
  /** The workspace's reactions with this project's overrides. */
  reactions: Reactions;
  /** Where the project's issues live: GitHub issues of `repo`, or Linear. */
  /** "none": a project with scm: none and no tracker named has no issues to read. */
  tracker: "github" | "linear" | "none";
  /** How `m` and the merge reaction merge the PR on GitHub. */
  mergeMethod: "merge" | "squash" | "rebase";
  /** Where its PRs live: GitHub, or nowhere (a clone whose origin is a local or bare repository). */
  scm: "github" | "none";
  postCreate: string[];
  copy: string[];
  /** Hosts this project's sessions may run on, `local` included when allowed; default `[local]`. */
  hosts: string[];
}

/** A machine sessions run on: `local` (this one, always first) or one reached over ssh. */
export interface HostConfig {
  name: string;
  /** The ssh destination as written: an alias, host, user@host or user@host:port; null for local. */
  ssh: string | null;
  /** How many live sessions ao places there at most. */
  maxSessions: number;
  /** Project id → path of its clone on that host (`~/` is the remote home). */
  projects: Record<string, string>;
  /** Where ao keeps its files there: clones, worktrees, sessions' state (`~/` is the remote home). */
  root: string;
}

export interface WorkspaceConfig {
  /** Path of the file this came from; null for the built-in empty workspace. */
  file: string | null;
  name: string;
  defaults: { runtime: string; agent: string; workspace: string; terminal: string; terminalCommand?: string; agentCommand?: string };
  github: { baseUrl: string };
  runtime: { tmuxSocket?: string; sshConfig?: string };
  /** `local` first, then the hosts under `hosts:`. */
  hosts: HostConfig[];
  /** Where worktrees go; default AO_HOME/worktrees/<workspace>. */
  worktreeDir: string;
  /** A live, quiet agent with no PR waiting on others becomes `stuck` after this long. */
  stuckAfterMs: number;
  readyThresholdMs: number;
  lifecycle: { pollIntervalMs: number };
  notifiers: NotifierConfig[];
  projects: ProjectConfig[];
}
