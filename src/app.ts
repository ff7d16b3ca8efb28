import path from "node:path";
import { aoHome } from "./config/paths.js";
import { loadConfig } from "./config/load.js";
import type { ProjectConfig, WorkspaceConfig } from "./config/types.js";
import { AoError, EXIT_USAGE } from "./core/errors.js";
import { tightenHome } from "./metadata/private.js";
import { SessionStore } from "./metadata/store.js";
import { agentPlugin, AGENT_NAMES } from "./plugins/agent/index.js";
import { localHost } from "./plugins/host/local.js";
import { TmuxRuntime } from "./plugins/runtime/tmux.js";
import type { AgentPlugin, RuntimePlugin, WorkspacePlugin } from "./plugins/types.js";
import { WorktreeWorkspace } from "./plugins/workspace/worktree.js";
import { lookAheadPath, lookAheadWhen } from "./services/look-ahead.js";
import { PrFactsService } from "./services/pr-facts.js";
import { RuntimeFacts } from "./services/runtime-facts.js";

/** What every command and the dashboard work with: config, state, plugins. */
export interface AppContext {
  config: WorkspaceConfig;
  aoHome: string;
  store: SessionStore;
  env: NodeJS.ProcessEnv;
  now: () => Date;
  runtime: RuntimePlugin;
  workspace: WorkspacePlugin;
  runtimeFacts: RuntimeFacts;
  /** PR facts: cached for every process, refreshed from GitHub (octokit loads only then). */
  prFacts: PrFactsService;
  agent(name: string): AgentPlugin;
}

export interface AppOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
}

/** The composition root: config → store and plugins → what services use. */
export async function createApp(opts: AppOptions = {}): Promise<AppContext> {
  const env = opts.env ?? process.env;
  const config = await loadConfig({ env, ...(opts.cwd ? { cwd: opts.cwd } : {}) });
  const home = aoHome(env);
  tightenHome(home);
  const runtime = new TmuxRuntime(env.AO_TMUX_SOCKET || config.runtime.tmuxSocket);
  const ctx: AppContext = {
    config,
    aoHome: home,
    store: new SessionStore(home, config.name),
    env,
    now: opts.now ?? (() => new Date()),
    runtime,
    workspace: new WorktreeWorkspace(),
    // The config in use: `ao ui` and `ao watch` take an edit without a restart.
    runtimeFacts: new RuntimeFacts(runtime, path.join(home, "cache", `panes-${config.name}.json`), () => ctx.config.readyThresholdMs, localHost, undefined, {
      path: lookAheadPath(home),
      when: lookAheadWhen(env),
    }),
    prFacts: new PrFactsService({
      // Asked afresh each refresh: a token given or changed since (`gh auth login`) is used.
      scm: async () => (await import("./plugins/scm/github.js")).createGitHubScm(env, ctx.config.github.baseUrl),
      cacheFile: path.join(home, "cache", `prs-${config.name}.json`),
      now: () => (opts.now ?? (() => new Date()))().getTime(),
    }),
    agent(name: string): AgentPlugin {
      const a = agentPlugin(name);
      if (!a) throw new AoError(`unknown agent "${name}"; agents: ${AGENT_NAMES.join(", ")}`, EXIT_USAGE);
      return a;
    },
  };
  return ctx;
}

export type { ProjectConfig };
