import type { AppContext } from "../app.js";
import type { ProjectConfig } from "../config/types.js";
import { deriveStatus } from "../core/status.js";
import { inert } from "../core/sanitize.js";
import { earlyStartAt, ownerAlive, run } from "../exec.js";
import { elapsedSince } from "../metadata/clock.js";
import { prNumberFromUrl } from "../core/pr.js";
import { agentDisplayName } from "../core/agent-events.js";
import type { AgentFacts, AgentView, DerivedStatus, Metadata, PrFacts, SessionView, StatusFacts } from "../core/types.js";
import { AoError, EXIT_USAGE } from "../core/errors.js";
import { spawnUnfinished } from "../core/cleanup.js";
import { sessionMarkKey } from "../core/ids.js";
import type { StoredSession } from "../metadata/store.js";
import { agentPlugin } from "../plugins/agent/index.js";
import type { PrQuery } from "../plugins/types.js";
import type { PrGroup, PrSnapshot } from "./pr-facts.js";
import { agentEventsPath } from "./agent-events.js";
import type { RuntimeQuery, SessionRuntimeFacts } from "./runtime-facts.js";
import { LOCAL_HOST } from "../core/placement.js";
import { HostUnreachableError } from "../plugins/host/types.js";
import { TmuxNoAnswer } from "../plugins/runtime/tmux.js";
import { fullTryDue, hostClockSkew, hostNotes, noteHostAnswer } from "./hosts.js";
import { machine, sessionsByHost } from "./machines.js";
import { cachedConflicts, checkConflicts } from "./conflicts.js";
import type { Conflict } from "../core/conflicts.js";

export interface ListOptions {
  project?: string;
  /** Include killed sessions. */
  all?: boolean;
  /** "refresh" asks GitHub (rate limits permitting); "cached" uses the last known PR facts. */
  github?: "cached" | "refresh";
  /** With "refresh": a shared snapshot this fresh that covers every session is answer enough. */
  githubMaxAgeMs?: number;
  /** Write status changes that the facts show into the sessions' records and event logs. */
  record?: boolean;
  /** Only these sessions (an action touched them): the others are not read at all. */
  ids?: string[];
  /** "check" runs the conflict radar (fetching the bases); otherwise its last result is shown. */
  conflicts?: "cached" | "check";
  /** How long the radar's fetch of each base may take (default a minute): a one-shot command does not wait that long on a silent origin. */
  conflictsFetchMs?: number;
  /**
   * false: skip the runtime look (liveness, activity): the records and PR facts alone, for a
   * first frame that must not wait on tmux. Never recorded from: the facts are incomplete.
   */
  runtime?: boolean;
}

export interface SessionsSnapshot {
  views: SessionView[];
  github: PrSnapshot;
  /** What a runtime look could not learn, for a person ("tmux did not answer within 5 s…"); its sessions' facts are unknown. */
  runtimeNotes: string[];
}

/** Check a `-p` value against the config: the project id, or its display name. */
export function resolveProject(ctx: AppContext, project: string): ProjectConfig {
  const p = ctx.config.projects.find((x) => x.id === project || x.name === project);
  if (!p) {
    const known = ctx.config.projects.map((x) => x.id);
    throw new AoError(
      `unknown project "${project}"; ${known.length ? `projects: ${known.join(", ")}` : "this workspace has no projects (see ao init)"}`,
      EXIT_USAGE,
    );
  }
  return p;
}

/** Sessions whose runtime is worth a look: ones that should be running. */
function wantsRuntime(s: StoredSession): boolean {
  return s.meta !== undefined && !!s.meta.tmuxName && s.meta.status !== "killed" && s.meta.status !== "merged";
}

/**
 * Facts that need a clock or a process table, for the pure derivation, written into `facts`:
 * how long the agent has been quiet (the newest of ao's own record and the pane's output,
 * neither counting a wall-clock jump), and whether a `spawning` record still has its spawner.
 */
