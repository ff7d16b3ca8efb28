import { readFileSync } from "node:fs";
import { PROGRESS_READ_MS, progressReadDue, reconcileActivity, STILL_MS, stillCutoffSec, stillForMs } from "../core/activity.js";
import { agentReport, modelHasTurn, type AgentEvent, type AgentReport } from "../core/agent-events.js";
import { textFingerprint } from "../core/fingerprint.js";
import type { Question } from "../core/question.js";
import type { Activity } from "../core/types.js";
import { clockJumpMs, elapsedSince, monoStamp } from "../metadata/clock.js";
import { writeCacheFile } from "../metadata/private.js";
import { processesInEach, type WorktreeProcess } from "../plugins/runtime/processes.js";
import { deadPaneWords, LAST_WORDS_LINES, signalName } from "../plugins/runtime/tmux-look.js";
import { localHost } from "../plugins/host/local.js";
import type { Host } from "../plugins/host/types.js";
import type { AgentPlugin, PaneFacts, PaneLook, RuntimePlugin, ScreenWant, StillActivity } from "../plugins/types.js";
import { LocalEventLogs, type EventLogReader } from "./agent-events.js";
import { CUTOFF_TOKEN, NONCE_TOKEN, saveLookAhead, type LookAheadWhen } from "./look-ahead.js";

export interface SessionRuntimeFacts {
  alive: boolean;
  /** tmux has no such session, yet processes run in the session's worktree: tmux is unreachable, not the agent gone. */
  unreachable?: string;
  /** The host it runs on does not answer: nothing is known of it ("host build-1 unreachable since 12:04"). */
  hostDown?: string;
  activity?: Activity;
  pane?: PaneFacts;
  /** How long since the pane's last output, with any wall-clock jump since ao first saw it taken out. */
  quietMs?: number;
  /** Where the activity came from: the agent's events, or its screen. */
  source?: "event" | "screen";
  /** Whether the agent has shown anything yet (a non-blank screen, or an event). */
  seen?: boolean;
  /**
   * Its still screen is none its agent plugin knows (not its prompt, no dialog, no busy line),
   * and no event speaks for it: so it has no activity. Its last non-blank line (outside text).
   */
  unrecognized?: string;
  /** What the agent asks, from its event or its screen. */
  question?: Question | null;
  /** The agent's own account, when it reports events. */
  report?: AgentReport;
  /**
   * The error its last turn ended on, read off the screen it is at rest on now (its prompt is
   * back, nothing moves): Codex and Gemini print one and return to their prompt.
   */
  turnError?: string;
  /**
   * A working agent whose screen shows nothing new but its spinner: since when (ms) ao has seen
   * it so, or its spinner's clock says it waits on the model's first reply; whose turn it is.
   */
  noProgress?: { ms: number; unanswered: boolean; modelsTurn: boolean; moving: boolean };
  /** Its newest events, for the detail view. */
  events?: AgentEvent[];
  /** A dead pane's last words: its exit status and last lines (outside text). */
  lastWords?: string;
  /**
   * When tmux was asked, if that was before the caller read the records (a look started ahead):
   * a record changed since then is newer than these facts.
   */
  askedAt?: number;
}

export interface RuntimeQuery {
  id: string;
  tmuxName: string;
  agent: AgentPlugin;
  /** Where the agent works: looked into when tmux does not know the session. */
  worktree?: string;
  /**
   * Whether the screen is worth reading when it goes still (default true). false when another
   * source (the agent's own events) already says what the agent does: the pane is still listed,
   * for liveness and output time, but never captured.
   */
  readScreen?: boolean;
  /** The session's agent-event log, for agents that report through hooks. */
  eventLog?: string;
  /** The task went in on the command line and the agent has not taken it yet. */
  promptPending?: boolean;
  /** `<workspace>/<id>`: the mark the processes ao started for the session carry (sessionMark). */
  mark?: string;
}

/** The events of a session that reports none: one shared (frozen) empty list, not one per refresh. */
const NO_EVENTS = Object.freeze([]) as unknown as AgentEvent[];

/** A "still before" that every output time meets: read the screen whether or not it moves. */
const ANY_TIME = 9_999_999_999;

