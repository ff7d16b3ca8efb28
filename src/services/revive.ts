import type { AppContext } from "../app.js";
import type { ProjectConfig } from "../config/types.js";
import type { Metadata } from "../core/types.js";
import { sessionMachine } from "./machines.js";

/**
 * The command that really brings a stopped session's work back, checked against what is left:
 * `restore` needs the worktree; without it, `spawn --branch` starts a new session on the old
 * branch; without either there is nothing to resume.
 */
export async function reviveHint(ctx: AppContext, id: string, meta: Metadata, project: ProjectConfig): Promise<string> {
  const m = sessionMachine(ctx, meta);
  if (meta.worktree && (await m.workspace.exists(meta.worktree).catch(() => false))) return `bring it back with: ao session restore ${id}`;
  const branch = meta.branch;
  if (branch && (await m.workspace.branchExists(meta.hostRepo || project.path, branch).catch(() => false))) {
    return `its worktree is gone; continue its branch in a new session with: ao spawn ${project.id} --branch ${branch}${m.host.remote ? ` --host ${m.name}` : ""}`;
  }
  return `its worktree${branch ? ` and branch ${branch} are` : " is"} gone; start afresh with: ao spawn ${project.id}`;
}