function addQuietAndSpawner(facts: StatusFacts, meta: Metadata, now: Date, rt: SessionRuntimeFacts | undefined): void {
  const recorded = meta.lastActivityAt ?? meta.createdAt;
  const sinceRecord = recorded ? elapsedSince(Date.parse(recorded), meta.lastActivityMono, now.getTime()) : Number.NaN;
  const fromPane = rt?.quietMs ?? Number.NaN;
  // The smaller of the two that are known (NaN: not known).
  const quiet = Number.isNaN(fromPane) ? sinceRecord : Number.isNaN(sinceRecord) ? fromPane : Math.min(fromPane, sinceRecord);
  if (!Number.isNaN(quiet)) facts.quietMs = quiet;
  const alive = spawnerAlive(meta);
  if (alive !== undefined) facts.spawnerAlive = alive;
}

/** For a `spawning` record: whether its spawner (pid and start time) still runs; undefined when unknown. */
export function spawnerAlive(meta: Metadata): boolean | undefined {
  const pid = Number(meta.spawnPid);
  if (meta.status !== "spawning" || !Number.isInteger(pid) || pid <= 0) return undefined;
  return ownerAlive(pid, meta.spawnStart || null);
}

/** What status wording needs of the agent: its name, whether it has shown itself, what it asks. */
function agentFacts(meta: Record<string, string>, rt: SessionRuntimeFacts | undefined): AgentFacts | undefined {
  if (!rt?.alive) return undefined;
  return {
    name: agentDisplayName(meta.agent ?? ""),
    seen: rt.seen ?? true,
    source: rt.source ?? "screen",
    question: rt.question ?? null,
    // The error its last turn ended on, by its own event or, for agents that print theirs and
    // go back to their prompt, off that screen. It stands until the agent works again.
    error: rt.report?.kind === "turn_failed" ? rt.report.error : (rt.turnError ?? null),
    ...(rt.noProgress ? { noProgress: rt.noProgress } : {}),
    ...(rt.unrecognized !== undefined ? { unrecognized: rt.unrecognized } : {}),
  };
}

/** The agent's own account for people and scripts; null when it reports no events. */
function agentView(rt: SessionRuntimeFacts | undefined, meta: Record<string, string>): AgentView | null {
  const report = rt?.report;
  if (!rt?.events?.length && !meta.agentSessionId) return null;
  return {
    source: rt?.source ?? "screen",
    sessionId: report?.sessionId ?? meta.agentSessionId ?? null,
    question: rt?.question ?? null,
    lastMessage: report?.lastMessage ?? null,
    lastEvents: (rt?.events ?? []).slice(-8).map((e) => ({
      time: new Date(e.t).toISOString(),
      event: e.event,
      detail: eventDetail(e.data),
    })),
  };
}

function eventDetail(d: Record<string, unknown> | null): string | null {
  if (!d) return null;
  const pick = (k: string) => (typeof d[k] === "string" && d[k] !== "" ? (d[k] as string) : null);
  const input = d.tool_input && typeof d.tool_input === "object" ? (d.tool_input as Record<string, unknown>) : {};
  const cmd = typeof input.command === "string" ? input.command : typeof input.file_path === "string" ? input.file_path : null;
  const text = pick("notification_type") ?? (pick("tool_name") ? `${pick("tool_name")}${cmd ? ` ${cmd}` : ""}` : null) ?? pick("source") ?? pick("reason") ?? pick("error");
  return text ? text.split("\n")[0]!.slice(0, 120) : null;
}

/** Per record (shared and frozen by the store): the last sign of life folded into it, and the result. */
const signed = new WeakMap<Readonly<Metadata>, { at: number; meta: Readonly<Metadata> }>();

/**
 * The record with the freshest sign of life as its lastActivityAt. The same object while
 * neither the record nor the sign moves: the dashboard builds 500 views every 2 s, and a copy
 * of every record each time was the largest part of its garbage.
 */
