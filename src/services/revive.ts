import type { AppContext } from "../app.js";
import type { ProjectConfig } from "../config/types.js";
import type { Metadata } from "../core/types.js";

/**
 * The command that really brings a stopped session's work back, checked against what is left:
 * `restore` needs the worktree; without it, `spawn --branch` starts a new session on the old
 * branch; without either there is nothing to resume.
 */
export async function reviveHint(ctx: AppContext, id: string, meta: Metadata, project: ProjectConfig): Promise<string> {
  if (meta.worktree && (await ctx.workspace.exists(meta.worktree))) return `bring it back with: ao session restore ${id}`;
  const branch = meta.branch;
  if (branch && (await ctx.workspace.branchExists(project.path, branch).catch(() => false))) {
    return `its worktree is gone; continue its branch in a new session with: ao spawn ${project.id} --branch ${branch}`;
  }
  return `its worktree${branch ? ` and branch ${branch}` : ""} are gone; start afresh with: ao spawn ${project.id}`;
}
