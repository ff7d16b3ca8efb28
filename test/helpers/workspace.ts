import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach } from "vitest";
import { serializeMetadata } from "../../src/core/metadata-format.js";
import { privateTmux } from "./tmux.js";

export interface TestWorkspace {
  root: string;
  aoHome: string;
  configFile: string;
  name: string;
  /** Environment for a child `ao`: isolated HOME and AO_HOME, no colour unless asked. */
  env: NodeJS.ProcessEnv;
  seed(id: string, meta: Record<string, string>): Promise<string>;
  seedRaw(id: string, text: string): Promise<string>;
  cleanup(): Promise<void>;
}

export const DEFAULT_CONFIG = `name: my-app
projects:
  frontend: { repo: org/app, path: ~/code/app, sessionPrefix: fe, defaultBranch: main, name: Frontend }
  backend:  { repo: org/api, path: ~/code/api, sessionPrefix: api }
`;

/** A temp folder with a config file, its own HOME and AO_HOME; nothing touches the real ~. */
export async function makeWorkspace(config = DEFAULT_CONFIG, name = "my-app"): Promise<TestWorkspace> {
  const root = await mkdtemp(path.join(tmpdir(), "ao-test-"));
  const aoHome = path.join(root, "ao-home");
  const configFile = path.join(root, "agent-orchestrator.yaml");
  await writeFile(configFile, config);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: path.join(root, "home"),
    AO_HOME: aoHome,
    AO_CONFIG_PATH: configFile,
  };
  const seedRaw = async (id: string, text: string) => {
    const dir = path.join(aoHome, "sessions", name, id);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, "metadata"), text);
    return dir;
  };
  return {
    root,
    aoHome,
    configFile,
    name,
    env,
    seedRaw,
    seed: (id, meta) => seedRaw(id, serializeMetadata({ id, ...meta })),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** An ISO time `seconds` before `now`. */
export function ago(seconds: number, now = new Date()): string {
  return new Date(now.getTime() - seconds * 1000).toISOString();
}

/**
 * A private tmux server for a test file, killed after each test together with the test's
 * workspace (whatever `workspace()` then returns): the set-up of the service tests that look at
 * real panes. Cleaning a workspace twice is harmless (its folder is removed with force).
 */
export function tmuxPerTest(workspace: () => TestWorkspace | undefined): ReturnType<typeof privateTmux> {
  const tm = privateTmux();
  afterEach(async () => {
    tm.kill();
    await workspace()?.cleanup();
  });
  return tm;
}
