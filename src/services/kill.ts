import { lstatSync, realpathSync } from "node:fs";
import path from "node:path";
import type { AppContext } from "../app.js";
import { PLAN_KEYS, spawnFailed, spawnUnfinished } from "../core/cleanup.js";
import { AoError } from "../core/errors.js";
import { sessionMark } from "../core/ids.js";
import { branchBack } from "../core/branch-gone.js";
import { inert } from "../core/sanitize.js";
import { lockHeld, withLock } from "../metadata/lock.js";
import { pathExists, removePath } from "../plugins/host/files.js";
import { killTree, markedProcesses, processesIn } from "../plugins/runtime/processes.js";
import { HostUnreachableError } from "../plugins/host/types.js";
import { TmuxMissing } from "../plugins/runtime/tmux.js";
import type { WorktreeStatus } from "../plugins/types.js";
import { getSession, hostGone, projectGone, readRecord } from "./lookup.js";
import { cloneDir, machine, sessionMachine, worktreeRoot, type Machine } from "./machines.js";

export interface KillOptions {
  force?: boolean;
  keepWorktree?: boolean;
  actor?: string;
  /**
   * The record as a plan saw it (cleanup): when any of its keys changed since (a restore, a new
   * PR), the plan is stale and nothing is killed.
   */
  seen?: Record<string, string>;
}

export interface KillResult {
  id: string;
  worktreeRemoved: boolean;
  /** What --force threw away. */
  discarded: WorktreeStatus | null;
  /** A recorded worktree ao left alone because it is not this session's, and why. */
  worktreeLeft?: string;
  /**
   * Processes still working in the worktree that ao did not start for the session (a person's
   * shell, editor, dev server): never ended by a kill, kept worktree or not.
   */
  leftRunning?: Array<{ pid: number; command: string }>;
}

export function describeWork(s: WorktreeStatus): string {
  const lines: string[] = [];
  if (s.branchGone !== undefined) {
    lines.push(`  its branch ${inert(s.branchGone)} is gone (deleted outside ao): the commits it held are on no branch now, so what removing the worktree would lose cannot be told`);
  }
  if (s.uncommitted.length) lines.push(`  uncommitted changes (${s.uncommitted.length}):`, ...s.uncommitted.slice(0, 20).map((l) => `    ${l}`));
  if (s.unpushed.length) lines.push(`  commits on no remote (${s.unpushed.length}):`, ...s.unpushed.slice(0, 20).map((l) => `    ${l}`));
  return lines.join("\n");
}

/** Work in a worktree that exists nowhere else, or null when there is none (or no worktree). */
export async function unsavedWork(ctx: AppContext, worktree: string | undefined, m: Machine = machine(ctx, undefined)): Promise<WorktreeStatus | null> {
  if (!worktree || !(await m.workspace.exists(worktree))) return null;
  // git runs where the worktree is: on another host, the check runs there.
  return unsaved(await m.workspace.status(worktree));
}

// A branch gone is work that cannot be told: it counts as unsaved, so nothing goes without --force.
const unsaved = (work: WorktreeStatus): WorktreeStatus | null => (work.uncommitted.length || work.unpushed.length || work.branchGone !== undefined ? work : null);

const realOr = (p: string): string => {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
};

/**
 * Why ao must not remove `worktree` for session `id`, or null when it may: only the folder
 * named for the session directly in ao's worktree folder, a real folder (not a link to one
 * elsewhere). `worktree=` is human-editable metadata, and a path edited to point at someone's
 * own checkout must never be deleted.
 */
export function foreignWorktree(ctx: AppContext, id: string, worktree: string): string | null {
  const expected = path.join(ctx.config.worktreeDir, id);
  if (path.resolve(worktree) !== path.resolve(expected)) return `${worktree} is not ${expected}, the folder ao made for ${id}`;
  try {
    if (lstatSync(expected).isSymbolicLink()) return `${expected} is a link to ${realOr(expected)}`;
  } catch {
    return null; // gone already: nothing to remove
  }
  if (path.dirname(realOr(expected)) !== realOr(ctx.config.worktreeDir)) return `${expected} resolves outside ${ctx.config.worktreeDir}`;
  return null;
}

