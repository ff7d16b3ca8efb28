import type { AppContext } from "../app.js";
import { AoError } from "../core/errors.js";
import type { WorktreeStatus } from "../plugins/types.js";
import { getSession } from "./lookup.js";

export interface KillOptions {
  force?: boolean;
  keepWorktree?: boolean;
  actor?: string;
}

export interface KillResult {
  id: string;
  worktreeRemoved: boolean;
  /** What --force threw away. */
  discarded: WorktreeStatus | null;
}

export function describeWork(s: WorktreeStatus): string {
  const lines: string[] = [];
  if (s.uncommitted.length) lines.push(`  uncommitted changes (${s.uncommitted.length}):`, ...s.uncommitted.slice(0, 20).map((l) => `    ${l}`));
  if (s.unpushed.length) lines.push(`  commits on no remote (${s.unpushed.length}):`, ...s.unpushed.slice(0, 20).map((l) => `    ${l}`));
  return lines.join("\n");
}

/** Work in a worktree that exists nowhere else, or null when there is none (or no worktree). */
export async function unsavedWork(ctx: AppContext, worktree: string | undefined): Promise<WorktreeStatus | null> {
  if (!worktree || !(await ctx.workspace.exists(worktree))) return null;
  const work = await ctx.workspace.status(worktree);
  return work.uncommitted.length || work.unpushed.length ? work : null;
}

/**
 * End a session: the agent's process tree, its tmux session, and its worktree, unless that holds
 * work that exists nowhere else (then refuse, and name it, unless forced). Metadata and the event
 * log stay.
 */
export async function killSession(ctx: AppContext, id: string, opts: KillOptions = {}): Promise<KillResult> {
  const { meta, project } = await getSession(ctx, id);
  const worktree = meta.worktree;
  const removeWorktree = !opts.keepWorktree && !!worktree && (await ctx.workspace.exists(worktree));
  const discarded = removeWorktree ? await unsavedWork(ctx, worktree) : null;
  if (discarded && !opts.force) {
    throw new AoError(
      `${id}: its worktree ${worktree} holds work that would be lost:\n${describeWork(discarded)}\n` +
        `Commit and push it first, keep the worktree with --keep-worktree, or discard it with --force.`,
      1,
    );
  }
  if (meta.tmuxName) await ctx.runtime.destroy(meta.tmuxName);
  if (removeWorktree) await ctx.workspace.remove(project.path, worktree);
  await ctx.store.update(
    id,
    () => ({ status: "killed", killedAt: ctx.now().toISOString(), ...(opts.keepWorktree ? { worktreeKept: "true" } : {}) }),
    opts.actor ?? "cli",
    "killed",
  );
  if (discarded) await ctx.store.appendEvent(id, { actor: opts.actor ?? "cli", kind: "work-discarded", ...discarded });
  return { id, worktreeRemoved: removeWorktree, discarded };
}