function withLastSign(meta: Readonly<Metadata>, lastSign: number): Readonly<Metadata> {
  if (lastSign <= 0) return meta;
  const known = signed.get(meta);
  if (known?.at === lastSign) return known.meta;
  const iso = new Date(lastSign).toISOString();
  const out = !meta.lastActivityAt || iso > meta.lastActivityAt ? Object.freeze({ ...meta, lastActivityAt: iso }) : meta;
  signed.set(meta, { at: lastSign, meta: out });
  return out;
}

/** What deriveStatus reads, set key by key: 500 views every 2 s, and each spread was an object. */
function statusFacts(ctx: AppContext, meta: Metadata, now: Date, rt: SessionRuntimeFacts | undefined, pr: PrFacts | null | undefined, agent: AgentFacts | undefined): StatusFacts {
  const facts: StatusFacts = { now, meta, stuckAfterMs: ctx.config.stuckAfterMs };
  addQuietAndSpawner(facts, meta, now, rt);
  // A tmux or host that did not answer said nothing of the session's liveness: unknown, not dead.
  if (rt && !rt.unreachable && !rt.hostDown) facts.runtimeAlive = rt.alive;
  if (rt?.unreachable) facts.probeError = rt.unreachable;
  if (rt?.hostDown) facts.hostDown = rt.hostDown;
  if (rt?.activity) facts.activity = rt.activity;
  if (rt?.lastWords) facts.lastWords = rt.lastWords;
  if (pr !== undefined) facts.pr = pr;
  if (agent) facts.agent = agent;
  return facts;
}

function toView(ctx: AppContext, s: StoredSession, now: Date, rt: SessionRuntimeFacts | undefined, pr: PrFacts | null | undefined, conflicts: Conflict[]): SessionView {
  // The freshest sign of life: the pane's last output or the agent's last event.
  const meta = withLastSign(s.meta ?? {}, Math.max(rt?.pane ? rt.pane.activityAt * 1000 : 0, rt?.report?.at ?? 0));
  // A corrupt record still belongs somewhere: its id's prefix names the project.
  const prefix = s.id.slice(0, s.id.lastIndexOf("-"));
  const projectId = meta.projectId ?? ctx.config.projects.find((p) => p.sessionPrefix === prefix)?.id ?? "";
  const project = ctx.config.projects.find((p) => p.id === projectId);
  const agent = agentFacts(meta, rt);
  const derived: DerivedStatus = s.error !== undefined
    ? { status: "errored", cause: "unreadable", reason: s.error }
    : meta.killRequestedAt && meta.status !== "killed"
      ? { status: "errored", cause: "kill_interrupted", reason: `kill interrupted (started ${meta.killRequestedAt}); ao session kill ${s.id} finishes it` }
      : deriveStatus(statusFacts(ctx, meta, now, rt, pr, agent));
  return {
    id: s.id,
    workspace: ctx.config.name,
    host: meta.host || LOCAL_HOST,
    projectId,
    projectName: project?.name ?? (projectId || "(unknown project)"),
    ...(project ? {} : { projectGone: true as const }),
    branch: meta.branch || null,
    status: derived.status,
    statusCause: derived.cause,
    statusReason: derived.reason,
    prNumber: pr ? pr.number : prNumberFromUrl(meta.pr),
    prUrl: pr ? pr.url : meta.pr || null,
    ciStatus: pr ? pr.ci : pr === null ? "none" : null,
    reviewDecision: pr ? pr.reviewDecision : pr === null ? "none" : null,
    pendingThreads: pr ? pr.unresolvedThreads : pr === null ? 0 : null,
    failingChecks: pr ? pr.failingChecks.map((c) => c.name) : [],
    activity: rt?.activity ?? null,
    ...(rt?.unrecognized !== undefined ? { unrecognizedScreen: rt.unrecognized } : {}),
    lastActivityAt: meta.lastActivityAt || meta.createdAt || null,
    createdAt: meta.createdAt || null,
    issueId: meta.issueId || null,
    worktree: meta.worktree || null,
    summary: meta.summary || null,
    lastReaction: meta.lastReaction || null,
    permissionsSkipped: meta.permissions === "skip",
    conflicts,
    agent: agentView(rt, meta),
    meta,
  };
}

