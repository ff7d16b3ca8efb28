import type { AppContext } from "../app.js";
import { AoError } from "../core/errors.js";
import { tmuxSessionName } from "../core/names.js";
import { LOCAL_HOST } from "../core/placement.js";
import { shellJoin } from "../core/shell.js";
import type { Metadata } from "../core/types.js";
import { lockHeld, withLock } from "../metadata/lock.js";
import { HostUnreachableError } from "../plugins/host/types.js";
import { TmuxMissing } from "../plugins/runtime/tmux.js";
import { killLockDir } from "./kill.js";
import { hostGone, projectGone, readRecord } from "./lookup.js";
import { machine } from "./machines.js";
import { restoreLockDir } from "./restore.js";

export interface ForgetResult {
  id: string;
  /** false: the session was killed already, and nothing changed. */
  forgotten: boolean;
  /** Where it ran (`local`: this machine). */
  host: string;
  /** What of it may be left there, untouched: its tmux session, and the worktree its record names. */
  tmuxName: string;
  worktree: string | null;
  /** Why ao could not end it itself, and what it left (the record's killReason=). */
  reason: string;
}

const ONLY_FOR = "--forget is only for a session ao cannot reach: its host gone from the config or not answering, or its project gone from the config";

/**
 * Retire a session ao can no longer end (its host is gone for good or never answers, or its
 * project left the config): its record is marked killed, saying what was left where, and nothing
 * is done anywhere else. ao never ends or removes anything here, and asks the host at most
 * whether it answers (one read-only tmux listing): a session ao can still end is refused and
 * pointed to the kill that ends it, and one it can see running is never forgotten.
 */
export async function forgetSession(ctx: AppContext, id: string, opts: { actor?: string } = {}): Promise<ForgetResult> {
  await readRecord(ctx, id); // an unknown id is said as such, before any lock is made for it
  // The kill's own lock: a forget and a kill of one session never run at once.
  return withLock(killLockDir(ctx, id), () => forgetLocked(ctx, id, opts.actor ?? "cli"), { timeoutMs: 5 * 60_000 });
}

async function forgetLocked(ctx: AppContext, id: string, actor: string): Promise<ForgetResult> {
  const meta = await readRecord(ctx, id);
  const host = meta.host || LOCAL_HOST;
  const tmuxName = tmuxSessionName(ctx.config.name, id);
  const base = { id, host, tmuxName, worktree: meta.worktree || null };
  if (meta.status === "killed" && !meta.restoring) return { ...base, forgotten: false, reason: meta.killReason || "killed already" };
  // A restore may be starting an agent this very moment: forgotten, it would run unseen.
  if (lockHeld(restoreLockDir(ctx, id))) throw new AoError(`${id}: a restore of it is under way; nothing was forgotten`, 1);
  const why = await whyForget(ctx, id, meta, host, tmuxName);
  const where = host === LOCAL_HOST ? "this machine" : `host ${host}`;
  const left = `nothing on ${where} was touched: its tmux session ${tmuxName}${base.worktree ? ` and its worktree ${base.worktree}` : ""} may still be there`;
  // What a kill would need before it can remove them, or only that the host answers.
  const needs = [why.kind === "host" ? `${host} back under hosts:` : null, projectGone(ctx, id, meta) ? `project "${meta.projectId ?? "?"}" back to the config` : null].filter((n) => n !== null);
  const then = needs.length ? `remove them by hand, or add ${needs.join(" and ")} and ao session kill ${id} removes them` : `once ${host} answers, ao session kill ${id} removes them`;
  const reason = `forgotten since ${why.text}; ${left}; ${then}`;
  const now = ctx.now().toISOString();
  await ctx.store.update(id, () => ({ status: "killed", killedAt: now, killReason: reason, killRequestedAt: null, restoring: null }), actor, "forgotten");
  return { ...base, forgotten: true, reason };
}

interface Why {
  kind: "host" | "unreachable" | "project";
  text: string;
}

/** Why ao may forget the session rather than kill it; throws, saying what to do instead, when it may not. */
async function whyForget(ctx: AppContext, id: string, meta: Metadata, host: string, tmuxName: string): Promise<Why> {
  // Nothing to ask: the config no longer says how to reach it.
  if (hostGone(ctx, meta)) return { kind: "host", text: `host "${host}" is not in the config` };
  const project = projectGone(ctx, id, meta) ? meta.projectId ?? "?" : null;
  const remote = host !== LOCAL_HOST;
  const killInstead = `ao session kill ${id} ends it (add --keep-worktree to keep its worktree)`;
  if (!remote && project === null) throw new AoError(`${id} runs on this machine, where ${killInstead}; ${ONLY_FOR}`, 1);
  const m = machine(ctx, meta.host);
  let alive: boolean;
  try {
    alive = (await m.runtime.listPanes()).some((p) => p.name === tmuxName && !p.dead);
  } catch (e) {
    if (e instanceof HostUnreachableError) return { kind: "unreachable", text: e.message };
    // A host without tmux answers, and runs no tmux session.
    if (!(e instanceof TmuxMissing)) throw new AoError(`${id}: could not look at its tmux session on ${remote ? host : "this machine"} (${(e as Error).message}); nothing was forgotten`, 1);
    alive = false;
  }
  if (project === null) {
    throw new AoError(`${id}: host ${host} answers${alive ? `, and its tmux session ${tmuxName} runs there` : ""}, so ${killInstead}; ${ONLY_FOR}`, 1);
  }
  if (alive) {
    // ao cannot end it (no project to act for), and forgotten it would run on unseen.
    const socket = ctx.env.AO_TMUX_SOCKET || ctx.config.runtime.tmuxSocket;
    const end = shellJoin(["tmux", ...(socket ? ["-L", socket] : []), "kill-session", "-t", `=${tmuxName}`]);
    throw new AoError(
      `${id}: its project "${project}" is not in the config, but its tmux session ${tmuxName} runs on ${remote ? host : "this machine"}, and ao does not lose sight of a running agent. ` +
        `Add the project back and kill it (ao session kill ${id}), or end it yourself (${end}${remote ? ` on ${host}` : ""}) and forget it then`,
      1,
    );
  }
  return { kind: "project", text: `project "${project}" is not in the config` };
}
