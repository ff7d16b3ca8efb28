import { readFile } from "node:fs/promises";
import { spawnFailed } from "../core/cleanup.js";
import { writeCacheFile } from "../metadata/private.js";
import path from "node:path";
import type { AppContext } from "../app.js";
import type { HostConfig } from "../config/types.js";
import type { HostRow } from "../core/hosts-format.js";
import { LOCAL_HOST, type HostLoad } from "../core/placement.js";
import { localHost } from "../plugins/host/local.js";
import { SshHost } from "../plugins/host/ssh.js";
import type { Host } from "../plugins/host/types.js";

/** What `ao hosts` reports of one machine (the shape lives in core, beside its formatting). */
export type HostReport = HostRow;

/** What ao keeps of one host between processes (AO_HOME/cache/hosts-<ws>.json). */
export interface Seen {
  lastSeen?: string;
  unreachableSince?: string;
  /** How far the host's clock is ahead of this one's (ms), and when that was measured. */
  skewMs?: number;
  skewAt?: string;
  /** When a host noted down was last given a refresh's whole wait (a slow host, not a gone one, then answers). */
  fullTryAt?: string;
}

/** How often a host noted down gets a refresh's whole wait rather than the short one. */
export const DOWN_FULL_TRY_EVERY_MS = 30_000;

/**
 * Whether this refresh gives a host noted down its whole wait, and if so, notes that it did
 * (so the refreshes of other ao processes meanwhile keep the short one).
 */
export async function fullTryDue(ctx: AppContext, name: string, now: Date, seen: Seen | undefined): Promise<boolean> {
  if (seen?.fullTryAt && now.getTime() - Date.parse(seen.fullTryAt) < DOWN_FULL_TRY_EVERY_MS) return false;
  return changeSeen(ctx, name, (s) => {
    if (s.fullTryAt && now.getTime() - Date.parse(s.fullTryAt) < DOWN_FULL_TRY_EVERY_MS) return false;
    s.fullTryAt = now.toISOString();
    return true;
  });
}

/** One script, one round trip: what `ao hosts` shows of a machine. Our own text, no input in it. */
const PROBE =
  'printf "tmux\\t%s\\n" "$(tmux -V 2>/dev/null)"; printf "git\\t%s\\n" "$(git --version 2>/dev/null)"; ' +
  'printf "load\\t%s\\n" "$(cut -d" " -f1-3 /proc/loadavg 2>/dev/null || sysctl -n vm.loadavg 2>/dev/null)"';

/** How long a probe waits for each host unless told otherwise (`ao hosts --timeout`). */
const PROBE_TIMEOUT_MS = 10_000;

type WithHosts = AppContext & { hostCache?: Map<string, Host> };

/** The Host to run a session's processes on. One SshHost per name, so its connection is shared. */
export function hostRunner(ctx: AppContext, name: string | undefined): Host {
  if (!name || name === LOCAL_HOST) return localHost;
  const cache = ((ctx as WithHosts).hostCache ??= new Map<string, Host>());
  let h = cache.get(name);
  if (!h) {
    const cfg = ctx.config.hosts.find((x) => x.name === name);
    if (!cfg?.ssh) throw new Error(`unknown host "${name}"; hosts: ${ctx.config.hosts.map((x) => x.name).join(", ")}`);
    h = new SshHost({ name, ssh: cfg.ssh, aoHome: ctx.aoHome, ...(ctx.config.runtime.sshConfig ? { sshConfig: ctx.config.runtime.sshConfig } : {}) });
    cache.set(name, h);
  }
  return h;
}

/** The next hostRunner for `name` is made from the config then in use. */
export function forgetHost(ctx: AppContext, name: string): void {
  (ctx as WithHosts).hostCache?.delete(name);
}

/** Whether a record takes one of its host's places: not killed, and not a spawn that failed (nothing runs for it). */
export function holdsPlace(meta: Record<string, string> | undefined): meta is Record<string, string> {
  return !!meta && meta.status !== "killed" && !spawnFailed(meta);
}

