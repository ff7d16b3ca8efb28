import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { run, type RunResult } from "../../exec.js";
import type { WorkspacePlugin, WorktreeStatus } from "../types.js";

async function git(cwd: string, args: string[]): Promise<RunResult> {
  return run("git", args, { cwd });
}

async function gitOk(cwd: string, args: string[]): Promise<string> {
  const r = await git(cwd, args);
  if (r.exitCode !== 0) throw new Error(`git ${args[0]}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
  return r.stdout;
}

/** Whether git accepts `name` as a branch name (`git check-ref-format --branch`). */
export async function isValidBranch(name: string): Promise<boolean> {
  if (name.startsWith("-")) return false;
  const r = await run("git", ["check-ref-format", "--branch", name]);
  return r.exitCode === 0;
}

/** Paths of the initialised submodules of a checkout, nested ones included. */
async function submodules(worktree: string): Promise<string[]> {
  if (!existsSync(path.join(worktree, ".gitmodules"))) return [];
  const out = await gitOk(worktree, ["submodule", "status", "--recursive"]);
  const paths: string[] = [];
  for (const line of out.split("\n")) {
    // "<flag><sha> <path>[ (<describe>)]"; "-" marks one that was never checked out here.
    const m = /^([ +U-])[0-9a-f]+ (.+?)(?: \(.*\))?$/.exec(line);
    if (m && m[1] !== "-" && m[2]) paths.push(m[2]);
  }
  return paths;
}

/** A git worktree per session, on its own branch, beside the project's clone. */
export class WorktreeWorkspace implements WorkspacePlugin {
  readonly name = "worktree";

  async create(opts: { repoPath: string; worktree: string; branch: string; base: string; remoteBranch: string }): Promise<void> {
    // Fetch first so the branch starts from what the remote has now; offline, the last fetched
    // state still makes a good base, so a failed fetch is not fatal.
    await git(opts.repoPath, ["fetch", "--quiet", "origin", opts.remoteBranch]);
    await mkdir(path.dirname(opts.worktree), { recursive: true });
    await gitOk(opts.repoPath, ["worktree", "add", "--quiet", "-b", opts.branch, opts.worktree, opts.base]);
  }

  async exists(worktree: string): Promise<boolean> {
    return existsSync(path.join(worktree, ".git"));
  }

  async branchExists(repoPath: string, branch: string): Promise<boolean> {
    const r = await git(repoPath, ["rev-parse", "--verify", "--quiet", `refs/heads/${branch}`]);
    return r.exitCode === 0;
  }

  async status(worktree: string): Promise<WorktreeStatus> {
    const [porcelain, unpushed] = await Promise.all([
      gitOk(worktree, ["status", "--porcelain=v1", "--untracked-files=all"]),
      gitOk(worktree, ["log", "--oneline", "--no-decorate", "HEAD", "--not", "--remotes"]),
    ]);
    const lines = (s: string) => s.split("\n").filter((l) => l.trim() !== "");
    const out = { uncommitted: lines(porcelain), unpushed: lines(unpushed) };
    // A submodule's commit can exist only here while the superproject's pointer to it is
    // committed and pushed: the superproject looks clean, and removing the worktree loses it.
    for (const sub of await submodules(worktree)) {
      const dir = path.join(worktree, sub);
      const [subPorcelain, subUnpushed] = await Promise.all([
        gitOk(dir, ["status", "--porcelain=v1", "--untracked-files=all"]),
        gitOk(dir, ["log", "--oneline", "--no-decorate", "HEAD", "--not", "--remotes"]),
      ]);
      out.uncommitted.push(...lines(subPorcelain).map((l) => `${l.slice(0, 3)}${sub}/${l.slice(3)}`));
      out.unpushed.push(...lines(subUnpushed).map((l) => `${sub}: ${l}`));
    }
    return out;
  }

  async remove(repoPath: string, worktree: string, opts: { deleteBranch?: string } = {}): Promise<void> {
    if (existsSync(worktree)) {
      // --force: the caller has already checked (or been told to ignore) uncommitted work.
      await gitOk(repoPath, ["worktree", "remove", "--force", worktree]);
    }
    await git(repoPath, ["worktree", "prune"]);
    if (opts.deleteBranch) await git(repoPath, ["branch", "-D", opts.deleteBranch]);
  }
}
