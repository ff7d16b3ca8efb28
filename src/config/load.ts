import { existsSync, statSync, type Stats } from "node:fs";
import { readFile } from "node:fs/promises";
import { writeCacheFile } from "../metadata/private.js";
import path from "node:path";
import { AoError, EXIT_USAGE } from "../core/errors.js";
import { DEFAULT_MAX_SESSIONS, LOCAL_HOST } from "../core/placement.js";
import { aoHome, CONFIG_FILE_NAMES, homeDir } from "./paths.js";
import type { WorkspaceConfig } from "./types.js";

export interface LoadOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Which config file applies: `$AO_CONFIG_PATH`, else the nearest `agent-orchestrator.yaml` from
 * the current folder up, else `$AO_HOME/config.yaml`. null when there is none.
 */
export function findConfigFile(opts: LoadOptions = {}): string | null {
  const env = opts.env ?? process.env;
  const cwd = path.resolve(opts.cwd ?? process.cwd());
  if (env.AO_CONFIG_PATH) {
    const file = path.resolve(cwd, env.AO_CONFIG_PATH);
    if (!existsSync(file)) {
      throw new AoError(`AO_CONFIG_PATH is ${env.AO_CONFIG_PATH}, but there is no file there`, EXIT_USAGE);
    }
    return file;
  }
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    for (const name of CONFIG_FILE_NAMES) {
      const file = path.join(dir, name);
      if (existsSync(file)) return file;
    }
    if (path.dirname(dir) === dir) break;
  }
  const fallback = path.join(aoHome(env), "config.yaml");
  return existsSync(fallback) ? fallback : null;
}

/** The workspace a person gets with no config at all: no projects, named "default". */
export function emptyWorkspace(env: NodeJS.ProcessEnv = process.env): WorkspaceConfig {
  const home = aoHome(env);
  return {
    file: null,
    name: "default",
    defaults: { runtime: "tmux", agent: "claude-code", workspace: "worktree", terminal: "tmux" },
    github: { baseUrl: "https://api.github.com" },
    runtime: {},
    hosts: [{ name: LOCAL_HOST, ssh: null, maxSessions: DEFAULT_MAX_SESSIONS, projects: {}, root: "" }],
    worktreeDir: path.join(home, "worktrees", "default"),
    stuckAfterMs: 10 * 60_000,
    readyThresholdMs: 5 * 60_000,
    lifecycle: { pollIntervalMs: 30_000 },
    notifiers: [{ type: "desktop", priorities: ["urgent", "action", "info"] }],
    projects: [],
  };
}

// Bump when the parsed shape changes, or what a config may say narrows (8: ssh destinations that
// read as options, "Local"), so an old cache is never read as a new config.
const CACHE_VERSION = 8;

interface CacheEntry {
  v: number;
  key: string;
  config: WorkspaceConfig;
}

function cacheKey(file: string, st: Stats, env: NodeJS.ProcessEnv): string {
  return JSON.stringify([file, st.mtimeMs, st.size, homeDir(env), aoHome(env), process.platform]);
}

function cachePath(file: string, env: NodeJS.ProcessEnv): string {
  // FNV-1a: enough to name a cache file, and node:crypto costs start-up time to load.
  let h = 0x811c9dc5;
  for (let i = 0; i < file.length; i++) h = Math.imul(h ^ file.charCodeAt(i), 0x01000193) >>> 0;
  return path.join(aoHome(env), "cache", `config-${h.toString(16)}.json`);
}

/**
 * Load the workspace config. Parsing YAML and validating with zod costs more start-up time than
 * the rest of a headless command, so a validated copy is kept in AO_HOME/cache and reused while
 * the file's size and mtime are unchanged.
 */
export async function loadConfig(opts: LoadOptions = {}): Promise<WorkspaceConfig> {
  const env = opts.env ?? process.env;
  const file = findConfigFile(opts);
  if (!file) return emptyWorkspace(env);
  let st: Stats;
  try {
    st = statSync(file);
  } catch (e) {
    throw new AoError(`cannot read config ${file}: ${(e as Error).message}`, EXIT_USAGE);
  }
  const key = cacheKey(file, st, env);
  const cached = cachePath(file, env);
  try {
    const entry = JSON.parse(await readFile(cached, "utf8")) as CacheEntry;
    if (entry.v === CACHE_VERSION && entry.key === key) return entry.config;
  } catch {
    // No cache or a bad one: parse below.
  }
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new AoError(`cannot read config ${file}: ${(e as Error).message}`, EXIT_USAGE);
  }
  const { parseConfig } = await import("./parse.js");
  const config = parseConfig(text, { file, home: homeDir(env), aoHome: aoHome(env) });
  await writeCache(cached, { v: CACHE_VERSION, key, config });
  return config;
}

/**
 * Load the config parser (yaml and zod, some hundred modules) ahead of a first parse: the demo
 * does it while git builds its repositories, whose config no cache has seen yet.
 */
export function preloadConfigParser(): Promise<unknown> {
  return import("./parse.js");
}

async function writeCache(file: string, entry: CacheEntry): Promise<void> {
  // A read-only AO_HOME only costs start-up time.
  await writeCacheFile(file, JSON.stringify(entry));
}