interface CacheEntry {
  /** The output time of the screen last read; absent until one was. */
  activityAt?: number;
  /** What the still screen said; absent until it was read. */
  still?: StillActivity;
  /** When ao first saw the output time `seenFor`: wall ms and a monotonic stamp (metadata/clock.ts). */
  seenFor?: number;
  seenAt?: number;
  seenMono?: string;
  /** When it was read; a moving screen is read again at most once a second. */
  at?: number;
  /** Whether the screen was still when read. */
  wasStill?: boolean;
  /** A blank screen is an agent still booting. */
  blank?: boolean;
  /** A screen read "unknown": its last non-blank line, for the reason that says so. */
  unknownLine?: string;
  /** A screen its agent plugin knows (not blank, not "unknown") has been read: it is past booting. */
  known?: boolean;
  question?: Question | null;
  /** What a still screen at the prompt shows the last turn ended on (agent plugin's readTurnError). */
  turnError?: string | null;
  /**
   * A dialog seen on two reads in a row while the screen moved: it stays up, so it counts
   * although something on it animates (Codex's approval menu). One read is not enough: it may
   * have caught the last frame of a question just answered.
   */
  movingDialog?: boolean;
  /** false: its session's screen is not read (its agent's events speak for it), so no look asks for it. */
  screen?: false;
  /** A dead pane's last words (its exit status, its last lines), read once: `seenFor` dates them. */
  lastWords?: string;
  /** The last gather found it working: its moving screen is read now and then (PROGRESS_READ_MS). */
  busy?: boolean;
  /** What its busy screen showed of the work (agent plugin's progressOf; its textFingerprint), and since when (ms) unchanged. */
  progress?: string;
  progressAt?: number;
  /** `progressAt` on the monotonic clock (metadata/clock.ts): time since it is measured across a wall-clock jump or a suspend. */
  progressMono?: string;
  /** With `progress`: nothing from the model under the prompt yet, and how long its spinner's clock says. */
  unanswered?: boolean;
  waitedMs?: number | null;
}


/**
 * A dead pane's last words as a reason names them: "status 5: Error: lost connection / …". The
 * agent's own screen furniture is no part of them: after Claude Code's /exit they were its
 * slash-command menu.
 */
function lastWordsOf(capture: string, pane: PaneFacts, agent: AgentPlugin): string {
  const { status, signal, last } = deadPaneWords(agent.exitWords?.(capture) ?? capture, pane.deadStatus, pane.deadSignal);
  const how = status !== null ? `status ${status}` : signal !== null ? `ended by ${signalName(signal)}` : "";
  return [how, last.map((l) => l.trim()).join(" / ")].filter(Boolean).join(": ");
}
type PaneCache = Record<string, CacheEntry>;

/**
 * A screen's last non-blank line, trimmed and cut short: what a reason quotes of it. tmux prints
 * one row per line: rows of the widest length before it are the same line, wrapped.
 */
function lastLine(text: string): string {
  const rows = text.split("\n").map((l) => l.trimEnd());
  const end = rows.findLastIndex((l) => l.trim() !== "");
  if (end === -1) return "";
  const width = Math.max(...rows.map((l) => l.length));
  let start = end;
  while (start > 0 && end - start < 4 && rows[start - 1]!.length === width) start--;
  return rows.slice(start, end + 1).join("").trim().slice(0, 200);
}

/**
 * How long a working agent's screen has shown nothing new but its spinner, as ao saw it (reads
 * about PROGRESS_READ_MS apart: progressReadDue) or, before the model's first reply, as its spinner's clock says;
 * an event from the agent since is news. Nothing is said from a read too old to speak for now.
 */
function noProgressOf(entry: CacheEntry, events: readonly AgentEvent[], now: number, moving: boolean): SessionRuntimeFacts["noProgress"] {
  // A still screen was read at its last output: tmux vouches it is unchanged since.
  if (entry.progress === undefined || entry.progressAt === undefined || (moving && now - (entry.at ?? 0) > 3 * PROGRESS_READ_MS)) return undefined;
  // On the monotonic clock: a wall clock set forward, or a machine suspended (its monotonic
  // clock stands still meanwhile), is no minute of a request left unanswered.
  const seen = Math.max(0, elapsedSince(entry.progressAt, entry.progressMono, now));
  const ms = entry.unanswered && entry.waitedMs != null ? Math.max(seen, entry.waitedMs) : seen;
  return { ms, unanswered: entry.unanswered === true, modelsTurn: entry.unanswered === true || modelHasTurn(events), moving };
}