/** The same check for a worktree on another host, in one script run there. */
export async function foreignWorktreeOn(ctx: AppContext, m: Machine, id: string, worktree: string): Promise<string | null> {
  if (!m.host.remote) return foreignWorktree(ctx, id, worktree);
  const dir = await worktreeRoot(ctx, m);
  const expected = path.posix.join(dir, id);
  if (path.posix.resolve(worktree) !== expected) return `${worktree} is not ${expected}, the folder ao made for ${id} on ${m.name}`;
  const r = await m.host.run("/bin/sh", ["-c", '[ -e "$1" ] || [ -L "$1" ] || { echo gone; exit 0; }; [ -L "$1" ] && { echo link; exit 0; }; cd -- "$1/.." && pwd -P', "sh", expected]);
  const said = r.stdout.trim();
  if (said === "gone") return null;
  if (said === "link") return `${m.name}:${expected} is a link`;
  if (said !== dir) return `${m.name}:${expected} resolves outside ${dir}`;
  return null;
}

/** The lock a kill of `id` holds while it runs: a restore then waits its turn rather than race it. */
export function killLockDir(ctx: AppContext, id: string): string {
  return path.join(ctx.store.dir(id), ".kill-lock");
}

/** Whether a kill of `id` runs now (its process alive), as against one cut short. */
export function killUnderWay(ctx: AppContext, id: string): boolean {
  return lockHeld(killLockDir(ctx, id));
}

/**
 * End a session: the agent's process tree, its tmux session, and its worktree, unless that holds
 * work that exists nowhere else (then refuse, and name it, unless forced). Metadata and the event
 * log stay. The intent is recorded before anything is destroyed, so a kill that cannot record
 * (read-only or full disk, a held lock) destroys nothing, and one cut short (a crash, SIGKILL)
 * shows as such and is finished by running it again: every step may be repeated.
 */
export async function killSession(ctx: AppContext, id: string, opts: KillOptions = {}): Promise<KillResult> {
  // An unknown id is said as such, before any lock is made for it.
  const meta = await readRecord(ctx, id);
  const gone = projectGone(ctx, id, meta) ?? hostGone(ctx, meta);
  if (gone) throw new ForgetInstead(`${gone}. If it is gone for good`, id);
  await getSession(ctx, id);
  // One kill of a session at a time; a second waits and finds it killed. A restore that finds
  // one under way refuses (it would report success and then see its agent ended).
  return withLock(killLockDir(ctx, id), () => killLocked(ctx, id, opts), { timeoutMs: 5 * 60_000 }).catch((e: unknown) => {
    // Without its host a kill can never finish: the way out is said where the kill fails.
    if (e instanceof HostUnreachableError) throw new ForgetInstead(`${id}: ${e.message}. Run the kill again once ${e.host} answers; if it is gone for good`, id);
    throw e;
  });
}

/**
 * A kill that cannot go through because ao cannot reach what it made (its host, its project):
 * the way out is to forget the session, said in the words of whoever asked (`why` reads on
 * "…, <how to forget it>").
 */
export class ForgetInstead extends AoError {
  constructor(
    readonly why: string,
    readonly id: string,
  ) {
    super(`${why}, retire the record without touching anything: ao session kill ${id} --forget`, 1);
  }
}

