import path from "node:path";
import type { AppContext } from "../app.js";
import { AoError } from "../core/errors.js";
import { spawnUnfinished } from "../core/cleanup.js";
import { inert } from "../core/sanitize.js";
import { shellJoin } from "../core/shell.js";
import { tmuxSessionName } from "../core/names.js";
import { sessionMark, sessionMarkKey } from "../core/ids.js";
import { monoStamp } from "../metadata/clock.js";
import { tryLock } from "../metadata/lock.js";
import { processesIn } from "../plugins/runtime/processes.js";
import { removeLaunchFiles } from "../plugins/runtime/tmux.js";
import { agentReport } from "../core/agent-events.js";
import { agentEventsPath, wireAgentHooks } from "./agent-events.js";
import { branchBack } from "../core/branch-gone.js";
import { foreignWorktreeOn, killUnderWay } from "./kill.js";
import { getSession } from "./lookup.js";
import { sessionMachine, sessionPlaces } from "./machines.js";
import { spawnerAlive } from "./sessions.js";
import { agentEnv } from "./spawn.js";
import { waitForAgent } from "./agent-start.js";

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
  await getSession(ctx, id);
  // Two restores at once would both find no agent and both start one.
  let lock = await tryLock(restoreLockDir(ctx, id));
  while (lock === "retry") lock = await tryLock(restoreLockDir(ctx, id));
  if (typeof lock !== "object") throw new AoError(`${id}: another restore of this session is under way`, 1);
  try {
    return await restoreUnlocked(ctx, id, actor);
  } finally {
    await lock.release();
  }
}

/** The lock a restore of `id` holds while it runs: cleanup leaves such a session alone. */
export function restoreLockDir(ctx: AppContext, id: string): string {
  return path.join(ctx.store.dir(id), ".restore-lock");
}