/** Live sessions per host, from the records here (killed ones and failed spawns do not count). */
export async function liveByHost(ctx: AppContext): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const s of await ctx.store.list()) {
    if (!holdsPlace(s.meta)) continue;
    const h = s.meta.host || LOCAL_HOST;
    out.set(h, (out.get(h) ?? 0) + 1);
  }
  return out;
}

function seenFile(ctx: AppContext): string {
  return path.join(ctx.aoHome, "cache", `hosts-${ctx.config.name}.json`);
}

async function readSeen(ctx: AppContext): Promise<Record<string, Seen>> {
  try {
    return JSON.parse(await readFile(seenFile(ctx), "utf8")) as Record<string, Seen>;
  } catch {
    return {};
  }
}

async function writeSeen(ctx: AppContext, seen: Record<string, Seen>): Promise<void> {
  // "last seen" is a courtesy; a read-only AO_HOME loses it, nothing more.
  await writeCacheFile(seenFile(ctx), JSON.stringify(seen));
}

/**
 * Change the file's entry of one host. Changes take turns within this process: hosts looked at
 * at once each change their own entry, and one's write must not drop another's.
 */
let seenQueue: Promise<unknown> = Promise.resolve();
function changeSeen<T>(ctx: AppContext, name: string, change: (s: Seen) => T): Promise<T> {
  const next = seenQueue.then(async () => {
    const seen = await readSeen(ctx);
    const s = (seen[name] ??= {});
    const before = JSON.stringify(s);
    const out = change(s);
    if (JSON.stringify(s) !== before) await writeSeen(ctx, seen);
    return out;
  });
  seenQueue = next.catch(() => undefined);
  return next;
}

/** What ao kept of every host: whether it answered when last asked, its clock. */
export function hostNotes(ctx: AppContext): Promise<Record<string, Seen>> {
  return readSeen(ctx);
}

/**
 * Keep what a look at a host showed: it answered (last seen now) or not (unreachable since the
 * first failure in a row, kept across processes). Returns when it stopped answering, if it did.
 */
export function noteHostAnswer(ctx: AppContext, name: string, answered: boolean, now: Date, known?: Seen): Promise<string | undefined> {
  // A "last seen" a few seconds old is as good as now: no write on every refresh, and when the
  // caller read the notes already, no read either.
  const fresh = (s: Seen) => !!s.lastSeen && now.getTime() - Date.parse(s.lastSeen) <= LAST_SEEN_GRAIN_MS;
  if (answered && known && known.unreachableSince === undefined && fresh(known)) return Promise.resolve(undefined);
  return changeSeen(ctx, name, (s) => {
    if (answered) {
      if (!fresh(s)) s.lastSeen = now.toISOString();
      delete s.unreachableSince;
      delete s.fullTryAt;
    } else {
      s.unreachableSince ??= now.toISOString();
    }
    return s.unreachableSince;
  });
}

const LAST_SEEN_GRAIN_MS = 30_000;

/** A skew this small is within `date +%s`'s one-second grain and the round trip: nothing to correct. */
const SKEW_NOISE_MS = 1500;
const SKEW_TTL_MS = 10 * 60_000;

/**
 * How far a host's clock is ahead of this machine's, in ms (negative: behind). tmux dates a
 * pane's output, and the hook handler its events, by the host's clock; ao compares them with
 * "now" in that same clock. Measured with one `date` there (the midpoint of the round trip),
 * kept in the hosts cache for ten minutes (`seen`: what the cache holds of the host); 0 while it
 * cannot be measured.
 */
