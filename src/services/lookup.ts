import type { AppContext } from "../app.js";
import type { ProjectConfig } from "../config/types.js";
import { AoError, EXIT_USAGE } from "../core/errors.js";
import { compareIds } from "../core/format.js";
import { isSessionId } from "../core/ids.js";
import { tmuxSessionName } from "../core/names.js";
import { shownValue } from "../core/sanitize.js";
import { LOCAL_HOST } from "../core/placement.js";
import type { Metadata } from "../core/types.js";

export interface SessionRecord {
  id: string;
  meta: Metadata;
  project: ProjectConfig;
}

/** One session by id, with its project; an unknown id is bad input (exit 2) and lists the known ones. */
export async function getSession(ctx: AppContext, id: string): Promise<SessionRecord> {
  const meta = await readRecord(ctx, id);
  const project = ctx.config.projects.find((p) => p.id === meta.projectId);
  if (!project) throw new AoError(projectGone(ctx, id, meta)!, 1);
  // tmuxName= is hand-editable: acting on this session must never reach another one's agent.
  const own = tmuxSessionName(ctx.config.name, id);
  if (meta.tmuxName && meta.tmuxName !== own) {
    throw new AoError(`session ${id}: its record's tmuxName=${shownValue(meta.tmuxName)} is not ${own}, the tmux session ao made for it; set it back in its metadata`, 1);
  }
  return { id, meta, project };
}

/** A session's record by id, whatever the config now says of its project and host. */
export async function readRecord(ctx: AppContext, id: string): Promise<Metadata> {
  const known = async () => (await ctx.store.ids()).sort(compareIds);
  if (!isSessionId(id) || !(await known()).includes(id)) {
    const ids = await known();
    throw new AoError(`no session "${id}" in workspace ${ctx.config.name}; sessions: ${ids.length ? ids.join(", ") : "(none)"}`, EXIT_USAGE);
  }
  try {
    return await ctx.store.read(id);
  } catch (e) {
    // ao cannot tell what such a session made (its worktree, its tmux session): only a person can.
    throw new AoError(`session ${id}: cannot read its metadata: ${(e as Error).message}; look in ${ctx.store.dir(id)}, and remove that folder by hand once whatever it made is dealt with`, 1);
  }
}

/** Why ao cannot act on a session's project, which left the config; null while it is there. */
export function projectGone(ctx: AppContext, id: string, meta: Metadata): string | null {
  return ctx.config.projects.some((p) => p.id === meta.projectId) ? null : `session ${id} belongs to project "${meta.projectId ?? "?"}", which is not in the config`;
}

/** Why ao cannot reach the host a session runs on, which left the config (or was edited in); null while it is there. */
export function hostGone(ctx: AppContext, meta: Readonly<Record<string, string | undefined>>): string | null {
  // host= is hand-editable, and a host can leave the config while its sessions remain.
  if (!meta.host || meta.host === LOCAL_HOST || ctx.config.hosts.some((h) => h.name === meta.host)) return null;
  return `${meta.id ?? "this session"} runs on host "${meta.host}", which is not in the config (hosts: ${ctx.config.hosts.map((h) => h.name).join(", ")}); add it back under hosts: to act on it there`;
}
