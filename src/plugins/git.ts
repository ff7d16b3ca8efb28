import { run } from "../exec.js";

async function git(cwd: string, args: string[]): Promise<string | null> {
  const r = await run("git", args, { cwd });
  return r.exitCode === 0 ? r.stdout.trim() : null;
}

/** The top folder of the repository containing `dir`, or null outside one. */
export function repoRoot(dir: string): Promise<string | null> {
  return git(dir, ["rev-parse", "--show-toplevel"]);
}

export function remoteUrl(dir: string, remote = "origin"): Promise<string | null> {
  return git(dir, ["remote", "get-url", remote]);
}

/** The remote's default branch as this clone knows it (origin/HEAD), else the current branch. */
export async function defaultBranch(dir: string, remote = "origin"): Promise<string | null> {
  const head = await git(dir, ["symbolic-ref", "--quiet", "--short", `refs/remotes/${remote}/HEAD`]);
  if (head) return head.slice(remote.length + 1);
  return git(dir, ["symbolic-ref", "--quiet", "--short", "HEAD"]);
}