const HOST_WAIT_MS = 8000;
// Long enough for a new ssh connection (the shared one ended while the host was away) to log in.
const DOWN_HOST_WAIT_MS = 4000;

/** A host's facts with their times moved into this machine's clock (`skew`: how far it is ahead). */
function inLocalClock(f: SessionRuntimeFacts, skew: number): SessionRuntimeFacts {
  return {
    ...f,
    ...(f.pane ? { pane: { ...f.pane, activityAt: f.pane.activityAt - skew / 1000 } } : {}),
    ...(f.report ? { report: { ...f.report, at: f.report.at - skew } } : {}),
    ...(f.events ? { events: f.events.map((e) => ({ ...e, t: e.t - skew })) } : {}),
  };
}

/** "12:04": when a host stopped answering, in the person's own clock. */
const clockTime = (iso: string) => new Date(iso).toTimeString().slice(0, 5);

/** Per record (shared and frozen by the store): what its runtime look asks, made once. */
const queried = new WeakMap<Readonly<Metadata>, { remote: boolean; query: RuntimeQuery }>();

/** What the runtime look asks of a session, the same object while its record is unchanged. */
function runtimeQuery(ctx: AppContext, s: StoredSession, remote: boolean): RuntimeQuery {
  const meta = s.meta!;
  const known = queried.get(meta);
  if (known?.remote === remote) return known.query;
  const agent = agentPlugin(meta.agent ?? "") ?? agentPlugin("generic")!;
  const stateDir = remote ? meta.hostStateDir : ctx.store.dir(s.id);
  const query: RuntimeQuery = Object.freeze({
    id: s.id,
    tmuxName: meta.tmuxName!,
    agent,
    ...(agent.wireHooks && stateDir ? { eventLog: agentEventsPath(stateDir) } : {}),
    promptPending: meta.promptOnLaunch === "1",
    ...(meta.worktree ? { worktree: meta.worktree } : {}),
    mark: sessionMarkKey(ctx.config.name, s.id),
  });
  queried.set(meta, { remote, query });
  return query;
}

/**
 * Runtime facts per host, all hosts at once: one look at each (its panes, the screens worth
 * reading, its agent-event logs). A host that does not answer leaves its sessions unknown, said
 * as such: "host build-1 unreachable since 12:04", never "gone".
 */
