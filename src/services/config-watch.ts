import { stat } from "node:fs/promises";
import type { AppContext } from "../app.js";
import { loadConfig } from "../config/load.js";
import type { WorkspaceConfig } from "../config/types.js";
import { forgetMachines } from "./machines.js";

export interface ConfigCheck {
  /** The config in use was replaced by a newer one. */
  changed: boolean;
  /** Why the file on disk is not in use (where the error is); null when it is. */
  error: string | null;
}

/**
 * Watches the workspace's config file by its size and mtime (one stat per call, cheap enough
 * for every local refresh) and swaps a changed file's config into `ctx`, so projects, names
 * and reactions follow an edit without a restart. A broken edit keeps the config in use and
 * says where the error is. The workspace name and tmux socket pick the sessions and server
 * themselves, so a change to them asks for a restart instead.
 */
export function configWatcher(ctx: AppContext): () => Promise<ConfigCheck> {
  const file = ctx.config.file;
  const stamp = async () => {
    const st = await stat(file!).catch(() => null);
    return st ? `${st.mtimeMs}:${st.size}` : "missing";
  };
  let seen: Promise<string> | string = file ? stamp() : "";
  let error: string | null = null;
  return async () => {
    if (!file) return { changed: false, error: null };
    const now = await stamp();
    if (now === (await seen)) return { changed: false, error };
    seen = now;
    try {
      const next = await loadConfig({ env: { ...ctx.env, AO_CONFIG_PATH: file } });
      const restartFor = next.name !== ctx.config.name ? "name" : next.runtime.tmuxSocket !== ctx.config.runtime.tmuxSocket ? "runtime.tmuxSocket" : null;
      if (restartFor) {
        error = `${file}: ${restartFor} changed; restart ao ui or ao watch to use it`;
        return { changed: false, error };
      }
      const prev = ctx.config;
      ctx.config = next;
      error = null;
      // A host whose entry changed is reached anew: its cached connection and plugins were made
      // from the old entry (an address, a user, ao's folder there).
      forgetMachines(ctx, changedHosts(prev, next));
      for (const fn of [...listeners(ctx)]) fn();
      return { changed: true, error };
    } catch (e) {
      error = (e as Error).message;
      return { changed: false, error };
    }
  };
}

type WithConfigListeners = AppContext & { configListeners?: Set<() => void> };

function listeners(ctx: AppContext): Set<() => void> {
  const c = ctx as WithConfigListeners;
  return (c.configListeners ??= new Set());
}

/** Calls `fn` each time a config watcher puts a changed config into `ctx`; returns the unsubscribe. */
export function onConfigChange(ctx: AppContext, fn: () => void): () => void {
  listeners(ctx).add(fn);
  return () => void listeners(ctx).delete(fn);
}

/** The hosts of `prev` that `next` drops or describes otherwise (ssh's own config file counts for all). */
function changedHosts(prev: WorkspaceConfig, next: WorkspaceConfig): string[] {
  const all = prev.runtime.sshConfig !== next.runtime.sshConfig;
  return prev.hosts
    .filter((h) => {
      const now = next.hosts.find((n) => n.name === h.name);
      return all || !now || JSON.stringify(now) !== JSON.stringify(h);
    })
    .map((h) => h.name);
}
