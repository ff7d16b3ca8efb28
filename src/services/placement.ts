import { mkdir } from "node:fs/promises";
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
  const origin = await remoteUrl(project.path);
  if (!origin) {
    throw new AoError(`project ${project.id}: ${project.path} has no origin to clone on ${m.name}; map a clone there with hosts.${m.name}.projects.${project.id}`, EXIT_USAGE);
  }
  await mkdir(path.join(ctx.aoHome, "locks"), { recursive: true, mode: 0o700 });
  await withLock(path.join(ctx.aoHome, "locks", `clone-${m.name}-${project.id}.lock`), async () => {
    if (await pathExists(m.host, path.posix.join(repo, ".git"))) return;
    say?.(`cloning ${origin} into ${m.name}:${repo} (first session of ${project.id} there)`);
    // Into a temporary folder first: a clone cut short never passes for a whole one.
    const tmp = `${repo}.partial`;
    await m.host.run("rm", ["-rf", "--", tmp]);
    await m.host.run("mkdir", ["-p", "--", path.posix.dirname(repo)]);
    const r = await m.host.run("git", ["clone", "--quiet", "--", origin, tmp], { timeoutMs: 15 * 60_000 });
    if (r.exitCode !== 0) {
      await m.host.run("rm", ["-rf", "--", tmp]).catch(() => undefined);
      throw new AoError(`cloning ${origin} on ${m.name} failed: ${r.stderr.trim().split("\n").slice(-2).join(" ")}`, 1);
    }
    const mv = await m.host.run("mv", ["--", tmp, repo]);
    if (mv.exitCode !== 0) throw new AoError(`cloning on ${m.name}: ${mv.stderr.trim()}`, 1);
  }, { timeoutMs: 16 * 60_000 });
  return repo;
}
