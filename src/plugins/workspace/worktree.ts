import { mkdir } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fnv1a32 } from "../../core/fingerprint.js";
import { run, type RunResult } from "../../exec.js";
import { withLock } from "../../metadata/lock.js";
import { makeDir, pathExists, removePath } from "../host/files.js";
import { localHost } from "../host/local.js";
import type { Host } from "../host/types.js";
import { BranchTakenError, type WorkspacePlugin, type WorktreeStatus } from "../types.js";

/**
 * git takes a lock file for each write (.git/config, a ref, the worktree list) and fails at
 * once when another git holds it: with many spawns at once on one clone, one of them loses.
 * Such a failure is retried, with a jittered backoff, until a deadline.
 */
const LOCK_BUSY = /could not lock config file|Unable to create '[^']*\.lock': File exists|cannot lock ref/i;
/** A ref that is not where the caller expected (or not there at all) is no lock to wait out. */
const NOT_BUSY = /but expected|unable to resolve reference/i;
const LOCK_RETRY_MS = 15_000;

async function git(host: Host, cwd: string, args: string[]): Promise<RunResult> {
  const deadline = performance.now() + LOCK_RETRY_MS;
  for (let wait = 20; ; wait = Math.min(wait * 2, 500)) {
    // A fetch over a slow link may take minutes; one that takes longer has hung (an origin that
    // takes the connection and never answers held ao spawn for good).
    const r = await host.run("git", args, { cwd, timeoutMs: 10 * 60_000 });
    if (r.exitCode === 0 || !LOCK_BUSY.test(r.stderr) || NOT_BUSY.test(r.stderr) || performance.now() > deadline) return r;
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

  async create(opts: { repoPath: string; worktree: string; branch: string; base: string; remoteBranch: string; reuse?: boolean }): Promise<string | null> {
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
      return null;
    }
    // Fetch first so the branch starts from what the remote has now; offline, the last fetched
    // state still makes a good base, so a failed fetch is not fatal.
    await this.git(opts.repoPath, ["fetch", "--quiet", "origin", opts.remoteBranch]);
    return this.serialised(opts.repoPath, () => this.addNew(opts));
  }

  private async addNew(opts: { repoPath: string; worktree: string; branch: string; base: string }): Promise<string> {
    // The caller found the name free before this lock, and another ao sharing the clone may
    // have taken it since: that branch is theirs, never reused or reset.
    if (await this.branchExists(opts.repoPath, opts.branch)) throw new BranchTakenError(opts.branch);
    // Made at a commit named here, so what the branch holds of its own can be told later.
    const base = await this.git(opts.repoPath, ["rev-parse", "--verify", "--quiet", `${opts.base}^{commit}`]);
    const at = base.stdout.trim();
    if (base.exitCode !== 0 || !at) throw new Error(`${opts.base} is no commit in ${opts.repoPath} (has the clone fetched it from origin?)`);
    try {
      // --no-track: the new branch is the agent's own, not a follower of the default branch,
      // and no .git/config write means no config lock for parallel spawns to fight over.
      await this.gitOk(opts.repoPath, ["worktree", "add", "--quiet", "--no-track", "-b", opts.branch, opts.worktree, at]);
    } catch (e) {
      // git may have made the branch, or the folder, before it failed: neither is anyone's yet
      // (create checked that no folder was there).
      if (await pathExists(this.host, opts.worktree)) await this.git(opts.repoPath, ["worktree", "remove", "--force", opts.worktree]);
      await removePath(this.host, opts.worktree);
      await this.git(opts.repoPath, ["worktree", "prune"]);
      // Taken since the check above by a git outside ao (which takes no lock of ao's): not ours.
      if (/a branch named .* already exists/i.test((e as Error).message)) throw new BranchTakenError(opts.branch);
      await this.dropBranch(opts.repoPath, opts.branch, at);
      throw e;
    }
    return at;
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
    const [porcelain, log] = await Promise.all([
      this.gitOk(worktree, ["status", "--porcelain=v1", "--untracked-files=all"]),
      this.git(worktree, ["log", "--oneline", "--no-decorate", "HEAD", "--not", "--remotes"]),
    ]);
    if (log.exitCode !== 0) {
      // HEAD names a branch that is gone (deleted outside ao): every tracked file then reads as
      // newly added, and the commits the branch held are reachable from no branch.
      const gone = await this.git(worktree, ["symbolic-ref", "--quiet", "--short", "HEAD"]);
      const unborn = await this.git(worktree, ["rev-parse", "--verify", "--quiet", "HEAD"]);
      if (gone.exitCode === 0 && unborn.exitCode !== 0) {
        const at = await this.lastHeadCommit(worktree);
        return { uncommitted: [], unpushed: [], branchGone: gone.stdout.trim(), ...(at ? { branchGoneAt: at } : {}) };
      }
      throw new Error(`git log: ${log.stderr.trim() || `exit ${log.exitCode}`}`);
    }
    const lines = (s: string) => s.split("\n").filter((l) => l.trim() !== "");
    const out = { uncommitted: lines(porcelain), unpushed: lines(log.stdout) };
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

  /**
   * The commit a checkout's HEAD was last on, from its reflog file: with the branch gone, git's
   * own reflog commands refuse ("does not have any commits yet"), but the file still says.
   */
  private async lastHeadCommit(worktree: string): Promise<string | null> {
    const file = await this.git(worktree, ["rev-parse", "--path-format=absolute", "--git-path", "logs/HEAD"]);
    if (file.exitCode !== 0) return null;
    const last = await this.host.run("tail", ["-n", "1", "--", file.stdout.trim()]);
    const at = /^[0-9a-f]{40,64} ([0-9a-f]{40,64}) /.exec(last.stdout)?.[1];
    return last.exitCode === 0 && at && !/^0+$/.test(at) ? at : null;
  }

  async remove(repoPath: string, worktree: string): Promise<void> {
    await this.serialised(repoPath, async () => {
      if (await pathExists(this.host, worktree)) {
        // --force: the caller has already checked (or been told to ignore) uncommitted work.
        await this.gitOk(repoPath, ["worktree", "remove", "--force", worktree]);
      }
      await this.git(repoPath, ["worktree", "prune"]);
    });
  }

  deleteBranchIfAt(repoPath: string, branch: string, at: string): Promise<boolean> {
    return this.serialised(repoPath, () => this.dropBranch(repoPath, branch, at));
  }

  private async dropBranch(repoPath: string, branch: string, at: string): Promise<boolean> {
    // Asked first: update-ref's refusal ("cannot lock ref … is at … but expected …") reads as a
    // busy lock, and would be retried for seconds.
    const now = await this.git(repoPath, ["rev-parse", "--verify", "--quiet", `refs/heads/${branch}`]);
    if (now.exitCode !== 0 || now.stdout.trim() !== at) return false;
    if ((await this.checkedOutAt(repoPath, branch)).length) return false;
    // update-ref deletes only while the branch is at `at`, in one step: a commit made on it
    // meanwhile, or a branch of that name made anew, makes it refuse.
    const r = await this.git(repoPath, ["update-ref", "-d", `refs/heads/${branch}`, at]);
    return r.exitCode === 0;
  }
}

/** A short stable name for a path (FNV-1a), for lock files named after remote clones. */
const hashPath = (p: string): string => fnv1a32(p);
