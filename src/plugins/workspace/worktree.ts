import { mkdir } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { run, type RunResult } from "../../exec.js";
import { withLock } from "../../metadata/lock.js";
import { makeDir, pathExists, removePath } from "../host/files.js";
import { localHost } from "../host/local.js";
import type { Host } from "../host/types.js";
import type { WorkspacePlugin, WorktreeStatus } from "../types.js";

/**
 * git takes a lock file for each write (.git/config, a ref, the worktree list) and fails at
 * once when another git holds it: with many spawns at once on one clone, one of them loses.
 * Such a failure is retried, with a jittered backoff, until a deadline.
 */
const LOCK_BUSY = /could not lock config file|Unable to create '[^']*\.lock': File exists|cannot lock ref/i;
const LOCK_RETRY_MS = 15_000;

async function git(host: Host, cwd: string, args: string[]): Promise<RunResult> {
  const deadline = performance.now() + LOCK_RETRY_MS;
  for (let wait = 20; ; wait = Math.min(wait * 2, 500)) {
    // A fetch over a slow link may take minutes; one that takes longer has hung (an origin that
    // takes the connection and never answers held ao spawn for good).
    const r = await host.run("git", args, { cwd, timeoutMs: 10 * 60_000 });
    if (r.exitCode === 0 || !LOCK_BUSY.test(r.stderr) || performance.now() > deadline) return r;
    await sleep(wait + Math.random() * wait);
  }
}