/** What a look asks of each named pane, from what the cache remembers of its screen. */
function wantsOf(names: readonly string[], cache: PaneCache, stillBefore: number, now?: number): ScreenWant[] {
  return names.map((name) => {
    // A screen last read while it moved is read again once still.
    const known = cache[name]?.wasStill === false ? undefined : cache[name]?.activityAt;
    // Until an agent has shown a screen its plugin knows, its screen is read even while it
    // moves, in the same tmux process: a blank one, or one it does not know (a warning printed
    // before its interface draws), is booting; its prompt, a dialog or its spinner is not.
    const booting = cache[name]?.blank !== false || cache[name]?.known !== true;
    // A working agent's spinner keeps its screen moving: now and then it is read all the same, to
    // see whether anything else moved (a hung model request moves nothing else).
    const progressDue = now !== undefined && cache[name]?.busy === true && progressReadDue(name, cache[name]?.at ?? 0, now);
    return { name, stillBefore: booting || progressDue ? ANY_TIME : stillBefore, ...(known !== undefined ? { knownActivityAt: known } : {}) };
  });
}

/**
 * Liveness and activity for many sessions in one runtime look: every pane, plus the screens of
 * panes that are still and whose last output time moved since the screen was last read, all in
 * one tmux process. What each still screen said is remembered (in memory, and in AO_HOME/cache
 * between CLI runs), so an unchanged pane is never captured twice.
 */
export class RuntimeFacts {
  private cache: PaneCache | null = null;

  /**
   * `readyThreshold`: when a still agent reads as idle (a function: the config in use, which an
   * edit may change); `host`: where the panes and the worktrees are; `events`: how their
   * agent-event logs are read.
   */
  constructor(
    private readonly runtime: RuntimePlugin,
    private readonly cacheFile: string,
    private readonly readyThreshold: number | (() => number),
    private readonly host: Host = localHost,
    readonly events: EventLogReader = new LocalEventLogs(),
    /** Where a CLI run leaves its next run's look to start early (services/look-ahead.ts). */
    private readonly aheadFile?: { path: string; when: LookAheadWhen },
  ) {}

  private loadCache(): PaneCache {
    if (this.cache) return this.cache;
    try {
      // Synchronous: one small file, read once per process; the promise API costs more than the read.
      this.cache = JSON.parse(readFileSync(this.cacheFile, "utf8")) as PaneCache;
    } catch {
      this.cache = {};
    }
    return this.cache;
  }

  /** Whether the last look found panes here: then the next one is worth starting early. */
  expectsPanes(): boolean {
    return Object.keys(this.loadCache()).length > 0;
  }

  /** Whether this has gathered before: a process that looks again and again no longer looks ahead. */
  private gathered = false;

  /**
   * The look for `wants`. One started ahead of the caller's reading of the records may predate
   * them: a session spawned or restored since has a record but no pane in it. Any pane it lacks
   * or found dead is asked again, by a look started now, before it is taken for gone.
   */
  private async confirmedLook(queries: readonly RuntimeQuery[], wants: ScreenWant[]): Promise<PaneLook> {
    const look = await this.runtime.look(wants);
    if (look.startedAt === undefined) return look;
    const alive = new Set(look.panes.filter((p) => !p.dead).map((p) => p.name));
    return queries.some((q) => !alive.has(q.tmuxName)) ? this.runtime.look(wants) : look;
  }

  /**
   * Start now the look a gather at `now` is likely to ask for: the screens the last look knew,
   * as they stand in the cache. The records are then read while tmux looks. A gather whose
   * wants turn out otherwise (a session new since) has the rest read by name.
   */
  async lookAhead(now: number): Promise<void> {
    if (!this.runtime.prepareLook) return;
    // The dashboard's refreshes keep their looks after their records: a look ahead would cost a
    // second process at each refresh while a session's pane is gone. Its process still starts early.
    if (this.gathered) return this.runtime.prepareLook();
    const cache = this.loadCache();
    const names = Object.keys(cache).filter((name) => cache[name]!.screen !== false);
    // As the first gather asks (no progress reads: see gather).
    await this.runtime.prepareLook(wantsOf(names, cache, stillCutoffSec(now)));
  }