async function killLocked(ctx: AppContext, id: string, opts: KillOptions): Promise<KillResult> {
  const { meta, project } = await getSession(ctx, id);
  const actor = opts.actor ?? "cli";
  // A kill that kept the worktree is finished keeping it (cut short, run again); a session
  // killed with its worktree kept has it removed by a later kill without --keep-worktree
  // (with the same check for unsaved work): that was the only way on besides rm by hand.
  const keep = opts.keepWorktree === true || (meta.worktreeKept === "true" && meta.status !== "killed");
  const worktree = meta.worktree;
  const m = sessionMachine(ctx, meta);
  const repo = meta.hostRepo || (await cloneDir(ctx, m, project));
  const left = worktree ? await foreignWorktreeOn(ctx, m, id, worktree) : null;
  const removeWorktree = !keep && !left && !!worktree && (await m.workspace.exists(worktree));
  // Its existence was just checked: only its state is asked for (one round trip less on a host).
  const discarded = removeWorktree ? unsaved(await m.workspace.status(worktree)) : null;
  if (discarded && !opts.force) {
    const gone = discarded.branchGone;
    throw new AoError(
      gone !== undefined
        ? `${id}: its worktree ${worktree} cannot be checked for work that would be lost:\n${describeWork(discarded)}\n` +
            `Bring the branch back (${branchBack(worktree!, gone, discarded.branchGoneAt)}), keep the worktree with --keep-worktree, or discard it with --force.`
        : `${id}: its worktree ${worktree} holds work that would be lost:\n${describeWork(discarded)}\n` +
            `Commit and push it first, keep the worktree with --keep-worktree, or discard it with --force.`,
      1,
    );
  }
  const stale = (cur: Record<string, string>) => {
    const changed = opts.seen && PLAN_KEYS.find((k) => cur[k] !== opts.seen![k]);
    if (changed) throw new AoError(`${id} changed since the plan was made (${changed}: ${opts.seen![changed] ?? "(none)"} → ${cur[changed] ?? "(none)"}); not killed`, 1);
  };
  stale(meta);
  if (meta.status !== "killed" || meta.restoring) {
    // A tmux that cannot be run here (not installed, not on this PATH) failed the kill only after
    // its intent was recorded: an agent still at work then read "kill interrupted". Asked first,
    // the kill fails with nothing recorded. A host without tmux has no tmux session to end.
    if (meta.tmuxName) await m.runtime.exists(meta.tmuxName).catch((e: unknown) => { if (!(e instanceof TmuxMissing)) throw e; });
    await ctx.store.update(
      id,
      (cur) => (stale(cur), { killRequestedAt: cur.killRequestedAt ?? ctx.now().toISOString(), ...(keep ? { worktreeKept: "true" } : {}) }),
      actor,
      "kill-requested",
    );
    if (discarded) await ctx.store.appendEvent(id, { actor, kind: "work-discarded", ...discarded });
  }
  if (meta.tmuxName) await m.runtime.destroy(meta.tmuxName);
  // What ao started for the session may outlive its tmux session: an agent the tmux server no
  // longer reaches (its socket deleted), a helper it left running detached. Each carries the
  // session's mark from its start, and goes too, before the worktree does. Nothing unmarked
  // is ended, kept worktree or not: a shell, editor or dev server working in the worktree is the
  // person's (an editor's unsaved buffers are work no check of the worktree sees), and a
  // folder removed under them takes nothing more from them than the removal itself.
  const own = await markedProcesses(sessionMark(ctx.config.name, id), m.host);
  await killTree(own.map((p) => p.pid), 3000, m.host);
  const ended = new Set(own.map((p) => p.pid));
  const leftRunning = worktree && !left ? (await processesIn(worktree, m.host)).filter((p) => !ended.has(p.pid)) : [];
  if (removeWorktree) {
    await m.workspace.remove(repo, worktree).catch((e: Error) => {
      // git keeps a locked worktree against removal (git worktree lock): the person locked it.
      if (/locked working tree/i.test(e.message)) {
        throw new AoError(
          `${id}: its worktree ${worktree} is locked (git worktree lock), so it was left; its agent is stopped. Unlock it and kill again (git -C ${repo} worktree unlock ${worktree}), or keep it: ao session kill ${id} --keep-worktree`,
          1,
        );
      }
      throw e;
    });
  } else if (worktree && !keep && !left && !meta.killRequestedAt && !(await pathExists(m.host, worktree))) {
    // Its folder was deleted behind ao's back: git's entry for it goes too, or its branch reads
    // as checked out there and no new session can continue it.
    await m.workspace.remove(repo, worktree).catch(() => {});
  } else if (meta.killRequestedAt && worktree && !left && !keep && (await pathExists(m.host, worktree))) {
    // An earlier kill was cut short inside `git worktree remove`: what is left is no longer a
    // worktree git can check, and the person already chose to end it.
    await removePath(m.host, worktree);
    await m.workspace.remove(repo, worktree).catch(() => {});
  }
  // A spawn that never finished (it failed, or was cut short) made its branch for nothing: while
  // the branch holds no commit of its own it goes, and its name is free again. Only a branch the
  // spawn was seen to make (branchMadeAt), never one it continued or one someone else made.
  const unfinished = spawnUnfinished(meta) || spawnFailed(meta);
  if (unfinished && !keep && !left && meta.branch && meta.branchMadeAt && !meta.continues) {
    await m.workspace.deleteBranchIfAt(repo, meta.branch, meta.branchMadeAt).catch(() => false);
  }
  await ctx.store.update(
    id,
    // A kill that went through its intent is a new kill (a restore in flight compares killedAt);
    // running it again on a killed session changes nothing.
    // A reason left by `--forget` (what it left in place) no longer holds once a kill went through.
    (cur) => ({ status: "killed", killedAt: cur.killRequestedAt || !cur.killedAt ? ctx.now().toISOString() : cur.killedAt, killRequestedAt: null, restoring: null, killReason: null, ...(keep ? {} : { worktreeKept: null }) }),
    actor,
    "killed",
  );
  return { id, worktreeRemoved: removeWorktree, discarded, ...(left ? { worktreeLeft: left } : {}), ...(leftRunning.length ? { leftRunning } : {}) };
}
