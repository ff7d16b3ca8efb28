import { aoHome } from "./config/paths.js";
import { loadConfig } from "./config/load.js";
import type { WorkspaceConfig } from "./config/types.js";
import { SessionStore } from "./metadata/store.js";

/** What every command and the dashboard work with: the config, where state lives, the store. */
export interface AppContext {
  config: WorkspaceConfig;
  aoHome: string;
  store: SessionStore;
  env: NodeJS.ProcessEnv;
  now: () => Date;
}

export interface AppOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
}

/** The composition root: config → store (and, as they arrive, plugins) → services. */
export async function createApp(opts: AppOptions = {}): Promise<AppContext> {
  const env = opts.env ?? process.env;
  const config = await loadConfig({ env, ...(opts.cwd ? { cwd: opts.cwd } : {}) });
  const home = aoHome(env);
  return { config, aoHome: home, store: new SessionStore(home, config.name), env, now: opts.now ?? (() => new Date()) };
}
