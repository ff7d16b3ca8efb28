import type { AppContext } from "../app.js";
import { AoError } from "../core/errors.js";
import { tmuxSessionName } from "../core/names.js";
import { getSession } from "./lookup.js";
import { agentEnv, waitForAgent } from "./spawn.js";

export interface RestoreResult {
  id: string;
  worktree: string;
  branch: string;
  tmuxName: string;
  attach: string;
}

/**
 * Bring back a session whose tmux is gone (crash, reboot, `kill --keep-worktree`) while its
 * worktree remains: a new tmux session there, the agent started with its resume command.
 */
export async function restoreSession(ctx: AppContext, id: string, actor = "cli"): Promise<RestoreResult> {
  const { meta, project } = await getSession(ctx, id);
  if (meta.status === "merged") throw new AoError(`${id}: its PR is merged; there is nothing to restore`, 1);
  const tmuxName = meta.tmuxName || tmuxSessionName(ctx.config.name, id);
  const pane = (await ctx.runtime.listPanes()).find((p) => p.name === tmuxName);
  if (pane && !pane.dead) throw new AoError(`${id}: session is alive; attach with: ao attach ${id}`, 1);
  const worktree = meta.worktree;
  const branch = meta.branch ?? "";
  if (!worktree || !(await ctx.workspace.exists(worktree))) {
    const branchLeft = branch && (await ctx.workspace.branchExists(project.path, branch));
    throw new AoError(
      `${id}: its worktree ${worktree ?? "(none recorded)"} is gone, so there is nothing to resume in.` +
        (branchLeft ? ` Its branch ${branch} still exists: ao spawn ${project.id} --branch <new-name> starts fresh, or check it out by hand.` : branch ? ` Its branch ${branch} is gone too.` : ""),
      1,
    );
  }
  if (branch && !(await ctx.workspace.branchExists(project.path, branch))) {
    throw new AoError(`${id}: its branch ${branch} no longer exists in ${project.path}`, 1);
  }
  const agent = ctx.agent(meta.agent ?? project.agent);
  // A dead pane left by remain-on-exit still holds the name: clear it first.
  if (pane) await ctx.runtime.destroy(tmuxName);
  const command = agent.resumeCommand({
    skipPermissions: meta.permissions === "skip",
    ...(project.agentCommand ? { agentCommand: project.agentCommand } : {}),
  });
  await ctx.runtime.create({ name: tmuxName, cwd: worktree, command, env: agentEnv(ctx, id, agent), stateDir: ctx.store.dir(id) });
  await waitForAgent(ctx, tmuxName);
  const now = ctx.now().toISOString();
  await ctx.store.update(id, () => ({ status: "working", restoredAt: now, lastActivityAt: now, errorReason: null, killedAt: null, worktreeKept: null, tmuxName }), actor, "restored");
  return { id, worktree, branch, tmuxName, attach: ctx.runtime.attachArgv(tmuxName, false).join(" ") };
}