async function gitOk(host: Host, cwd: string, args: string[]): Promise<string> {
  const r = await git(host, cwd, args);
  if (r.exitCode !== 0) throw new Error(`git ${args[0]}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
  return r.stdout;
}

/**
 * Whether `name` is a plain branch name: what `git check-ref-format --branch` accepts, taken
 * literally. `--branch` also expands `@` and `@{-1}` to another branch, and git would take
 * `refs/heads/main` as a branch called `refs/heads/main`: none of these mean what they say.
 */
export async function isValidBranch(name: string): Promise<boolean> {
  if (name === "" || name.startsWith("-") || name === "HEAD" || name === "@" || name.includes("@{") || name.startsWith("refs/")) return false;
  const r = await run("git", ["check-ref-format", "--branch", name], { cwd: "/" });
  return r.exitCode === 0 && r.stdout.trim() === name;
}

/** Paths of the initialised submodules of a checkout, nested ones included. */
async function submodules(host: Host, worktree: string): Promise<string[]> {
  if (!(await pathExists(host, path.join(worktree, ".gitmodules")))) return [];
  const out = await gitOk(host, worktree, ["submodule", "status", "--recursive"]);
  const paths: string[] = [];
  for (const line of out.split("\n")) {
    // "<flag><sha> <path>[ (<describe>)]"; "-" marks one that was never checked out here.
    const m = /^([ +U-])[0-9a-f]+ (.+?)(?: \(.*\))?$/.exec(line);
    if (m && m[1] !== "-" && m[2]) paths.push(m[2]);
  }
  return paths;
}

/**
 * A git worktree per session, on its own branch, beside the project's clone, on the host where
 * the session runs (git runs there; nothing assumes its filesystem is this one).
 */
export class WorktreeWorkspace implements WorkspacePlugin {
  readonly name = "worktree";

  /**
   * `lockRoot`: for another host, where on this machine the locks of its clones live (ao's own
   * processes, all here, take turns on them); a local clone's lock lives in its git folder.
   */
  constructor(
    private readonly host: Host = localHost,
    private readonly lockRoot?: string,
  ) {}

  /**
   * Run `fn` alone among ao's worktree changes to one clone. Two `git worktree add` at once on
   * one clone race inside git itself (one reads the other's half-made .git/worktrees entry:
   * "failed to read …/commondir"), so ao's own adds and removals take turns, across processes.
   */
  private async serialised<T>(repoPath: string, fn: () => Promise<T>): Promise<T> {
    if (this.host.remote && this.lockRoot) {
      await mkdir(this.lockRoot, { recursive: true, mode: 0o700 });
      return withLock(path.join(this.lockRoot, `${this.host.name}-${hashPath(repoPath)}.lock`), fn, { timeoutMs: 120_000 });
    }
    const r = await this.host.run("git", ["rev-parse", "--path-format=absolute", "--git-common-dir"], { cwd: repoPath });
    const common = r.stdout.trim();
    if (r.exitCode !== 0 || !common || this.host.remote) return fn();
    return withLock(path.join(common, "ao-worktrees.lock"), fn, { timeoutMs: 120_000 });
  }

  private git(cwd: string, args: string[]): Promise<RunResult> {
    return git(this.host, cwd, args);
  }

  private gitOk(cwd: string, args: string[]): Promise<string> {
    return gitOk(this.host, cwd, args);
  }

  async create(opts: { repoPath: string; worktree: string; branch: string; base: string; remoteBranch: string; reuse?: boolean }): Promise<void> {
    // A folder already there is someone's (another ao's session sharing worktreeDir, one whose
    // record was deleted): git would refuse it, and undoing a failed spawn must not remove it.
    if (await pathExists(this.host, opts.worktree)) {
      throw new Error(`${opts.worktree} already exists (another session's worktree?); ao neither uses nor removes a folder it did not make`);
    }
    await makeDir(this.host, path.dirname(opts.worktree));
    if (opts.reuse) {
      await this.serialised(opts.repoPath, async () => {
        // An entry whose folder is gone still holds the branch for git: pruned first.
        await this.git(opts.repoPath, ["worktree", "prune"]);
        await this.gitOk(opts.repoPath, ["worktree", "add", "--quiet", opts.worktree, opts.branch]);
      });
      return;
    }
    // Fetch first so the branch starts from what the remote has now; offline, the last fetched
    // state still makes a good base, so a failed fetch is not fatal.
    await this.git(opts.repoPath, ["fetch", "--quiet", "origin", opts.remoteBranch]);
    await this.serialised(opts.repoPath, () => this.addNew(opts));
  }

  private async addNew(opts: { repoPath: string; worktree: string; branch: string; base: string }): Promise<void> {
    const existed = await this.branchExists(opts.repoPath, opts.branch);
    try {
      // --no-track: the new branch is the agent's own, not a follower of the default branch,
      // and no .git/config write means no config lock for parallel spawns to fight over.
      await this.gitOk(opts.repoPath, ["worktree", "add", "--quiet", "--no-track", "-b", opts.branch, opts.worktree, opts.base]);
    } catch (e) {
      // git may have made the branch, or the folder, before it failed: neither is anyone's yet
      // (create checked that no folder was there).
      if (await pathExists(this.host, opts.worktree)) await this.git(opts.repoPath, ["worktree", "remove", "--force", opts.worktree]);
      await removePath(this.host, opts.worktree);
      await this.git(opts.repoPath, ["worktree", "prune"]);
      if (!existed && (await this.branchExists(opts.repoPath, opts.branch))) await this.git(opts.repoPath, ["branch", "-D", opts.branch]);
      throw e;
    }
  }

  async checkedOutAt(repoPath: string, branch: string): Promise<string[]> {
    const out = await this.gitOk(repoPath, ["worktree", "list", "--porcelain"]);
    // A worktree whose folder is gone (git marks it prunable) holds the branch for no one.
    const at: string[] = [];
    for (const block of out.split("\n\n")) {
      const lines = block.split("\n");
      const where = lines.find((l) => l.startsWith("worktree "))?.slice("worktree ".length);
      if (where !== undefined && lines.includes(`branch refs/heads/${branch}`) && !lines.some((l) => l.startsWith("prunable"))) at.push(where);
    }
    return at;
  }

  async exists(worktree: string): Promise<boolean> {
    return pathExists(this.host, path.join(worktree, ".git"));
  }

  async branchExists(repoPath: string, branch: string): Promise<boolean> {
    const r = await this.git(repoPath, ["rev-parse", "--verify", "--quiet", `refs/heads/${branch}`]);
    return r.exitCode === 0;
  }

  async status(worktree: string): Promise<WorktreeStatus> {
    const [porcelain, unpushed] = await Promise.all([
      this.gitOk(worktree, ["status", "--porcelain=v1", "--untracked-files=all"]),
      this.gitOk(worktree, ["log", "--oneline", "--no-decorate", "HEAD", "--not", "--remotes"]),
    ]);
    const lines = (s: string) => s.split("\n").filter((l) => l.trim() !== "");
    const out = { uncommitted: lines(porcelain), unpushed: lines(unpushed) };
    // A submodule's commit can exist only here while the superproject's pointer to it is
    // committed and pushed: the superproject looks clean, and removing the worktree loses it.
    for (const sub of await submodules(this.host, worktree)) {
      const dir = path.join(worktree, sub);
      const [subPorcelain, subUnpushed] = await Promise.all([
        this.gitOk(dir, ["status", "--porcelain=v1", "--untracked-files=all"]),
        this.gitOk(dir, ["log", "--oneline", "--no-decorate", "HEAD", "--not", "--remotes"]),
      ]);
      out.uncommitted.push(...lines(subPorcelain).map((l) => `${l.slice(0, 3)}${sub}/${l.slice(3)}`));
      out.unpushed.push(...lines(subUnpushed).map((l) => `${sub}: ${l}`));
    }
    return out;
  }

  async remove(repoPath: string, worktree: string, opts: { deleteBranch?: string } = {}): Promise<void> {
    await this.serialised(repoPath, async () => {
      if (await pathExists(this.host, worktree)) {
        // --force: the caller has already checked (or been told to ignore) uncommitted work.
        await this.gitOk(repoPath, ["worktree", "remove", "--force", worktree]);
      }
      await this.git(repoPath, ["worktree", "prune"]);
      if (opts.deleteBranch) await this.git(repoPath, ["branch", "-D", opts.deleteBranch]);
    });
  }
}

/** A short stable name for a path (FNV-1a), for lock files named after remote clones. */
function hashPath(p: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < p.length; i++) h = Math.imul(h ^ p.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16);
}