async function runtimeFacts(ctx: AppContext, sessions: StoredSession[], now: Date, notes: string[]): Promise<Map<string, SessionRuntimeFacts>> {
  const byHost = sessionsByHost(sessions);
  const out = new Map<string, SessionRuntimeFacts>();
  // One read of what ao kept of the hosts (which were down, their clocks), for all of them.
  const hostsKept = [...byHost.keys()].some((h) => h !== LOCAL_HOST) ? await hostNotes(ctx) : {};
  await Promise.all(
    [...byHost].map(async ([name, list]) => {
      const down = (why: string) => list.forEach((s) => out.set(s.id, { alive: false, hostDown: why }));
      if (!ctx.config.hosts.some((h) => h.name === name)) return down(`host ${name} is not in the config (hosts:)`);
      const m = machine(ctx, name);
      const queries = list.map((s) => runtimeQuery(ctx, s, m.host.remote));
      try {
        // A refresh waits for no host longer than this, and for one already known to be down
        // only briefly: the other hosts' sessions are not held back by it for long.
        // Every half minute a host noted down gets the whole wait again: one slower than the
        // short wait (a login that takes 6 s) stayed "unreachable" for good.
        const wasDown = hostsKept[name]?.unreachableSince !== undefined;
        const short = wasDown && m.host.remote && !(await fullTryDue(ctx, name, now, hostsKept[name]));
        const usual = m.host.timeoutMs;
        if (m.host.remote) m.host.timeoutMs = Math.min(usual, short ? DOWN_HOST_WAIT_MS : HOST_WAIT_MS);
        let skew = 0;
        let facts: Map<string, SessionRuntimeFacts>;
        try {
          // Output times there are in the host's clock: so is the "now" they are compared with.
          if (m.host.remote && !wasDown) skew = await hostClockSkew(ctx, name, m.host, now, hostsKept[name]);
          facts = await m.facts.gather(queries, now.getTime() + skew);
        } finally {
          m.host.timeoutMs = usual;
        }
        for (const [id, f] of facts) out.set(id, skew ? inLocalClock(f, skew) : f);
        if (m.host.remote) await noteHostAnswer(ctx, name, true, now, hostsKept[name]);
      } catch (e) {
        // Any other failure there (no tmux on that host) leaves its own sessions unknown, said
        // why, and everyone else's status stands. So does a local tmux that does not answer (a
        // stopped server): the records still list, nothing is learnt of the panes, and nothing
        // is recorded over them.
        if (!(e instanceof HostUnreachableError)) {
          if (!m.host.remote && e instanceof TmuxNoAnswer) {
            const why = `tmux did not answer within ${e.deadlineMs / 1000} s (is its server stopped?): liveness and activity unknown`;
            notes.push(why);
            return list.forEach((s) => out.set(s.id, { alive: false, unreachable: why }));
          }
          if (!m.host.remote) throw e;
          return list.forEach((s) => out.set(s.id, { alive: false, unreachable: `${name}: ${(e as Error).message}` }));
        }
        const since = (await noteHostAnswer(ctx, name, false, now)) ?? now.toISOString();
        // A host key to check or a login to set up will not mend itself: what to do is said.
        down(`host ${name} unreachable since ${clockTime(since)}${e.needsPerson ? `: ${inert(e.message)}` : ""}`);
      }
    }),
  );
  return out;
}

/**
 * Whether `sha` is work of the session's branch: on it, and not on the project's default branch
 * (an old PR merged into main is on every new branch too).
 */
async function commitIsSessions(repoPath: string, branch: string, defaultBranch: string, sha: string): Promise<boolean> {
  if (!/^[0-9a-f]{40}$/.test(sha)) return false;
  const ancestor = async (ref: string) => (await run("git", ["merge-base", "--is-ancestor", sha, ref], { cwd: repoPath, timeoutMs: 10_000 })).exitCode === 0;
  return (await ancestor(`refs/heads/${branch}`)) && !(await ancestor(`refs/remotes/origin/${defaultBranch}`));
}

/** The PR lookups for GitHub: by branch (or known PR number), per repository. */
function prGroups(ctx: AppContext, stored: StoredSession[]): PrGroup[] {
  const groups = new Map<string, PrQuery[]>();
  for (const s of stored) {
    const m = s.meta;
    if (!m?.branch || m.status === "killed" || m.status === "merged") continue;
    const project = ctx.config.projects.find((p) => p.id === m.projectId);
    if (!project || project.scm === "none") continue;
    const n = prNumberFromUrl(m.pr);
    const q: PrQuery = {
      id: s.id,
      branch: m.branch,
      ...(n !== null ? { prNumber: n } : {}),
      ...(m.createdAt ? { createdAfter: m.createdAt } : {}),
      ownsCommit: (sha) => commitIsSessions(project.path, m.branch!, project.defaultBranch, sha),
    };
    const group = groups.get(project.repo);
    if (group) group.push(q);
    else groups.set(project.repo, [q]);
  }
  return [...groups].map(([repo, queries]) => ({ repo, queries }));
}

/**
 * Causes that say what ao could not learn, not what it saw: shown, never written over the record.
 * `unobservable`: a record naming no tmux session; recorded `errored`, it would stay errored
 * after the record is mended, a fact no look had shown. `unrecognized_screen`: a screen ao
 * could not read; recorded `stuck`, it would outlast the screen in the record.
 */
