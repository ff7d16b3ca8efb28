import path from "node:path";
import type { PrFacts } from "../core/types.js";
import { writeFileAtomic } from "../metadata/atomic.js";
import { readSharedJson } from "../metadata/shared-json.js";
import { mkdirPrivate } from "../metadata/private.js";
import { ScmError } from "../plugins/scm/errors.js";
import type { PrQuery, RateLimit, ScmPlugin } from "../plugins/types.js";

/**
 * What ao knows about its sessions' pull requests. A session absent from `prs` is unknown (never
 * fetched, or its repository could not be read); null means GitHub says there is no PR.
 */
export interface PrSnapshot {
  prs: Record<string, PrFacts | null>;
  /**
   * The `createdAt` of the session each entry of `prs` was looked up for. Ids come back after a
   * reset (a new fe-1): a fact about the old session must not pass to the new one.
   */
  owners: Record<string, string>;
  fetchedAt: string | null;
  /** The last attempt to refresh failed: these facts are the last known ones. */
  stale: boolean;
  error: string | null;
  rateLimit: RateLimit | null;
  /** GitHub is not asked again before this time. */
  backoffUntil: string | null;
}

export interface PrGroup {
  repo: string;
  queries: PrQuery[];
}

/** The cache file: the snapshot and how many refreshes in a row have failed. */
interface CacheFile extends PrSnapshot {
  failures?: number;
}

export const NO_TOKEN = "no GitHub token: set GITHUB_TOKEN or GH_TOKEN, or run gh auth login";
const BACKOFF_MIN_MS = 30_000;
const BACKOFF_MAX_MS = 10 * 60_000;

const empty = (): CacheFile => ({ prs: {}, owners: {}, fetchedAt: null, stale: false, error: null, rateLimit: null, backoffUntil: null, failures: 0 });

function snapshotOf(c: CacheFile): PrSnapshot {
  const { failures: _failures, ...snapshot } = c;
  return snapshot;
}

/** Whether the snapshot answers for every session asked about, from a good refresh within maxAgeMs. */
function isFresh(c: CacheFile, groups: PrGroup[], now: number, maxAgeMs: number): boolean {
  if (c.stale || !c.fetchedAt) return false;
  const age = now - Date.parse(c.fetchedAt);
  if (!(age >= 0 && age <= maxAgeMs)) return false;
  return groups.every((g) => g.queries.every((q) => q.id in c.prs));
}

/**
 * The cached, rate-limit-aware layer over the SCM plugin. The cache file is the source of truth
 * shared by every ao process (the dashboard refreshes, `ao session ls` reads), so a backoff one
 * process earned holds for all of them.
 */
export class PrFactsService {
  private readonly scm: () => Promise<ScmPlugin | null>;
  private readonly cacheFile: string;
  private readonly now: () => number;
  /** Refreshes run one at a time: two merging into the same file would lose one's facts. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(opts: { scm: () => Promise<ScmPlugin | null>; cacheFile: string; now?: () => number }) {
    this.scm = opts.scm;
    this.cacheFile = opts.cacheFile;
    this.now = opts.now ?? Date.now;
  }

  /** The last snapshot written, without touching the network. */
  async cached(): Promise<PrSnapshot> {
    return snapshotOf(await this.read());
  }

  /**
   * Ask GitHub for these sessions' PRs, unless `maxAgeMs` is given and the shared snapshot
   * already holds every one of them from a good refresh no older than that (another process, the
   * dashboard or `ao watch`, keeps it fresh): then the snapshot is the answer, with no request.
   */
  refresh(groups: PrGroup[], opts: { maxAgeMs?: number } = {}): Promise<PrSnapshot> {
    const next = this.queue.then(() => this.refreshNow(groups, opts.maxAgeMs));
    this.queue = next.catch(() => {});
    return next;
  }

  private async refreshNow(groups: PrGroup[], maxAgeMs: number | undefined): Promise<PrSnapshot> {
    const last = await this.read();
    const now = this.now();
    if (maxAgeMs !== undefined && isFresh(last, groups, now, maxAgeMs)) return snapshotOf(last);
    if (last.backoffUntil && Date.parse(last.backoffUntil) > now) return snapshotOf({ ...last, stale: true });
    const work = groups.filter((g) => g.queries.length > 0);
    if (work.length === 0) return snapshotOf(last);

    const scm = await this.scm();
    if (!scm) return snapshotOf(await this.write({ ...last, stale: true, error: NO_TOKEN, backoffUntil: null }));

    const results = await Promise.allSettled(work.map((g) => scm.fetchPrs(g.repo, g.queries)));
    const next: CacheFile = { ...last, prs: { ...last.prs }, owners: { ...last.owners } };
    const createdOf = new Map(work.flatMap((g) => g.queries.map((q) => [q.id, q.createdAfter ?? ""] as const)));
    const errors: unknown[] = [];
    const limits: RateLimit[] = [];
    for (const r of results) {
      if (r.status === "rejected") {
        errors.push(r.reason);
        continue;
      }
      for (const [id, facts] of r.value.prs) {
        next.prs[id] = facts;
        next.owners[id] = createdOf.get(id) ?? "";
      }
      limits.push(...(r.value.rateLimit ? [r.value.rateLimit] : []));
    }
    // Every repository draws on the same budget: the lowest remaining is the latest word.
    if (limits.length) next.rateLimit = limits.reduce((a, b) => (b.remaining < a.remaining ? b : a));
    if (errors.length < results.length) next.fetchedAt = new Date(now).toISOString();
    if (errors.length === 0) return snapshotOf(await this.write({ ...next, stale: false, error: null, backoffUntil: null, failures: 0 }));

    // Keep every fact we had: an error is never turned into one.
    // GitHub refusing this process's token (401) says nothing of other processes' tokens: no
    // wait is shared with them, or one ao with a bad token would blind every other ao (and the
    // reactions of the one with a good token) for the whole wait.
    if (errors.every((e) => e instanceof ScmError && e.status === 401)) {
      const error = errors.map((e) => (e as Error).message).join("; ");
      return snapshotOf(await this.write({ ...next, stale: true, error, backoffUntil: last.backoffUntil ?? null, failures: last.failures ?? 0 }));
    }
    const failures = (last.failures ?? 0) + 1;
    const waits = errors.map((e) => (e instanceof ScmError && e.retryAfterMs !== null ? e.retryAfterMs : null));
    const asked = waits.filter((w): w is number => w !== null);
    const wait = asked.length ? Math.max(1000, ...asked) : Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** (failures - 1));
    const error = errors.map((e) => (e instanceof Error ? e.message : String(e))).join("; ");
    return snapshotOf(await this.write({ ...next, stale: true, error, backoffUntil: new Date(now + wait).toISOString(), failures }));
  }

  private async read(): Promise<CacheFile> {
    try {
      const parsed = (await readSharedJson(this.cacheFile)) as Partial<CacheFile>;
      const obj = (x: unknown) => (x && typeof x === "object" ? x : {});
      return { ...empty(), ...parsed, prs: obj(parsed.prs) as CacheFile["prs"], owners: obj(parsed.owners) as CacheFile["owners"] };
    } catch {
      return empty(); // no cache yet, or unreadable: nothing is known
    }
  }

  private async write(c: CacheFile): Promise<CacheFile> {
    try {
      await mkdirPrivate(path.dirname(this.cacheFile));
      await writeFileAtomic(this.cacheFile, `${JSON.stringify(c, null, 2)}\n`);
    } catch {
      /* an unwritable cache costs the next process a fetch; these facts are still true now */
    }
    return c;
  }
}
