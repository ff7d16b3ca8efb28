import { mkdir, stat } from "node:fs/promises";
import path from "node:path";
import type { AppContext } from "../app.js";
import type { ProjectConfig } from "../config/types.js";
import { AoError, EXIT_USAGE } from "../core/errors.js";
import { LOCAL_HOST, placeSession } from "../core/placement.js";
import { withLock } from "../metadata/lock.js";
import { remoteUrl } from "../plugins/git.js";
import { pathExists, resolveDir } from "../plugins/host/files.js";
import { loads, probeHosts } from "./hosts.js";
import { cloneDir, type Machine } from "./machines.js";

/**
 * The host a new session of `project` runs on: the one asked for (it must be one of the
 * project's hosts), or the project's host with the most free places among those that answer.
 * `why` is said to the person whenever ao chose among several.
 */
export async function chooseHost(ctx: AppContext, project: ProjectConfig, asked?: string): Promise<{ host: string; why: string | null }> {
  if (asked !== undefined) {
    if (!ctx.config.hosts.some((h) => h.name === asked)) {
      throw new AoError(`unknown host "${asked}"; hosts: ${ctx.config.hosts.map((h) => h.name).join(", ")}`, EXIT_USAGE);
    }
    if (!project.hosts.includes(asked)) {
      throw new AoError(`project ${project.id} does not run on ${asked}; its hosts: ${project.hosts.join(", ")} (projects.${project.id}.hosts)`, EXIT_USAGE);
    }
    return { host: asked, why: null };
  }
  if (project.hosts.length === 1 && project.hosts[0] === LOCAL_HOST) return { host: LOCAL_HOST, why: null };
  const reports = await probeHosts(ctx, { names: project.hosts, timeoutMs: 8000 });
  // In the project's order: a tie goes to the host it lists first.
  const ordered = project.hosts.map((n) => reports.find((r) => r.name === n)!).filter(Boolean);
  const placed = placeSession(loads(ordered));
  if (placed.host === null) throw new AoError(`no host can take a session of ${project.id}: ${placed.why}`, 1);
  return { host: placed.host, why: placed.why };
}

/** What a path like `~/src/api` is there, without making it. */
async function absoluteThere(m: Machine, dir: string): Promise<string> {
  if (!dir.startsWith("~")) return dir;
  const home = await resolveDir(m.host, "~");
  return path.posix.join(home, dir.slice(1));
}

/** How long a clone there waits on another's at most (its own git clone as long again), and when a lock there is a dead one's. */
const CLONE_WAIT_S = 15 * 60;
const CLONE_STALE_MIN = 20;

/**
 * Make ao's clone on a host, taking turns there with any other ao that shares the host's folder
 * (ao on another machine): `mkdir <repo>.lock` there is the lock, and a lock older than any clone
 * may take was left by one that died. The clone is made in a folder of its own and renamed into
 * place, so a clone cut short never passes for a whole one and two never write one folder.
 * Exit 0: the clone is there (made now, or by another); 3: git failed; 4: waited too long.
 */
const CLONE_THERE = [
  'repo=$1 origin=$2 tmp="$1.partial-$3" lock="$1.lock" stale=$4 waits=$5',
  'mkdir -p -- "$(dirname -- "$repo")" || exit 1',
  // Partial clones of runs that were killed, old enough to be nobody's now.
  'find "$(dirname -- "$repo")" -maxdepth 1 -name "$(basename -- "$repo").partial-*" -mmin +"$stale" -exec rm -rf -- {} + 2>/dev/null',
  "while :; do",
  '  [ -e "$repo/.git" ] && exit 0',
  '  mkdir -- "$lock" 2>/dev/null && break',
  '  if [ -n "$(find "$lock" -maxdepth 0 -mmin +"$stale" 2>/dev/null)" ]; then rm -rf -- "$lock"; continue; fi',
  '  waits=$((waits - 1)); [ "$waits" -gt 0 ] || exit 4',
  "  sleep 1",
  "done",
  'trap \'rm -rf -- "$tmp"; rmdir -- "$lock" 2>/dev/null\' EXIT',
  '[ -e "$repo/.git" ] && exit 0',
  // A rename onto a folder would put the clone inside it.
  'if [ -e "$repo" ]; then echo "$repo is there but is not a git clone; move it away" >&2; exit 5; fi',
  'git clone --quiet -- "$origin" "$tmp" || exit 3',
  // The lock is held throughout: nothing else makes $repo meanwhile.
  'mv -- "$tmp" "$repo"',
].join("\n");

/**
 * The project's `path` (its clone on this machine) is there: a path gone (moved, mistyped) is
 * said as such and named, before anything is recorded. It read as git's "command not found"
 * (a process cannot start in a folder that is not there) or as "not a git clone".
 */
export async function requireProjectPath(project: ProjectConfig): Promise<void> {
  const gone = await stat(project.path).then(
    () => false,
    (e: NodeJS.ErrnoException) => e.code === "ENOENT" || e.code === "ENOTDIR",
  );
  if (gone) throw new AoError(`project ${project.id}: its path ${project.path} does not exist; set projects.${project.id}.path in the config to its clone`, EXIT_USAGE);
}

/**
 * The project's clone on `m`: the one the host's config maps it to, or ao's own clone of the
 * project's origin, made on first use (and said). Spawns at once take turns on making it.
 */
export async function ensureClone(ctx: AppContext, m: Machine, project: ProjectConfig, say?: (text: string) => void): Promise<string> {
  if (!m.host.remote) return project.path;
  const mapped = ctx.config.hosts.find((h) => h.name === m.name)?.projects[project.id];
  const repo = await cloneDir(ctx, m, project);
  if (mapped) {
    const dir = await absoluteThere(m, mapped);
    if (!(await pathExists(m.host, path.posix.join(dir, ".git")))) {
      throw new AoError(`hosts.${m.name}.projects.${project.id}: ${mapped} is not a git clone on ${m.name}`, EXIT_USAGE);
    }
    return dir;
  }
  if (await pathExists(m.host, path.posix.join(repo, ".git"))) return repo;
  await requireProjectPath(project);
  const origin = await remoteUrl(project.path);
  if (!origin) {
    throw new AoError(`project ${project.id}: ${project.path} has no origin to clone on ${m.name}; map a clone there with hosts.${m.name}.projects.${project.id}`, EXIT_USAGE);
  }
  await mkdir(path.join(ctx.aoHome, "locks"), { recursive: true, mode: 0o700 });
  await withLock(path.join(ctx.aoHome, "locks", `clone-${m.name}-${project.id}.lock`), async () => {
    if (await pathExists(m.host, path.posix.join(repo, ".git"))) return;
    say?.(`cloning ${origin} into ${m.name}:${repo} (first session of ${project.id} there)`);
    const tag = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const r = await m.host.run("/bin/sh", ["-c", CLONE_THERE, "sh", repo, origin, tag, String(CLONE_STALE_MIN), String(CLONE_WAIT_S)], { timeoutMs: (2 * CLONE_WAIT_S + 60) * 1000 });
    if (r.exitCode === 4) throw new AoError(`cloning on ${m.name}: another clone of ${project.id} there (by ao on another machine?) held ${repo}.lock for ${CLONE_WAIT_S / 60} minutes`, 1);
    if (r.exitCode !== 0) throw new AoError(`cloning ${origin} on ${m.name} failed: ${r.stderr.trim().split("\n").slice(-2).join(" ")}`, 1);
  }, { timeoutMs: (2 * CLONE_WAIT_S + 120) * 1000 });
  return repo;
}