async function restoreUnlocked(ctx: AppContext, id: string, actor: string): Promise<RestoreResult> {
  const { meta, project } = await getSession(ctx, id);
  if (meta.status === "merged") throw new AoError(`${id}: its PR is merged; there is nothing to restore`, 1);
  // A kill under way (its intent on record, its process alive) wins: a restore now would
  // report success and then find its agent ended.
  if (meta.killRequestedAt && killUnderWay(ctx, id)) throw new AoError(`${id}: it is being killed; restore it once the kill is done`, 1);
  // A spawn that never finished started no agent, so there is no conversation to resume, and
  // its set-up (postCreate) and task may never have reached the worktree: a resumed agent there
  // would sit without its task in a half-made folder.
  if (spawnUnfinished(meta)) {
    if (spawnerAlive(meta) !== false) throw new AoError(`${id}: it is still being spawned; there is nothing to restore`, 1);
    throw new AoError(
      `${id}: its spawn never finished, so no agent ever had its task and there is nothing to resume. ` +
        `End it with: ao session kill ${id} (or ao session cleanup), then spawn it again`,
      1,
    );
  }
  const tmuxName = meta.tmuxName || tmuxSessionName(ctx.config.name, id);
  const m = sessionMachine(ctx, meta);
  const places = await sessionPlaces(ctx, m, project, id);
  const repo = meta.hostRepo || places.repo;
  // hostStateDir= is hand-editable: a restore writes there (the launch file, hook settings), so
  // only the folder ao keeps for this session will do.
  if (meta.hostStateDir && meta.hostStateDir !== places.stateDir) {
    throw new AoError(`${id}: its record's hostStateDir=${meta.hostStateDir} is not ${places.stateDir}, the folder ao keeps for ${id} on ${m.name}; set it back in its metadata to restore it`, 1);
  }
  const stateDir = places.stateDir;
  const pane = (await m.runtime.listPanes()).find((p) => p.name === tmuxName);
  if (pane && !pane.dead) throw new AoError(`${id}: session is alive; attach with: ao attach ${id}`, 1);
  const worktree = meta.worktree;
  const branch = meta.branch ?? "";
  // worktree= is hand-editable: an agent is started only in the folder ao made for this
  // session, never in whatever the record names (the user's own checkout).
  const foreign = worktree ? await foreignWorktreeOn(ctx, m, id, worktree) : null;
  if (foreign) throw new AoError(`${id}: its record's worktree=${inert(worktree!)} is not a folder ao made for it (${inert(foreign)}); ao starts an agent only in its own worktree. Set it back in its metadata to restore it`, 1);
  if (!worktree || !(await m.workspace.exists(worktree))) {
    const branchLeft = branch && (await m.workspace.branchExists(repo, branch));
    throw new AoError(
      `${id}: its worktree ${worktree ?? "(none recorded)"} is gone, so there is nothing to resume in.` +
        (branchLeft ? ` Its branch ${branch} still exists: continue it in a new session with: ao spawn ${project.id} --branch ${branch}${m.host.remote ? ` --host ${m.name}` : ""}` : branch ? ` Its branch ${branch} is gone too.` : ""),
      1,
    );
  }
  if (branch && !(await m.workspace.branchExists(repo, branch))) {
    const work = await m.workspace.status(worktree).catch(() => null);
    throw new AoError(
      `${id}: its branch ${inert(branch)} no longer exists in ${m.host.remote ? `${m.name}:` : ""}${repo} (deleted outside ao), so its worktree ${worktree} is on no commit and the commits the branch held are on no branch. ` +
        `To resume, bring the branch back (${branchBack(worktree, branch, work?.branchGone === branch ? work.branchGoneAt : undefined)}) and restore again`,
      1,
    );
  }
  // Never a second agent in one worktree: one may run there that tmux cannot show (its server's
  // socket deleted, or started by hand).
  const running = await processesIn(worktree, m.host);
  if (running.length) {
    const list = running.slice(0, 5).map((p) => `${p.pid} ${p.command.slice(0, 60)}`).join("; ");
    // A kill ends only what ao started for the session (its mark); anything else there is the person's.
    const mark = sessionMarkKey(ctx.config.name, id);
    const others = running.filter((p) => p.session !== mark).length;
    const way = [
      ...(others < running.length ? [`If its tmux server lost its socket, \`kill -USR1 <tmux server pid>\` makes it answer again; or end the session's own with: ao session kill ${id} --keep-worktree.`] : []),
      ...(others ? [`${others === running.length ? "ao started none of them" : `ao did not start ${others} of them`} (a shell or editor of yours, an agent started by hand), and a kill leaves such alone: end them or leave the folder, then restore again.`] : []),
    ];
    throw new AoError(
      `${id}: ${running.length} process${running.length === 1 ? "" : "es"} already run in ${worktree} (${list}), though tmux does not show the session. ` +
        `Starting another agent there would put two on one worktree. ${way.join(" ")}`,
      1,
    );
  }
  const agent = ctx.agent(meta.agent ?? project.agent);
  // A dead pane left by remain-on-exit still holds the name: clear it first.
  if (pane) await m.runtime.destroy(tmuxName);
  const env = agentEnv(ctx, id, agent, undefined, m.host.remote);
  const wiring = await wireAgentHooks(agent, stateDir, env, { host: m.host, hookScript: places.hookScript });
  // That very conversation: the id given at spawn, or the one the agent reported since.
  const log = agentEventsPath(stateDir);
  const events = wiring ? ((await m.facts.events.readMany([log])).get(log) ?? []) : [];
  const agentSessionId = meta.agentSessionId || agentReport(events, { promptPending: false })?.sessionId || undefined;
  const command = agent.resumeCommand({
    skipPermissions: meta.permissions === "skip",
    ...(project.agentCommand ? { agentCommand: project.agentCommand } : {}),
    ...(wiring ? { wiring } : {}),
    ...(agentSessionId ? { agentSessionId } : {}),
  });
  // On record before the agent starts: a kill from now on knows it has something to end, even
  // while the record still says killed.
  const started = await ctx.store.update(id, () => ({ restoring: ctx.now().toISOString() }), actor, "restoring");
  try {
    await m.runtime.create({ name: tmuxName, cwd: worktree, command, env: { ...env, ...wiring?.env }, stateDir, mark: sessionMark(ctx.config.name, id) });
    await waitForAgent(m.runtime, tmuxName, agent);
  } catch (e) {
    await removeLaunchFiles(stateDir, m.host);
    await ctx.store.update(id, (cur): Record<string, string | null> => (cur.restoring === started.restoring ? { restoring: null } : {}), actor, "restore-failed").catch(() => {});
    throw e;
  }
  const now = ctx.now().toISOString();
  // Compared with what the restore began from: a kill that landed while the agent started wins.
  let killed = false;
  const NOTHING: Record<string, string | null> = {};
  await ctx.store.update(
    id,
    (cur) => {
      killed = cur.restoring !== started.restoring || cur.killedAt !== started.killedAt || cur.killRequestedAt !== started.killRequestedAt;
      return killed ? NOTHING : { status: "spawning", agentStartedAt: now, restoredAt: now, lastActivityAt: now, lastActivityMono: monoStamp() ?? null, errorReason: null, statusCause: null, killedAt: null, killRequestedAt: null, killReason: null, worktreeKept: null, restoring: null, tmuxName };
    },
    actor,
    "restored",
  );
  if (killed) throw new AoError(`${id} was killed while it was being restored`, 1);
  // A command a person pastes: every word quoted for the shell (a socket or a path with a space,
  // `$(…)` or `;` in it is one word, never a second command).
  return { id, worktree, branch, tmuxName, attach: shellJoin(m.runtime.attachArgv(tmuxName, false)) };
}