export async function hostClockSkew(ctx: AppContext, name: string, host: Host, now: Date, seen: Seen | undefined): Promise<number> {
  if (seen?.skewAt && seen.skewMs !== undefined && Math.abs(now.getTime() - Date.parse(seen.skewAt)) < SKEW_TTL_MS) return seen.skewMs;
  const t0 = Date.now();
  const r = await host.run("date", ["+%s"]).catch(() => null);
  const t1 = Date.now();
  const sec = Number(r?.stdout.trim());
  if (!r || r.exitCode !== 0 || !Number.isFinite(sec) || sec <= 0) return 0;
  // %s drops the fraction: on average the host's time was half a second past it.
  const raw = sec * 1000 + 500 - (t0 + t1) / 2;
  const skewMs = Math.abs(raw) < SKEW_NOISE_MS ? 0 : Math.round(raw);
  await changeSeen(ctx, name, (s) => {
    s.skewMs = skewMs;
    s.skewAt = now.toISOString();
  });
  return skewMs;
}

function parseProbe(stdout: string): Pick<HostReport, "tmux" | "git" | "load"> {
  const field = (k: string) => new RegExp(`^${k}\\t(.*)$`, "m").exec(stdout)?.[1]?.trim() || null;
  const loads = field("load")?.replace(/[{}]/g, "").trim().split(/\s+/).map(Number);
  return {
    tmux: field("tmux")?.replace(/^tmux\s+/, "") ?? null,
    git: field("git")?.replace(/^git version\s+/, "") ?? null,
    load: loads && loads.length >= 3 && loads.every(Number.isFinite) ? [loads[0]!, loads[1]!, loads[2]!] : null,
  };
}

/**
 * Ask every host (all at once, one round trip each, with a deadline) whether it answers and what
 * it runs. A host that does not answer is a report with its reason, never an exception, and its
 * "unreachable since" is kept until it answers again.
 */
export async function probeHosts(ctx: AppContext, opts: { names?: string[]; timeoutMs?: number } = {}): Promise<HostReport[]> {
  const hosts = ctx.config.hosts.filter((h) => !opts.names || opts.names.includes(h.name));
  const live = await liveByHost(ctx);
  const now = ctx.now().toISOString();
  return Promise.all(
    hosts.map(async (h: HostConfig): Promise<HostReport> => {
      const base = { name: h.name, ssh: h.ssh, live: live.get(h.name) ?? 0, capacity: h.maxSessions };
      try {
        const r = await hostRunner(ctx, h.name).run("sh", ["-c", PROBE], { timeoutMs: opts.timeoutMs ?? PROBE_TIMEOUT_MS });
        if (r.exitCode !== 0) throw new Error(r.stderr.trim() || `probe exited ${r.exitCode}`);
        await changeSeen(ctx, h.name, (s) => {
          s.lastSeen = now;
          delete s.unreachableSince;
        });
        return { ...base, reachable: true, error: null, ...parseProbe(r.stdout), lastSeen: now, unreachableSince: null };
      } catch (e) {
        // No answer within a deadline shorter than a refresh's own says nothing of the host
        // that every other command should go by (`ao hosts --timeout 1` marked a slow one down).
        const s = (opts.timeoutMs ?? PROBE_TIMEOUT_MS) >= PROBE_TIMEOUT_MS ? await changeSeen(ctx, h.name, (s) => ((s.unreachableSince ??= now), { ...s })) : ((await hostNotes(ctx))[h.name] ?? {});
        return { ...base, reachable: false, error: (e as Error).message, tmux: null, git: null, load: null, lastSeen: s.lastSeen ?? null, unreachableSince: s.unreachableSince ?? now };
      }
    }),
  );
}

/** What placement needs of a probe. */
export function loads(reports: HostReport[]): HostLoad[] {
  // A host that answers without tmux or git cannot run a session: it is skipped, said why.
  return reports.map((r) => ({
    name: r.name,
    maxSessions: r.capacity,
    live: r.live,
    reachable: r.reachable,
    ...(r.reachable && !r.tmux ? { unfit: "has no tmux" } : r.reachable && !r.git ? { unfit: "has no git" } : {}),
  }));
}
