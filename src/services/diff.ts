import { readFile } from "node:fs/promises";
import path from "node:path";
import type { AppContext } from "../app.js";
import { AoError } from "../core/errors.js";
import { addedFileDiff, parseUnifiedDiff, type DiffFile } from "../core/diff.js";
import type { Host } from "../plugins/host/types.js";
import { getSession } from "./lookup.js";
import { sessionMachine } from "./machines.js";

export interface SessionDiff {
  /** What the diff is against, for the title: `origin/main (a1b2c3d)`. */
  base: string;
  files: DiffFile[];
}

const GIT_TIMEOUT_MS = 30_000;
/** Untracked files larger than this show as a line saying so, not their text. */
const MAX_UNTRACKED_BYTES = 512 * 1024;

async function git(host: Host, cwd: string, args: string[]): Promise<string> {
  const r = await host.run("git", args, { cwd, timeoutMs: GIT_TIMEOUT_MS });
  if (r.exitCode !== 0) throw new AoError(`git ${args[0]}: ${r.stderr.trim().split("\n").pop() || `exit ${r.exitCode}`}`, 1);
  return r.stdout;
}

/** A new file's bytes (up to one past the limit, which is enough to say it is too large). */
async function readUntracked(host: Host, file: string): Promise<Buffer | null> {
  if (!host.remote) return readFile(file).catch(() => null);
  const r = await host.run("head", ["-c", String(MAX_UNTRACKED_BYTES + 1), "--", file], { timeoutMs: GIT_TIMEOUT_MS });
  return r.exitCode === 0 ? Buffer.from(r.stdout, "utf8") : null;
}

/**
 * What a session changed against the base it branched from: the merge base of its HEAD and the
 * project's default branch on the remote, to the worktree as it is now (committed, staged, not
 * staged) plus files git does not track yet. Reads only: no index or worktree change.
 */
export async function diffSession(ctx: AppContext, id: string): Promise<SessionDiff> {
  const { meta, project } = await getSession(ctx, id);
  const wt = meta.worktree;
  // git runs where the worktree is: on another host, there.
  const m = sessionMachine(ctx, meta);
  if (!wt || !(await m.workspace.exists(wt))) throw new AoError(`session ${id} has no worktree to compare`, 1);
  const remoteBase = `origin/${project.defaultBranch}`;
  const base = (await git(m.host, wt, ["merge-base", "HEAD", remoteBase]).catch(() => "")).trim() || remoteBase;
  // --no-ext-diff and --no-color: the user's own git config must not change what is parsed.
  const patch = await git(m.host, wt, ["-c", "core.quotePath=false", "diff", "--no-color", "--no-ext-diff", "-M", base, "--"]);
  const files = parseUnifiedDiff(patch);
  const untracked = (await git(m.host, wt, ["ls-files", "--others", "--exclude-standard", "-z"])).split("\0").filter(Boolean);
  for (const rel of untracked) {
    const buf = await readUntracked(m.host, path.join(wt, rel));
    if (buf === null) continue;
    if (buf.length > MAX_UNTRACKED_BYTES) {
      files.push({ path: rel, change: "added", added: 0, removed: 0, lines: [{ kind: "meta", text: `new file, ${m.host.remote ? `over ${MAX_UNTRACKED_BYTES}` : buf.length} bytes (too large to show)` }] });
      continue;
    }
    files.push(addedFileDiff(rel, buf.includes(0) ? null : buf.toString("utf8")));
  }
  files.sort((a, b) => a.path.localeCompare(b.path));
  return { base: `${remoteBase} (${base.slice(0, 7)})`, files };
}
