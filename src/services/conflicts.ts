import { readFileSync, statSync } from "node:fs";
import { writeCacheFile } from "../metadata/private.js";
import { readSharedJson } from "../metadata/shared-json.js";
import path from "node:path";
import type { AppContext } from "../app.js";
import type { StoredSession } from "../metadata/store.js";
import { conflictPairs, parseMergeTree, type BranchTip, type Conflict } from "../core/conflicts.js";
import { spawnUnfinished } from "../core/cleanup.js";
import { run, type RunResult } from "../exec.js";
import type { ProjectConfig } from "../config/types.js";
import { LOCAL_HOST } from "../core/placement.js";
import { hostNotes, type Seen } from "./hosts.js";
import { cloneDir, sessionMachine, sessionsByHost, type Machine } from "./machines.js";

export interface ConflictSnapshot {
  checkedAt: string | null;
  /** Session id → what its branch would conflict with. */
  bySession: Record<string, Conflict[]>;
  /** Session id → the base tip its base check used (the conflict reaction's fingerprint). */
  baseTips: Record<string, string>;
  /** `shaA:shaB` → conflicted files ([] = clean): a pair of commits is only ever merged once. */
  pairs: Record<string, string[]>;
  /** Why a project could not be checked, per project id. */
  errors: Record<string, string>;
  /** When each project's base was last fetched. */
  fetchedAt: Record<string, string>;
  /** Per project: the refs' files as last seen on disk, and what git for-each-ref said of them. */
  refs?: Record<string, { stamp: string; out: string }>;
}

const GIT_TIMEOUT_MS = 30_000;
const FETCH_TIMEOUT_MS = 60_000;
/** A base is fetched at most this often unless the caller says otherwise: the slow cadence. */
export const FETCH_EVERY_MS = 60_000;
const empty = (): ConflictSnapshot => ({ checkedAt: null, bySession: {}, baseTips: {}, pairs: {}, errors: {}, fetchedAt: {} });
const cacheFile = (ctx: AppContext) => path.join(ctx.aoHome, "cache", `conflicts-${ctx.config.name}.json`);

/** The last check's result, without running git: what `ao session ls` and the table show. */
export async function cachedConflicts(ctx: AppContext): Promise<ConflictSnapshot> {
  try {
    return { ...empty(), ...((await readSharedJson(cacheFile(ctx))) as Partial<ConflictSnapshot>) };
  } catch {
    return empty();
  }
}

/** Whether two radar runs found the same: the same conflicts and the same projects unreadable. */
export function sameFindings(a: ConflictSnapshot, b: ConflictSnapshot): boolean {
  return JSON.stringify([a.bySession, a.errors]) === JSON.stringify([b.bySession, b.errors]);
}

/**
 * The repository's common git directory (where refs live), or null for a layout not read here.
 * Synchronous: a stat and a small read or two per project, where promise-based ones queued a
 * threadpool round trip each behind the rest of a status run's work.
 */
function commonDir(repo: string): string | null {
  const dotgit = path.join(repo, ".git");
  const st = statSync(dotgit, { throwIfNoEntry: false });
  if (!st) return null;
  let gitdir = dotgit;
  if (st.isFile()) {
    const m = /^gitdir: (.+)$/m.exec(readOrNull(dotgit) ?? "");
    if (!m?.[1]) return null;
    gitdir = path.resolve(repo, m[1].trim());
  }
  const common = readOrNull(path.join(gitdir, "commondir"));
  return common ? path.resolve(gitdir, common.trim()) : gitdir;
}