const UNRECORDED: ReadonlySet<string> = new Set(["booting", "probe_failed", "host_unreachable", "pr_recorded", "unobservable", "unrecognized_screen"]);

/** Status changes worth keeping: the record and the event log follow what the facts show. */
async function recordTransitions(ctx: AppContext, views: SessionView[], seen: Map<string, Metadata>, facts: Map<string, SessionRuntimeFacts>): Promise<void> {
  // Decided synchronously, written only where something changed: the dashboard records every
  // 2 s, and 500 async calls that write nothing were 500 promises of garbage each time.
  const writes: Array<Promise<unknown>> = [];
  for (const v of views) {
    const m = seen.get(v.id);
    // A spawn owns its record until it finishes (it writes working, or errored, itself),
    // unless its process is gone: then the facts decide. A booting agent, a failed probe, an
    // unread GitHub and a record ao cannot look at are no news to record.
    const spawnOwned = !!m && spawnUnfinished(m) && spawnerAlive(m) !== false;
    if (!m?.id || spawnOwned || UNRECORDED.has(v.statusCause)) continue;
    const prChanged = v.prUrl !== null && v.prUrl !== (m.pr ?? null);
    // The conversation id an agent reported (Codex's thread) is what `restore` resumes.
    const idSeen = v.agent?.sessionId && v.agent.sessionId !== m.agentSessionId ? v.agent.sessionId : null;
    const causeChanged = v.status === m.status && v.statusCause !== m.statusCause;
    if (v.status === m.status && !causeChanged && !prChanged && !idSeen) continue;
    if (newerThanFacts(ctx, v.id, facts.get(v.id))) continue;
    writes.push(
      ctx.store
        .updateIfUnchanged(
          v.id,
          m,
          (cur) => ({
            ...(cur.status !== "killed" && (cur.status !== v.status || cur.statusCause !== v.statusCause) ? { status: v.status, statusCause: v.statusCause, statusReason: v.statusReason } : {}),
            ...(prChanged ? { pr: v.prUrl } : {}),
            ...(v.status === "errored" && cur.status !== "errored" ? { errorReason: v.statusReason } : {}),
            ...(idSeen ? { agentSessionId: idSeen } : {}),
          }),
          "status",
          "status",
        )
        .catch(() => {}),
    );
  }
  await Promise.all(writes);
}

/** How much earlier than the write a file's mtime may read: a filesystem's time granularity (FAT's 2 s). */
const MTIME_GRAIN_MS = 2000;

/**
 * Whether the record may have been written after tmux was asked (a look started ahead of the
 * reading): status derived from those older facts must not overwrite it. The next call, its look
 * after the change, records what holds then.
 */
function newerThanFacts(ctx: AppContext, id: string, f: SessionRuntimeFacts | undefined): boolean {
  if (f?.askedAt === undefined) return false;
  const written = ctx.store.writtenAt(id);
  return written === null || written >= f.askedAt - MTIME_GRAIN_MS;
}

/**
 * Every session of the workspace as a person should see it now: status derived from all that
 * is known (metadata, tmux and the agent's screen, GitHub), plus how fresh the GitHub part is.
 */
