import path from "node:path";
import { createApp, type AppContext } from "../../src/app.js";
import { git, makeRepo } from "./git.js";
import { makeWorkspace, type TestWorkspace } from "./workspace.js";

export interface GitSessions {
  ws: TestWorkspace;
  clone: string;
  origin: string;
  ctx: AppContext;
  /** A session record with a real worktree on its own branch from origin/main (no tmux). */
  addSession(id: string, extra?: Record<string, string>): Promise<string>;
  cleanup(): Promise<void>;
}

/** A workspace over a real clone with a bare origin, for services that read git only. */
export async function gitSessions(configExtra = "", env: NodeJS.ProcessEnv = {}): Promise<GitSessions> {
  const ws = await makeWorkspace("name: my-app\n");
  const { clone, origin } = await makeRepo(ws.root);
  const { writeFile } = await import("node:fs/promises");
  await writeFile(ws.configFile, `name: my-app\n${configExtra}projects:\n  frontend: { repo: org/app, path: ${JSON.stringify(clone)}, sessionPrefix: fe }\n`);
  const ctx = await createApp({ env: { ...ws.env, ...env } });
  return {
    ws,
    clone,
    origin,
    ctx,
    async addSession(id, extra = {}) {
      const wt = path.join(ws.root, "worktrees", id);
      const branch = `ao/${id}`;
      git(clone, "worktree", "add", "-q", "-b", branch, wt, "origin/main");
      await ws.seed(id, { projectId: "frontend", status: "working", branch, worktree: wt, createdAt: new Date().toISOString(), ...extra });
      return wt;
    },
    cleanup: () => ws.cleanup(),
  };
}