function readOrNull(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

/**
 * How the files behind `refs` look on disk (each loose ref file and packed-refs: inode, size,
 * mtime in ns): git rewrites a ref by renaming a new file over it, so a moved ref changes its
 * stamp. null where refs are not plain files (reftable): then git is asked every time.
 */
function refsStamp(repo: string, refs: string[]): string | null {
  const common = commonDir(repo);
  if (!common || statSync(path.join(common, "reftable"), { throwIfNoEntry: false })) return null;
  // Synchronous stats: one per live session's branch, a few microseconds each, where 500
  // promise-based ones cost `ao status` ~15 ms of threadpool round trips and thrown errors.
  // Plain numbers: bigint stats cost a third more, and a millisecond float of the mtime keeps
  // well under a microsecond of it; a ref rewritten in place within that also changes its ctime.
  const sig = (file: string) => {
    const st = statSync(file, { throwIfNoEntry: false });
    return st ? `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}` : "-";
  };
  return JSON.stringify([refs, [path.join(common, "packed-refs"), ...refs.map((r) => `${common}${path.sep}${r}`)].map(sig)]);
}

async function git(cwd: string, args: string[], timeoutMs = GIT_TIMEOUT_MS) {
  return run("git", args, { cwd, timeoutMs });
}

/** Where a project's branches are read and merged: its clone here, or its clone on a host. */
interface Place {
  /** Its key in the snapshot's errors and fetch times: the project's id, `<project>@<host>` on a host. */
  key: string;
  /** git there; `fetching` for a fetch, which may take the network's time. */
  git(args: string[], fetching?: boolean): Promise<RunResult>;
  /** The refs' files as they stand, or null where git must be asked each time. */
  stamp(names: string[]): string | null;
}

/** A refresh waits this long on a host's git at most (its fetch aside), as on its look. */
const HOST_GIT_TIMEOUT_MS = 8000;

/**
 * The conflict radar: for every live session, would its branch merge cleanly into its base
 * branch's tip on the remote, and into every other live session's branch of the same project?
 * git alone answers (`git merge-tree --write-tree`): no checkout, no index, no worktree is
 * touched. With `fetch`, the base is fetched first (the slow cadence); without, the last
 * fetched tip is used and only changed branch tips cost a merge (after commits and pushes).
 * Sessions on a host are checked there, in its clone (through a worktree of theirs), against
 * each other and their base; a pair on two machines is merged here (see checkAcross).
 * A host known to be down is passed by, its sessions keeping what was last found.
 */
export async function checkConflicts(ctx: AppContext, opts: { fetch?: boolean; fetchEveryMs?: number; fetchTimeoutMs?: number; stored?: StoredSession[] } = {}): Promise<ConflictSnapshot> {
  const fetchMs = opts.fetchTimeoutMs ?? FETCH_TIMEOUT_MS;
  const last = await cachedConflicts(ctx);
  const now = ctx.now();
  const next: ConflictSnapshot = { checkedAt: now.toISOString(), bySession: {}, baseTips: {}, pairs: {}, errors: {}, fetchedAt: { ...last.fetchedAt }, refs: {} };
  // Every session of the workspace (a caller that just listed them passes its list).
  const stored = opts.stored ?? (await ctx.store.list());
  const here: Array<() => Promise<void>> = [];
  const there: Array<() => Promise<void>> = [];
  let notes: Promise<Record<string, Seen>> | null = null;
  // Per project, the tips each machine's check read: pairs across machines are merged after.
  const found = new Map<ProjectConfig, { byHost: Map<string, StoredSession[]>; groups: Found[] }>();
  for (const project of ctx.config.projects) {
    const live = stored.filter((s) => s.meta?.projectId === project.id && s.meta.branch && s.meta.status !== "killed" && s.meta.status !== "merged" && !spawnUnfinished(s.meta));
    const byHost = sessionsByHost(live);
    const groups: Found[] = [];
    if (byHost.size > 1) found.set(project, { byHost, groups });
    for (const [host, sessions] of byHost) {
      if (host === LOCAL_HOST) {
        const place: Place = { key: project.id, git: (args, fetching) => git(project.path, args, fetching ? fetchMs : GIT_TIMEOUT_MS), stamp: (names) => refsStamp(project.path, names) };
        here.push(async () => void groups.push({ host, sessions, tips: await checkPlace(place, project, sessions, last, next, now, opts) }));
        continue;
      }
      const key = `${project.id}@${host}`;
      there.push(async () => {
        const skip = (why: string) => {
          next.errors[key] = why;
          keepLast(sessions, last, next);
        };
        notes ??= hostNotes(ctx);
        const cwd = sessions.find((s) => s.meta?.worktree)?.meta?.worktree;
        const downSince = (await notes)[host]?.unreachableSince;
        let m: Machine;
        try {
          m = sessionMachine(ctx, sessions[0]!.meta!);
        } catch (e) {
          return skip((e as Error).message);
        }
        if (!cwd) return skip("no worktree recorded");
        if (downSince) return skip(`host ${host} unreachable since ${downSince}`);
        const place: Place = { key, git: (args, fetching) => m.host.run("git", args, { cwd, timeoutMs: fetching ? fetchMs : HOST_GIT_TIMEOUT_MS }), stamp: () => null };
        groups.push({ host, sessions, machine: m, tips: await checkPlace(place, project, sessions, last, next, now, opts) });
      });
    }
  }
  // Here one project after another, as before; each host at the same time as they are.
  await Promise.all([
    (async () => {
      for (const check of here) await check();
    })(),
    ...there.map((check) => check()),
  ]);
  for (const [project, { byHost, groups }] of found) await checkAcross(ctx, project, byHost, groups, last, next);
  // Found as last time, the time of the check aside (no reader uses it): not written again. A
  // write is a new file each time, and on a filesystem that has freed many inodes a new file
  // was the dearest call of a quiet `ao status`.
  if (JSON.stringify({ ...next, checkedAt: null }) === JSON.stringify({ ...last, checkedAt: null })) return next;
  // A full or read-only AO_HOME costs the next call this check again, not this call its answer.
  await writeCacheFile(cacheFile(ctx), JSON.stringify(next));
  return next;
}

/** Sessions whose branches could not be read keep what was last known, rather than turning "clean". */
function keepLast(sessions: readonly StoredSession[], last: ConflictSnapshot, next: ConflictSnapshot): void {
  for (const s of sessions) if (last.bySession[s.id]) next.bySession[s.id] = last.bySession[s.id]!;
}

/**
 * One project's sessions in one place: fetch the base when due, read the tips, merge the pairs.
 * Returns the tips it read, or null when the place could not be read.
 */
async function checkPlace(place: Place, project: ProjectConfig, live: StoredSession[], last: ConflictSnapshot, next: ConflictSnapshot, now: Date, opts: { fetch?: boolean; fetchEveryMs?: number }): Promise<BranchTip[] | null> {
  try {
    const baseRef = `refs/remotes/origin/${project.defaultBranch}`;
    const fetched = Date.parse(last.fetchedAt[place.key] ?? "") || 0;
    if (opts.fetch && now.getTime() - fetched >= (opts.fetchEveryMs ?? FETCH_EVERY_MS)) {
      next.fetchedAt[place.key] = now.toISOString();
      const f = await place.git(["fetch", "--quiet", "--no-tags", "origin", `+refs/heads/${project.defaultBranch}:${baseRef}`], true);
      if (f.exitCode !== 0) next.errors[place.key] = `fetch: ${f.stderr.trim().split("\n").pop() ?? `exit ${f.exitCode}`}`;
    }
    const names = [baseRef, ...live.map((s) => `refs/heads/${s.meta!.branch}`)];
    // Taken before git reads the refs: a ref moved in between only costs one more git run.
    const stamp = place.stamp(names);
    const seen = last.refs?.[place.key];
    let out: string;
    if (stamp !== null && seen?.stamp === stamp) out = seen.out; // no ref moved: no git process
    else {
      const refs = await place.git(["for-each-ref", "--format=%(refname) %(objectname)", ...names]);
      if (refs.exitCode !== 0) throw new Error(refs.stderr.trim() || `git for-each-ref exited ${refs.exitCode}`);
      out = refs.stdout;
    }
    if (stamp !== null) next.refs![place.key] = { stamp, out };
    const sha = new Map(out.split("\n").filter(Boolean).map((l) => l.split(" ") as [string, string]));
    const baseSha = sha.get(baseRef);
    const tips: BranchTip[] = live.flatMap((s) => {
      const t = sha.get(`refs/heads/${s.meta!.branch}`);
      return t ? [{ id: s.id, sha: t }] : [];
    });
    const baseName = `origin/${project.defaultBranch}`;
    for (const { a, b, kind } of conflictPairs(tips, baseSha ? { name: baseName, sha: baseSha } : null)) {
      if (kind === "base") next.baseTips[a.id] = b.sha;
      await mergePair(place, a, b, kind, last, next);
    }
    return tips;
  } catch (e) {
    next.errors[place.key] = (e as Error).message;
    // An unknowable project keeps what was last known rather than turning it into "clean".
    keepLast(live, last, next);
    return null;
  }
}

/** Merge two tips in `place` (a pair of commits only once, ever) and record what would conflict. */
async function mergePair(place: Place, a: BranchTip, b: BranchTip, kind: "session" | "base", last: ConflictSnapshot, next: ConflictSnapshot): Promise<void> {
  const key = `${a.sha}:${b.sha}`;
  let files = next.pairs[key] ?? last.pairs[key];
  if (!files) {
    const r = await place.git(["merge-tree", "--write-tree", "--name-only", "--no-messages", a.sha, b.sha]);
    files = parseMergeTree(r.exitCode, r.stdout) ?? [];
  }
  next.pairs[key] = files;
  if (files.length === 0) return;
  (next.bySession[a.id] ??= []).push({ with: b.id, kind, files, tip: b.sha });
  if (kind === "session") (next.bySession[b.id] ??= []).push({ with: a.id, kind, files, tip: a.sha });
}

/** A branch name safe in a refspec: none of the characters git's ref names refuse, ":" among them. */
// eslint-disable-next-line no-control-regex
const PLAIN_BRANCH = /^(?!-)(?!.*\.\.)(?!.*@\{)(?!.*\/\/)[^\x00-\x20\x7f~^:?*[\\]+(?<![./])$/u;

/** The tips one place read of a project's sessions, and the machine they are on. */
interface Found {
  host: string;
  sessions: StoredSession[];
  /** null: the place could not be read. */
  tips: BranchTip[] | null;
  /** Where they can be fetched from: the machine's clone of the project (another host's). */
  machine?: Machine;
}

/**
 * Sessions of one project on two machines: neither clone has both branches, so each pair is
 * merged in this machine's clone, with the other hosts' tips fetched into it over their shared
 * connections first when it lacks them. Only objects arrive: no ref and no FETCH_HEAD is written
 * in the user's clone (git prunes them in time, as any unreferenced object). A host that cannot
 * be fetched from is named, and its pairs keep what was last found.
 */
async function checkAcross(ctx: AppContext, project: ProjectConfig, byHost: ReadonlyMap<string, readonly StoredSession[]>, found: readonly Found[], last: ConflictSnapshot, next: ConflictSnapshot): Promise<void> {
  const repo = project.path;
  const place: Place = { key: `${project.id}@hosts`, git: (args) => git(repo, args), stamp: () => null };
  const branchOf = new Map(found.flatMap((f) => f.sessions.map((s) => [s.id, s.meta!.branch!] as const)));
  const remote = found.filter((f) => f.machine);
  const shas = remote.flatMap((f) => (f.tips ?? []).map((t) => t.sha));
  const usable = new Set<string>();
  try {
    if (!commonDir(repo)) throw new Error(`no clone of ${project.id} here at ${repo} to merge its sessions on other machines in`);
    // Which of these commits the clone has: one git for them all.
    const findHere = async (list: readonly string[]) => {
      const r = await run("git", ["cat-file", "--batch-check=%(objectname) %(objecttype)"], { cwd: repo, timeoutMs: GIT_TIMEOUT_MS, input: `${list.join("\n")}\n` });
      for (const line of r.stdout.split("\n")) if (line.endsWith(" commit")) usable.add(line.split(" ")[0]!);
    };
    await findHere(shas);
    for (const f of remote) {
      // A branch name from a record is outside text: only a plain ref name goes into a refspec
      // (a ":" there would name a ref of this clone to write).
      const missing = (f.tips ?? []).filter((t) => !usable.has(t.sha) && PLAIN_BRANCH.test(branchOf.get(t.id) ?? ""));
      if (missing.length === 0) continue;
      const at = f.machine!.host.gitRemote?.(await cloneDir(ctx, f.machine!, project));
      if (!at) continue;
      const r = await run("git", ["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", at.url, ...missing.map((t) => `refs/heads/${branchOf.get(t.id)}`)], {
        cwd: repo,
        timeoutMs: FETCH_TIMEOUT_MS,
        env: { ...ctx.env, GIT_SSH_COMMAND: at.sshCommand, GIT_TERMINAL_PROMPT: "0" },
      });
      if (r.exitCode !== 0) {
        next.errors[`${project.id}@${f.host}+here`] = `fetch from ${f.host}: ${r.stderr.trim().split("\n").pop() ?? `exit ${r.exitCode}`}`;
        continue;
      }
      // A branch moved there since its tip was read brings its newer commit, which holds the
      // tip read unless the branch was rewritten; a tip still missing is merged next time.
      await findHere(missing.map((t) => t.sha));
    }
  } catch (e) {
    next.errors[place.key] = (e as Error).message;
  }
  // Tips that are here to merge, in the order of the hosts' names (a pair is cached under its
  // two commits in one order). Unread this time: the sessions of a machine passed by (down)
  // or not read, and tips not fetched.
  const ready = found.map((f) => ({ host: f.host, tips: (f.tips ?? []).filter((t) => !f.machine || usable.has(t.sha)) })).sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
  const read = new Set(found.flatMap((f) => (f.tips ? f.sessions.map((s) => s.id) : [])));
  const unread = new Set([...byHost.values()].flat().map((s) => s.id).filter((id) => !read.has(id)));
  for (const f of found) for (const t of f.tips ?? []) if (f.machine && !usable.has(t.sha)) unread.add(t.id);
  for (let i = 0; i < ready.length; i++) {
    for (let j = i + 1; j < ready.length; j++) {
      for (const a of ready[i]!.tips) {
        for (const b of ready[j]!.tips) {
          if (a.sha === b.sha) continue;
          await mergePair(place, a, b, "session", last, next).catch((e: unknown) => {
            next.errors[place.key] = (e as Error).message;
            unread.add(a.id).add(b.id);
          });
        }
      }
    }
  }
  // A pair across machines not merged this time keeps what was last found of it, not "clean".
  const machineOf = new Map([...byHost].flatMap(([host, sessions]) => sessions.map((s) => [s.id, host] as const)));
  for (const [id, host] of machineOf) {
    for (const c of last.bySession[id] ?? []) {
      const other = machineOf.get(c.with);
      if (c.kind !== "session" || !other || other === host || !(unread.has(id) || unread.has(c.with))) continue;
      if (!next.bySession[id]?.some((x) => x.with === c.with)) (next.bySession[id] ??= []).push(c);
    }
  }
}
