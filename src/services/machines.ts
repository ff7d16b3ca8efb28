import path from "node:path";
import type { AppContext } from "../app.js";
import type { ProjectConfig } from "../config/types.js";
import { LOCAL_HOST } from "../core/placement.js";
import { resolveDir } from "../plugins/host/files.js";
import { HostUnreachableError, type Host } from "../plugins/host/types.js";
import { AoError } from "../core/errors.js";
import { TmuxRuntime } from "../plugins/runtime/tmux.js";
import type { RuntimePlugin, WorkspacePlugin } from "../plugins/types.js";
import { WorktreeWorkspace } from "../plugins/workspace/worktree.js";
import { HostEventLogs, hookScript } from "./agent-events.js";
import { forgetHost, hostRunner } from "./hosts.js";
import { hostGone } from "./lookup.js";
import { RuntimeFacts } from "./runtime-facts.js";

/**
 * Where a session runs, with what runs there: the host, its tmux, its git worktrees and the
 * facts read from them. `local` is this machine and uses the context's own plugins; another host
 * gets the same plugins over its shared ssh connection. Metadata and event logs stay here.
 */
export interface Machine {
  name: string;
  host: Host;
  runtime: RuntimePlugin;
  workspace: WorkspacePlugin;
  facts: RuntimeFacts;
  /** ao's folder there, absolute (resolved, and made, on first use); AO_HOME here. */
  root(): Promise<string>;
}

type WithMachines = AppContext & { machines?: Map<string, Machine> };

export function machine(ctx: AppContext, name: string | undefined): Machine {
  const c = ctx as WithMachines;
  const key = name || LOCAL_HOST;
  c.machines ??= new Map();
  let m = c.machines.get(key);
  if (m) return m;
  if (key === LOCAL_HOST) {
    m = { name: key, host: hostRunner(ctx, key), runtime: ctx.runtime, workspace: ctx.workspace, facts: ctx.runtimeFacts, root: async () => ctx.aoHome };
  } else {
    const host = hostRunner(ctx, key);
    const cfg = ctx.config.hosts.find((h) => h.name === key)!;
    // The workspace's private tmux socket, when it has one, is private there too.
    const runtime = new TmuxRuntime(ctx.env.AO_TMUX_SOCKET || ctx.config.runtime.tmuxSocket, undefined, host);
    let root: Promise<string> | undefined;
    m = {
      name: key,
      host,
      runtime,
      workspace: new WorktreeWorkspace(host, path.join(ctx.aoHome, "locks")),
      facts: new RuntimeFacts(runtime, path.join(ctx.aoHome, "cache", `panes-${ctx.config.name}@${key}.json`), () => ctx.config.readyThresholdMs, host, new HostEventLogs(host)),
      root: () => {
        // A failed resolution (the host did not answer) is asked again next time.
        root ??= resolveDir(host, cfg.root).catch((e: unknown) => {
          root = undefined;
          if (e instanceof HostUnreachableError) throw e;
          throw new AoError(`cannot make ao's folder ${cfg.root} on ${key} (${(e as Error).message}); point hosts.${key}.root at a folder ao may write there`, 1);
        });
        return root;
      },
    };
  }
  c.machines.set(key, m);
  return m;
}

/**
 * Forget what was made for these hosts, so the next use makes it from the config now in use.
 * Whatever still runs on the old connection ends by itself (ssh keeps an unused master 60 s).
 */
export function forgetMachines(ctx: AppContext, names: readonly string[]): void {
  const c = ctx as WithMachines;
  for (const name of names) {
    c.machines?.delete(name);
    forgetHost(ctx, name);
  }
}

/** Sessions by the host they run on (`host=`; none is this machine's), in their order. */
export function sessionsByHost<S extends { meta?: Readonly<Record<string, string | undefined>> | null }>(sessions: readonly S[]): Map<string, S[]> {
  const byHost = new Map<string, S[]>();
  for (const s of sessions) {
    const h = s.meta?.host || LOCAL_HOST;
    const list = byHost.get(h);
    if (list) list.push(s);
    else byHost.set(h, [s]);
  }
  return byHost;
}

/** The machine a recorded session runs on (`host=` in its metadata; none is this one). */
export function sessionMachine(ctx: AppContext, meta: Record<string, string | undefined>): Machine {
  const gone = hostGone(ctx, meta);
  if (gone) throw new AoError(gone, 1);
  return machine(ctx, meta.host);
}

/** Where a session's files go on its machine: its state folder, its worktree, its project's clone. */
export interface SessionPlaces {
  stateDir: string;
  worktree: string;
  repo: string;
  hookScript: string;
}

/** The places of a new session on `m` (the clone there may not exist yet: see ensureClone). */
export async function sessionPlaces(ctx: AppContext, m: Machine, project: ProjectConfig, id: string): Promise<SessionPlaces> {
  if (!m.host.remote) {
    return { stateDir: ctx.store.dir(id), worktree: path.join(ctx.config.worktreeDir, id), repo: project.path, hookScript: hookScript() };
  }
  const root = await m.root();
  const ws = ctx.config.name;
  return {
    stateDir: path.posix.join(root, "sessions", ws, id),
    worktree: path.posix.join(root, "worktrees", ws, id),
    repo: await cloneDir(ctx, m, project),
    hookScript: path.posix.join(root, "bin", "ao-hook.sh"),
  };
}

/** Where the project's clone is on `m`: the one the host's config maps it to, or ao's own. */
export async function cloneDir(ctx: AppContext, m: Machine, project: ProjectConfig): Promise<string> {
  if (!m.host.remote) return project.path;
  return ctx.config.hosts.find((h) => h.name === m.name)?.projects[project.id] ?? path.posix.join(await m.root(), "clones", ctx.config.name, project.id);
}

/** Where ao's worktrees for this workspace live on `m` (a worktree elsewhere is not ao's to remove). */
export async function worktreeRoot(ctx: AppContext, m: Machine): Promise<string> {
  if (!m.host.remote) return ctx.config.worktreeDir;
  return path.posix.join(await m.root(), "worktrees", ctx.config.name);
}
