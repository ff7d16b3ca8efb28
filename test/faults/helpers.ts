// Shared pieces of the fault suite: child processes to race and kill, a workspace with a real
// clone, and owner lines for planted locks.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { AO_BIN, ROOT, requireBuild } from "../helpers/ao.js";
import { git, makeRepo } from "../helpers/git.js";
import { serializeMetadata } from "../../src/core/metadata-format.js";

export const LOCK_WORKER = path.join(ROOT, "test/faults/lock-worker.mjs");
export const SIM = path.join(ROOT, "demo/sim-agent.mjs");

export interface Child {
  proc: ChildProcess;
  out: () => string;
  err: () => string;
  done: Promise<number | null>;
}

export function start(file: string, args: string[], env: NodeJS.ProcessEnv = process.env): Child {
  requireBuild();
  const proc = spawn(process.execPath, [file, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  proc.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const done = new Promise<number | null>((resolve) => proc.on("close", (code) => resolve(code)));
  return { proc, out: () => out, err: () => err, done };
}

export const startAo = (args: string[], env: NodeJS.ProcessEnv): Child => start(AO_BIN, args, env);

/** The pid of a process that has exited: nothing runs under it now (for a while, at least). */
export function deadPid(): number {
  const r = spawnSync("sh", ["-c", "echo $$"], { encoding: "utf8" });
  return Number(r.stdout.trim());
}

/** Plant generation `n` of the lock folder `dir`, owned by `pid` with start time `start`. */
export async function plantLock(dir: string, pid: number, start: string, n = 1): Promise<void> {
  await mkdir(path.join(dir, `g${n}`), { recursive: true });
  await writeFile(path.join(dir, `g${n}`, "owner"), `${pid} ${start}\n`);
}

export interface FaultWorkspace {
  root: string;
  clone: string;
  origin: string;
  aoHome: string;
  env: NodeJS.ProcessEnv;
  sessionsDir: string;
  worktreeDir: string;
}

/** A temp root with a clone and bare origin, a config naming them, and env for a child `ao`. */
export async function faultWorkspace(name: string, opts: { socket: string; github?: string; extraConfig?: string; agentCommand?: string }): Promise<FaultWorkspace> {
  const root = await mkdtemp(path.join(tmpdir(), `ao-fault-${name}-`));
  const { clone, origin } = await makeRepo(root);
  const aoHome = path.join(root, "ao-home");
  await writeFile(
    path.join(root, "ao.yaml"),
    `name: ${name}\n` +
      (opts.github ? `github: { baseUrl: ${opts.github} }\n` : "") +
      (opts.extraConfig ?? "") +
      `projects:\n  frontend: { repo: org/app, path: ${JSON.stringify(clone)}, sessionPrefix: fe, agent: generic, agentCommand: ${JSON.stringify(opts.agentCommand ?? `node ${SIM}`)} }\n`,
  );
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: path.join(root, "home"),
    AO_HOME: aoHome,
    AO_CONFIG_PATH: path.join(root, "ao.yaml"),
    AO_TMUX_SOCKET: opts.socket,
    GITHUB_TOKEN: "fake-token",
    AO_SIM_THINK_MS: "200",
  };
  return { root, clone, origin, aoHome, env, sessionsDir: path.join(aoHome, "sessions", name), worktreeDir: path.join(aoHome, "worktrees", name) };
}

/**
 * A session of ao's own making, by hand: the next fe-N, its worktree on its branch, pushed; no
 * agent. `meta` adds to or overrides its record.
 */
export async function seedPushedSession(ws: FaultWorkspace, meta: Record<string, string> = {}): Promise<{ id: string; worktree: string; branch: string }> {
  const taken = existsSync(ws.sessionsDir) ? (await readdir(ws.sessionsDir)).map((d) => Number(/^fe-(\d+)$/.exec(d)?.[1] ?? 0)) : [];
  const id = `fe-${Math.max(0, ...taken) + 1}`;
  const branch = `ao/${id}`;
  const worktree = path.join(ws.worktreeDir, id);
  await mkdir(ws.worktreeDir, { recursive: true });
  git(ws.clone, "worktree", "add", "-q", "-b", branch, worktree, "main");
  git(worktree, "push", "-q", "-u", "origin", branch);
  const dir = path.join(ws.sessionsDir, id);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, "metadata"), serializeMetadata({ id, projectId: "frontend", status: "working", createdAt: new Date().toISOString(), branch, worktree, ...meta }));
  return { id, worktree, branch };
}