export async function readSessions(ctx: AppContext, opts: ListOptions = {}): Promise<SessionsSnapshot> {
  const project = opts.project !== undefined ? resolveProject(ctx, opts.project) : undefined;
  const whole = opts.runtime !== false && opts.project === undefined && !opts.ids;
  // A look bin/ao.js started for this run asked tmux as of its start: that is this listing's
  // "now" (a few tens of ms earlier). Its stillness cutoff is then the one bin filled in, and the
  // bundle's own look is that very look; a second boundary between the two had made them differ
  // and the look went unused.
  const begun = whole ? earlyStartAt() : null;
  const now = begun !== null ? new Date(begun) : ctx.now();
  // The local look starts before the records are read, with the wants the last look had: tmux
  // looks while they are read. Its process is made before they are: the reading is synchronous,
  // and a process still on its way to being made (loading child_process is a promise) was made
  // only after it, 500 records later.
  const early = opts.runtime !== false && ctx.runtime.prepareLook !== undefined && ctx.runtimeFacts.expectsPanes();
  // A listing of some sessions only (a project's, some ids) prepares the process alone: the last
  // look's wants would read other sessions' screens too.
  if (early) await (whole ? ctx.runtimeFacts.lookAhead(now.getTime()) : ctx.runtime.prepareLook!());
  try {
    return await readSessionsNow(ctx, opts, project, now);
  } finally {
    if (early) ctx.runtime.dropPreparedLook?.();
  }
}

async function readSessionsNow(ctx: AppContext, opts: ListOptions, project: ProjectConfig | undefined, now: Date): Promise<SessionsSnapshot> {
  const all = await ctx.store.list();
  const stored = all.filter((s) => {
    if (opts.ids && !opts.ids.includes(s.id)) return false;
    if (!project) return true;
    const prefix = s.id.slice(0, s.id.lastIndexOf("-"));
    return (s.meta?.projectId ?? ctx.config.projects.find((p) => p.sessionPrefix === prefix)?.id) === project.id;
  });
  const runtimeNotes: string[] = [];
  const [facts, github, radar] = await Promise.all([
    opts.runtime === false ? new Map<string, SessionRuntimeFacts>() : runtimeFacts(ctx, stored.filter(wantsRuntime), now, runtimeNotes),
    opts.github === "refresh"
      ? ctx.prFacts.refresh(prGroups(ctx, stored), opts.githubMaxAgeMs !== undefined ? { maxAgeMs: opts.githubMaxAgeMs } : {})
      : ctx.prFacts.cached(),
    opts.conflicts === "check" ? checkConflicts(ctx, { fetch: true, stored: all, ...(opts.conflictsFetchMs !== undefined ? { fetchTimeoutMs: opts.conflictsFetchMs } : {}) }) : cachedConflicts(ctx),
  ]);
  const live = (s: StoredSession) => s.meta?.status !== "killed" && s.meta?.status !== "merged";
  // A PR fact looked up for an earlier session of the same id (before a reset) is not this one's.
  const prOf = (s: StoredSession): PrFacts | null | undefined => {
    const pr = (github.owners[s.id] ?? "") === (s.meta?.createdAt ?? "") ? github.prs[s.id] : undefined;
    // ao merged it itself after these facts were fetched: the merge is the newer fact, and an
    // "open" read from before it must not undo it (nor be recorded over it).
    const mergedAt = s.meta?.mergedAt;
    if (pr && pr.state !== "merged" && mergedAt && (!github.fetchedAt || mergedAt > github.fetchedAt)) return { ...pr, state: "merged" };
    return pr;
  };
  const views = stored.map((s) => toView(ctx, s, now, facts.get(s.id), prOf(s), live(s) ? (radar.bySession[s.id] ?? []) : []));
  if (opts.record && opts.runtime !== false) {
    const seen = new Map<string, Metadata>();
    for (const s of stored) if (s.meta) seen.set(s.id, s.meta);
    await recordTransitions(ctx, views, seen, facts);
  }
  return { views: views.filter((v) => opts.all || v.status !== "killed"), github, runtimeNotes };
}

/**
 * Refresh the shared PR snapshot for every session that may have a PR, without looking at tmux;
 * a snapshot younger than `maxAgeMs` that covers them all is kept as it is.
 */
export async function refreshPrFacts(ctx: AppContext, opts: { maxAgeMs?: number } = {}): Promise<PrSnapshot> {
  return ctx.prFacts.refresh(prGroups(ctx, await ctx.store.list()), opts);
}

export async function listSessions(ctx: AppContext, opts: ListOptions = {}): Promise<SessionView[]> {
  return (await readSessions(ctx, opts)).views;
}