  private async saveCache(cache: PaneCache): Promise<void> {
    // A cache that cannot be written costs a capture next time, nothing more.
    await writeCacheFile(this.cacheFile, JSON.stringify(cache));
  }

  async gather(queries: RuntimeQuery[], now = Date.now()): Promise<Map<string, SessionRuntimeFacts>> {
    const out = new Map<string, SessionRuntimeFacts>();
    if (queries.length === 0) return out;
    const readyThresholdMs = typeof this.readyThreshold === "function" ? this.readyThreshold() : this.readyThreshold;
    const cache = this.loadCache();
    // A process's first look reads no working agent's moving screen for progress: it asks what
    // the look bin/ao.js started ahead asked (the wants the last run left, which cannot know the
    // time), so a one-shot command stays one tmux process. A dashboard's or watch's later looks
    // do; what they saw is in the shared cache for the commands.
    const wants = wantsOf(
      queries.filter((q) => q.readScreen !== false).map((q) => q.tmuxName),
      cache,
      stillCutoffSec(now),
      this.gathered ? now : undefined,
    );
    // The event logs are read beside the tmux look, not after it: on another host the two ride
    // the one shared connection at once, so a refresh waits for one round trip, not two. A log
    // is only new lines' worth of work when its pane is gone, and none when it did not grow.
    const logs = queries.filter((q) => q.eventLog).map((q) => q.eventLog!);
    // A process's first look leaves the next run's (a dashboard's later ones would only churn it).
    const leaveAhead = !this.gathered && this.aheadFile;
    this.gathered = true;
    const [look, eventsByLog] = await Promise.all([
      this.confirmedLook(queries, wants),
      logs.length ? this.events.readMany(logs).catch(() => new Map<string, AgentEvent[]>()) : new Map<string, AgentEvent[]>(),
    ]);
    const panes = new Map(look.panes.map((p) => [p.name, p]));
    // Sessions tmux does not know: one look at which processes still work in their worktrees.
    const missing = queries.filter((q) => !panes.has(q.tmuxName) && q.worktree).map((q) => q.worktree!);
    const inWorktree = missing.length ? await processesInEach(missing, this.host) : new Map<string, WorktreeProcess[]>();
    // What panes that died since the last look said as their agents exited: read once each
    // (remain-on-exit keeps the pane). The look reads those that spoke since it last read them;
    // the rest (one that died silently, or another ao read first) all at once after it.
    const newlyDead = queries.filter((q) => panes.get(q.tmuxName)?.dead && cache[q.tmuxName]?.lastWords === undefined && !look.lastWords?.has(q.tmuxName));
    const deadScreens = new Map([
      ...(look.lastWords ?? []),
      ...(await Promise.all(newlyDead.map(async (q) => [q.tmuxName, await this.runtime.capture(q.tmuxName, LAST_WORDS_LINES).catch(() => "")] as const))),
    ]);
    let dirty = false;
    for (const q of queries) {
      const pane = panes.get(q.tmuxName);
      if (!pane) {
        // A tmux server whose socket file was deleted still runs its agents but answers no
        // one: "no session" then is not "the agent is gone". Only what ao started for the
        // session counts: a person's shell or editor in the worktree says nothing of the agent.
        const procs = ((q.worktree && inWorktree.get(q.worktree)) || []).filter((p) => q.mark === undefined || p.session === q.mark);
        const unreachable = procs.length
          ? `tmux does not know ${q.tmuxName}, yet ${procs.length} process${procs.length === 1 ? "" : "es"} ao started for it run in its worktree (pid ${procs.map((p) => p.pid).slice(0, 5).join(", ")}): the tmux server may be unreachable (its socket deleted)`
          : undefined;
        out.set(q.id, { alive: false, ...(unreachable ? { unreachable } : {}) });
        continue;
      }
      const events = (q.eventLog && eventsByLog.get(q.eventLog)) || NO_EVENTS;
      const report = agentReport(events, { promptPending: q.promptPending ?? false });
      const prev = cache[q.tmuxName];
      if (!prev || prev.seenFor !== pane.activityAt) {
        const mono = monoStamp();
        cache[q.tmuxName] = { ...prev, seenFor: pane.activityAt, seenAt: now, ...(mono ? { seenMono: mono } : {}) };
        dirty = true;
      }
      if ((q.readScreen === false) !== (cache[q.tmuxName]!.screen === false)) {
        const { screen: _, ...entry } = cache[q.tmuxName]!;
        cache[q.tmuxName] = q.readScreen === false ? { ...entry, screen: false } : entry;
        dirty = true;
      }
      const isStill = stillForMs(pane.activityAt, now) >= STILL_MS;
      const read = (text: string, activityAt: number) => {
        const still = q.agent.classifyStill({ capture: text, dead: pane.dead });
        const dialog = still === "waiting_input" || still === "blocked";
        const question = dialog ? (q.agent.readQuestion?.(text) ?? null) : null;
        const turnError = isStill && still === "ready" ? (q.agent.readTurnError?.(text) ?? null) : null;
        const movingDialog = !isStill && dialog && prev?.wasStill === false && prev.still === still;
        // The same work on screen as last read (its spinner aside) keeps the time it was first seen.
        const p = q.agent.progressOf?.(text) ?? null;
        // Kept as a fingerprint: the shared cache is written at every look that saw a pane move,
        // and 500 busy screens' text in it was 0.9 MB a look.
        const shown = p ? textFingerprint(p.shown) : undefined;
        const same = shown !== undefined && shown === prev?.progress && prev?.progressAt !== undefined;
        const progress = p
          ? { progress: shown, ...(same ? { progressAt: prev.progressAt, progressMono: prev.progressMono } : { progressAt: now, progressMono: monoStamp() }), unanswered: p.unanswered, waitedMs: p.waitedMs }
          : { progress: undefined, progressAt: undefined, progressMono: undefined, unanswered: undefined, waitedMs: undefined };
        const blank = text.trim() === "";
        const unknownLine = still === "unknown" ? lastLine(text) : undefined;
        const known = prev?.known === true || (!blank && still !== "unknown");
        cache[q.tmuxName] = { ...cache[q.tmuxName], activityAt, at: now, wasStill: isStill, still, blank, unknownLine, known, question, turnError, movingDialog, ...progress };
        dirty = true;
      };
      const screen = look.screens.get(q.tmuxName);
      if (pane.dead && cache[q.tmuxName]!.lastWords === undefined) {
        // "agent exited" alone left a person to attach and look, and restoring will not help a missing key.
        cache[q.tmuxName] = { ...cache[q.tmuxName], lastWords: lastWordsOf(deadScreens.get(q.tmuxName) ?? "", pane, q.agent) };
        dirty = true;
      } else if (!pane.dead && cache[q.tmuxName]!.lastWords !== undefined) {
        // Alive again (restored): its next exit's words are read afresh.
        const { lastWords: _, ...rest } = cache[q.tmuxName]!;
        cache[q.tmuxName] = rest;
        dirty = true;
      }
      if (screen && !pane.dead) read(screen.text, screen.activityAt);
      else if (!pane.dead && !isStill && q.agent.dialogsAnimate) {
        // An agent whose dialogs animate (Codex) has its moving screen read too, at most once a
        // second (its own tmux call): a dialog on it needs the person although it never goes still.
        if (prev?.activityAt !== pane.activityAt && now - (prev?.at ?? 0) >= 1000) {
          read(await this.runtime.capture(q.tmuxName).catch(() => ""), pane.activityAt);
        }
      }
      const cached = cache[q.tmuxName];
      // tmux dates output by the wall clock: if that clock jumped since ao first saw this
      // output time, "quiet for 2 h" would be the jump, not the agent. Take the jump out.
      const at = now - (cached?.seenAt !== undefined ? clockJumpMs(cached.seenAt, cached.seenMono, now) : 0);
      const still = cached && cached.activityAt === pane.activityAt ? cached.still : undefined;
      const reconciled = reconcileActivity({
        dead: pane.dead,
        activityAtSec: pane.activityAt,
        nowMs: at,
        readyThresholdMs,
        // A still pane whose screen was not read (tmux, deciding by the look's cutoff, found it
        // moving; ao's clock, a moment later, counts it still) shows nothing ao has seen: unknown
        // until a look reads it, which the next one does. Counted as at its prompt, an agent on a
        // question read as having finished its turn until then, and that was recorded.
        classifyStill: () => still ?? "unknown",
        ...(cached?.movingDialog && cached.still && !isStill && pane.activityAt - (cached.activityAt ?? 0) <= 1 ? { movingShows: cached.still } : {}),
        ...(report ? { event: { activity: report.activity, at: report.at, ...(report.reportsPrompts ? { reportsPrompts: true } : {}) } } : {}),
      });
      const seen = events.length > 0 || cached?.blank === false || pane.dead;
      // A screen read blank (the agent not drawn yet) and no event is no evidence of anything:
      // not "ready" (a still screen with no prompt on it), nor "active". Unknown until it shows.
      // A screen not read (it moves) is output all the same.
      // Output that moves, on a screen its agent plugin does not know and never has known (what
      // it prints before its interface draws), and no event: no evidence it works either.
      const bootScreen = !pane.dead && events.length === 0 && cached?.known !== true && cached?.still === "unknown" && cached.activityAt === pane.activityAt;
      const activity = (seen || cached?.blank !== true) && !bootScreen ? reconciled.activity : undefined;
      const source = reconciled.source;
      // A drawn screen its agent plugin does not know, and no event: no activity either, and
      // what it shows is said (a booting Codex's "WARNING: …" line, an update notice).
      const unrecognized = activity === undefined && seen && !pane.dead && (still === "unknown" || bootScreen) ? (cached?.unknownLine ?? "") : undefined;
      const question = activity === "waiting_input" || activity === "blocked" ? ((source === "event" ? report?.question : cached?.question) ?? null) : null;
      // The error stands only while the agent sits at its prompt on the very screen that shows it:
      // any output since (a new prompt typed, a turn begun) has it read again, or not at all.
      const turnError = (activity === "ready" || activity === "idle") && still === "ready" && cached?.turnError ? cached.turnError : undefined;
      if ((activity === "active") !== (cached?.busy === true)) {
        cache[q.tmuxName] = { ...cache[q.tmuxName], busy: activity === "active" };
        dirty = true;
      }
      // An event from the agent since the work last moved on its screen is news: the time without
      // progress counts from it, stamped on the monotonic clock as of its own time.
      const lastEvent = events.at(-1)?.t;
      const entry = cache[q.tmuxName]!;
      if (activity === "active" && entry.progressAt !== undefined && lastEvent !== undefined && lastEvent > entry.progressAt) {
        cache[q.tmuxName] = { ...entry, progressAt: lastEvent, progressMono: monoStamp(Math.max(0, now - lastEvent)) };
        dirty = true;
      }
      const noProgress = activity === "active" ? noProgressOf(cache[q.tmuxName]!, events, now, !isStill) : undefined;
      out.set(q.id, { alive: true, ...(activity ? { activity } : {}), pane, source, seen, ...(unrecognized !== undefined ? { unrecognized } : {}), question, ...(turnError ? { turnError } : {}), ...(noProgress ? { noProgress } : {}), ...(pane.dead && cache[q.tmuxName]?.lastWords ? { lastWords: cache[q.tmuxName]!.lastWords } : {}), ...(report ? { report } : {}), events: events.length ? events.slice(-20) : events, quietMs: Math.max(0, at - pane.activityAt * 1000), ...(look.startedAt !== undefined ? { askedAt: look.startedAt } : {}) });
    }
    // What tmux no longer has is forgotten: a workspace whose panes are all gone expects none
    // (and starts no look ahead of its listings), and a name used again starts unread.
    for (const name of Object.keys(cache)) {
      if (panes.has(name)) continue;
      delete cache[name];
      dirty = true;
    }
    if (dirty) await this.saveCache(cache);
    if (leaveAhead) {
      // What the next run's look ahead will ask, from the cache as it now stands.
      const names = Object.keys(cache).filter((name) => cache[name]!.screen !== false);
      await saveLookAhead(leaveAhead.path, leaveAhead.when, this.runtime.lookAheadFor?.(wantsOf(names, cache, CUTOFF_TOKEN), NONCE_TOKEN) ?? null, STILL_MS);
    }
    return out;
  }
}
