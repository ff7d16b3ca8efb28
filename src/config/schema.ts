import { z } from "zod";
import { formatDuration, parseDuration } from "../core/duration.js";

/** Durations as written in config: `90s`, `10m`, `1h`, or a number of milliseconds. */
const durationForm = z.union([
  z.number().int().nonnegative(),
  z.string().regex(/^\d+(ms|s|m|h)$/, { message: "expected a duration such as 30s, 10m or 1h" }),
]);

/** The longest delay a Node timer takes; beyond it setTimeout fires after 1 ms, in a loop. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A duration within bounds, checked here so that a value no timer can honour (too large, zero,
 * `1ms` for a poll) is a config error naming the key, never a busy loop or a puzzling message.
 */
function duration(minMs: number, maxMs: number) {
  return durationForm.refine(
    (v) => {
      // A value of the wrong form has its own error already; only bounds are judged here.
      let ms: number;
      try {
        ms = parseDuration(v);
      } catch {
        return true;
      }
      return ms >= minMs && ms <= maxMs;
    },
    { message: `expected a duration from ${formatDuration(minMs)} to ${formatDuration(maxMs)}` },
  );
}

/** How often reactions poll: often enough to matter, never a busy loop. */
export const POLL_MIN_MS = 1000;
export const POLL_MAX_MS = 3_600_000;

/** Anything ao may wait on: at most about 24 days (MAX_TIMER_MS). */
const anyDuration = duration(0, 576 * 3_600_000);

const pluginNames = {
  runtime: z.enum(["tmux"]),
  agent: z.enum(["claude-code", "codex", "aider", "gemini", "generic"]),
  workspace: z.enum(["worktree"]),
  terminal: z.enum(["tmux", "iterm2", "command"]),
};

const priority = z.enum(["urgent", "action", "info"]);

const reaction = z.strictObject({
  action: z.enum(["send-to-agent", "notify", "cleanup", "none"]),
  retries: z.number().int().min(0).max(10).optional(),
  escalateAfter: anyDuration.optional(),
  after: anyDuration.optional(),
  priority: priority.optional(),
});

// Merging is an opt-in for one event only: a PR that is approved and green.
const approvedAndGreen = reaction.extend({ action: z.enum(["send-to-agent", "notify", "cleanup", "none", "merge"]) });
// A conflict can only be told to the agent (or to nobody).
const conflict = reaction.extend({ action: z.enum(["send-to-agent", "notify", "none"]) });

const reactions = z.strictObject({
  "ci-failed": reaction.optional(),
  "changes-requested": reaction.optional(),
  "needs-input": reaction.optional(),
  stuck: reaction.optional(),
  "approved-and-green": approvedAndGreen.optional(),
  merged: reaction.optional(),
  conflict: conflict.optional(),
});

const mergeMethod = z.enum(["merge", "squash", "rebase"]);

const notifier = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("desktop"), priorities: z.array(priority).optional() }),
  z.strictObject({ type: z.literal("bell"), priorities: z.array(priority).optional() }),
  z.strictObject({ type: z.literal("webhook"), url: z.url(), priorities: z.array(priority).optional() }),
]);

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const project = z.strictObject({
  repo: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, { message: "expected owner/name, such as org/app" }),
  path: z.string().min(1),
  sessionPrefix: z
    .string()
    .regex(/^[a-z][a-z0-9]{0,15}$/, { message: "expected lower-case letters and digits, starting with a letter (such as fe)" })
    .optional(),
  defaultBranch: z.string().min(1).optional(),
  name: z.string().min(1).optional(),
  agent: pluginNames.agent.optional(),
  runtime: pluginNames.runtime.optional(),
  workspace: pluginNames.workspace.optional(),
  terminal: pluginNames.terminal.optional(),
  agentCommand: z.string().min(1).optional(),
  agentConfig: z.strictObject({ permissions: z.enum(["default", "skip"]).optional() }).optional(),
  tracker: z.enum(["github", "linear"]).optional(),
  mergeMethod: mergeMethod.optional(),
  scm: z.enum(["github", "none"]).optional(),
  reactions: reactions.optional(),
  postCreate: z.array(z.string()).optional(),
  copy: z.array(z.string()).optional(),
  /** Where this project's sessions may run: `local` and names under `hosts:`. */
  hosts: z.array(z.string().regex(NAME, { message: "expected a host name from hosts: (or local)" })).min(1).optional(),
});

/** An ssh destination: an alias from ssh's config, `host`, `user@host`, `user@host:port` or `[v6]:port`. */
const sshDestination = z
  .string()
  .regex(/^(?!-)[^\s'"`$;&|<>\\]+$/, { message: "expected an ssh destination such as build-1, ci@10.0.0.7 or ci@host:2222" });

const host = z.strictObject({
  /** Required for every host but `local`, which is this machine and takes only maxSessions. */
  ssh: sshDestination.optional(),
  maxSessions: z.number().int().min(1).max(1000).optional(),
  /** The project's clone on that host, by project id; without one, ao clones origin there on first use. */
  projects: z.record(z.string().regex(NAME), z.string().min(1)).optional(),
  /** Where ao keeps its files on that host (clones, worktrees, the agents' state); default ~/.ao-host. */
  root: z.string().regex(/^(~|~\/.*|\/.*)$/, { message: "expected an absolute path or one under ~/" }).optional(),
});

export const configSchema = z.strictObject({
  name: z.string().regex(NAME, { message: "expected a letter or digit first, then letters, digits, '.', '_' or '-'" }).optional(),
  defaults: z
    .strictObject({
      runtime: pluginNames.runtime.optional(),
      agent: pluginNames.agent.optional(),
      workspace: pluginNames.workspace.optional(),
      terminal: pluginNames.terminal.optional(),
      terminalCommand: z.string().min(1).optional(),
      agentCommand: z.string().min(1).optional(),
      mergeMethod: mergeMethod.optional(),
    })
    .optional(),
  github: z.strictObject({ baseUrl: z.url().optional() }).optional(),
  runtime: z.strictObject({ tmuxSocket: z.string().regex(NAME).optional(), sshConfig: z.string().min(1).optional() }).optional(),
  hosts: z.record(z.string().regex(NAME, { message: "expected a host name of letters, digits, '.', '_' or '-'" }), host).optional(),
  worktreeDir: z.string().min(1).optional(),
  stuckAfter: duration(1000, 576 * 3_600_000).optional(),
  readyThreshold: anyDuration.optional(),
  reactions: reactions.optional(),
  lifecycle: z.strictObject({ pollInterval: duration(POLL_MIN_MS, POLL_MAX_MS).optional() }).optional(),
  notifiers: z.array(notifier).optional(),
  projects: z.record(z.string().regex(NAME, { message: "expected a project id of letters, digits, '.', '_' or '-'" }), project).optional(),
});

export type RawConfig = z.infer<typeof configSchema>;
