import path from "node:path";
import type { AppContext } from "../app.js";
import { draftOf } from "../core/draft.js";
import { QuestionPendingError } from "../core/errors.js";
import { questionNoun } from "../core/question.js";
import { inert } from "../core/sanitize.js";
import type { NotifierConfig } from "../config/types.js";
import { rebaseMessage } from "../core/conflicts.js";
import { elapsedSince } from "../metadata/clock.js";
import { tryLock, type LockHandle } from "../metadata/lock.js";
import { mkdirPrivate } from "../metadata/private.js";
import { changesRequestedMessage, ciFailedMessage, notificationTitle } from "../core/reaction-messages.js";
import { decide, interruptedSend, reactionFor, type Decision, type ReactionKind, type ReactionRecord } from "../core/reactions.js";
import type { SessionView } from "../core/types.js";
import { agentPlugin } from "../plugins/agent/index.js";
import { bellNotifier, desktopNotifier, webhookNotifier } from "../plugins/notifier/index.js";
import type { Notification, NotifierPlugin, PrDetails, ScmPlugin } from "../plugins/types.js";
import { applyCleanup, cleanupPlan } from "./cleanup.js";
import { mergeSession } from "./merge.js";
import { sendMessage } from "./messenger.js";
import { sessionMachine } from "./machines.js";
import { workspaceGitHub } from "./github.js";
import { readSessions } from "./sessions.js";

export interface ReactionReport {
  id: string;
  reaction: ReactionKind;
  action: ReactionRecord["action"];
  outcome?: string;
  detail?: string;
}

export interface LifecycleOptions {
  /** Overrides the configured notifiers (tests). */
  notifiers?: Array<{ plugin: NotifierPlugin; priorities: NotifierConfig["priorities"] }>;
  scm?: () => Promise<ScmPlugin | null>;
  onReaction?: (r: ReactionReport) => void;
  /** How long a send waits for a busy agent before sending anyway. */
  sendTimeoutMs?: number;
  /**
   * "cached" when something else already refreshes GitHub on its own schedule (the dashboard),
   * so one process never asks twice per interval; default "refresh" (`ao watch`).
   */
  github?: "cached" | "refresh";
  /** Ring the terminal bell as well, unless a bell notifier is configured (the dashboard). */
  bell?: boolean;
}


/**
 * The service that watches sessions and reacts: tells an agent what CI or a reviewer says, and
 * tells the person what needs them. Runs inside `ao ui` and as `ao watch`; only one instance
 * per workspace acts (a pid file), so two dashboards never send twice. What was done is kept
 * in each session's event log, so a restart repeats nothing.
 */
export class LifecycleService {
  private readonly leaderLock: string;
  private leader: LockHandle | null = null;
  private made: { from: readonly unknown[]; notifiers: Array<{ plugin: NotifierPlugin; priorities: NotifierConfig["priorities"] }> } | null = null;

  constructor(
    private readonly ctx: AppContext,
    private readonly opts: LifecycleOptions = {},
  ) {
    this.leaderLock = path.join(ctx.store.root, ".lifecycle");
  }

  /** The notifiers of the config in use: an edit that adds or changes one applies without a restart. */
  private get notifiers(): Array<{ plugin: NotifierPlugin; priorities: NotifierConfig["priorities"] }> {
    const from = this.opts.notifiers ?? this.ctx.config.notifiers;
    if (this.made?.from === from) return this.made.notifiers;
    const notifiers =
      this.opts.notifiers?.slice() ??
      this.ctx.config.notifiers.map((n) => ({
        plugin: n.type === "webhook" ? webhookNotifier(n.url!) : n.type === "bell" ? bellNotifier() : desktopNotifier(this.ctx.env),
        priorities: n.priorities,
      }));
    // Whoever watches the dashboard hears it, with or without a desktop to show notifications.
    if (this.opts.bell && !notifiers.some((x) => x.plugin.name === "bell")) {
      notifiers.push({ plugin: bellNotifier(), priorities: ["urgent", "action", "info"] });
    }
    this.made = { from, notifiers };
    return notifiers;
  }

  /**
   * Become the workspace's one acting instance, unless a live process already is. The leader
   * holds a lock (owner named by pid and start time): of any number of processes starting at
   * once over a dead leader's lock, exactly one takes it.
   */
  async acquire(): Promise<boolean> {
    if (this.leader) return true;
    await mkdirPrivate(this.ctx.store.root);
    for (;;) {
      const r = await tryLock(this.leaderLock);
      if (r === "busy") return false;
      if (r !== "retry") {
        this.leader = r;
        return true;
      }
    }
  }

  async release(): Promise<void> {
    const held = this.leader;
    this.leader = null;
    if (held) await held.release().catch(() => {});
  }

  /**
   * One poll: refresh facts, then react to every session that has something to react to. A
   * tick woken by an agent's event passes github "cached": GitHub keeps its own pace.
   */
  tick(opts: { github?: "cached" | "refresh" } = {}): Promise<ReactionReport[]> {
    // One tick at a time: the poll's and a wake-up's ticks ran at once, each reading the
    // reaction history before the other wrote it, and the same message was sent twice.
    const next = this.ticking.then(() => this.tickNow(opts));
    this.ticking = next.catch(() => undefined);
    return next;
  }

  private ticking: Promise<unknown> = Promise.resolve();

  private async tickNow(opts: { github?: "cached" | "refresh" }): Promise<ReactionReport[]> {
    if (!(await this.acquire())) return [];
    const github = opts.github ?? this.opts.github ?? "refresh";
    // Where nothing else runs the conflict radar (ao watch), the lifecycle does, on its cadence.
    const { views } = await readSessions(this.ctx, { github, record: true, conflicts: github === "refresh" ? "check" : "cached" });
    const reports = await Promise.all(
      views.map(async (v) => {
        const done = await this.react(v).catch((e: Error) => [{ id: v.id, reaction: reactionFor(v.status)!, action: "skipped" as const, detail: e.message }]);
        return [...done, ...(await this.reactToConflict(v).catch(() => []))];
      }),
    );
    return reports.flat().filter((r) => r.reaction);
  }

  /**
   * `conflict: { action: send-to-agent }` (opt-in): a session whose branch would conflict with
   * its base is told to rebase, once per base tip; a new tip that still conflicts tells it again.
   */
  private async reactToConflict(v: SessionView): Promise<ReactionReport[]> {
    const base = v.conflicts.find((c) => c.kind === "base");
    const project = this.ctx.config.projects.find((p) => p.id === v.projectId);
    if (!base?.tip || !project || v.status === "killed" || v.status === "merged") return [];
    const config = project.reactions.conflict;
    if (config.action === "none") return [];
    const { records } = await this.history(v.id);
    const fingerprint = `${base.with}@${base.tip}`;
    const decision = decide({ config, kind: "conflict", fingerprint, history: records, nowMs: this.ctx.now().getTime(), sinceMs: 0 });
    if (decision.do !== "send" && decision.do !== "notify") return [];
    let outcome: string | undefined;
    if (decision.do === "send") {
      const message = rebaseMessage(v.branch ?? "this branch", base.with, base.tip, base.files);
      outcome = await sendMessage(this.ctx, v.id, message, { actor: "reaction", timeoutMs: this.opts.sendTimeoutMs ?? 60_000 }).then(
        (r) => r.outcome as string,
        () => "failed",
      );
    } else {
      await this.notify({ title: notificationTitle("conflict", v.id), body: `would conflict with ${base.with} in ${base.files.join(", ")}`, priority: config.priority, sessionId: v.id, reaction: "conflict" });
    }
    const action = decision.do === "send" ? ("sent" as const) : ("notified" as const);
    await this.ctx.store.appendEvent(v.id, { actor: "reaction", kind: "reaction", reaction: "conflict", fingerprint, action, ...(outcome ? { outcome } : {}) });
    await this.ctx.store
      .update(v.id, () => ({ lastReaction: `conflict: ${action}${outcome ? ` (${outcome})` : ""}`, lastReactionAt: this.ctx.now().toISOString() }), "reaction", "reaction-note")
      .catch(() => {});
    const report: ReactionReport = { id: v.id, reaction: "conflict", action, ...(outcome ? { outcome } : {}) };
    this.opts.onReaction?.(report);
    return [report];
  }

  private async history(id: string): Promise<{ records: ReactionRecord[]; since: Map<string, number> }> {
    // Event times are moved into today's wall-clock frame: after the clock jumps 2 h forward, a
    // status that began a minute ago is a minute old, not two hours (see metadata/clock.ts).
    const nowMs = this.ctx.now().getTime();
    const events = (await this.ctx.store.events(id)).map((e) => {
      const t = Date.parse(e.time);
      return Number.isNaN(t) ? e : { ...e, time: new Date(nowMs - elapsedSince(t, typeof e.mono === "string" ? e.mono : undefined, nowMs)).toISOString() };
    });
    const records = events.filter((e) => e.kind === "reaction") as unknown as ReactionRecord[];
    // When each status began: the last change into it.
    const since = new Map<string, number>();
    // A new cause within the same status (a finished turn, then a permission prompt) is news too.
    let current: string | undefined;
    for (const e of events) {
      if (e.kind !== "status") continue;
      current = e.after?.status ?? current;
      if (current && (e.after?.status || e.after?.statusCause)) since.set(current, Date.parse(e.time));
    }
    return { records, since };
  }

  private async react(v: SessionView): Promise<ReactionReport[]> {
    const kind = reactionFor(v.status);
    if (!kind) return [];
    const project = this.ctx.config.projects.find((p) => p.id === v.projectId);
    if (!project) return [];
    const config = project.reactions[kind];
    if (config.action === "none") return [];
    const { records, since } = await this.history(v.id);
    const sinceMs = since.get(v.status) ?? (Date.parse(v.createdAt ?? "") || 0);

    // CI and review events are told apart by what they are about: the commit and the failing
    // checks, or the set of unresolved threads. Others by when the status began.
    let details: PrDetails | null = null;
    let fingerprint = `${kind}@${new Date(sinceMs).toISOString()}`;
    if ((kind === "ci-failed" || kind === "changes-requested") && v.prNumber !== null) {
      // The status may come from PR facts a while old (a wake-up's tick reads them cached):
      // it is read again from GitHub before the agent is told anything. A CI that went green
      // or a review that was approved meanwhile is no event.
      const fresh = (await readSessions(this.ctx, { ids: [v.id], github: "refresh", githubMaxAgeMs: 0 })).views[0];
      if (!fresh || reactionFor(fresh.status) !== kind) return [];
      details = await this.details(project.repo, v.prNumber);
      if (!details) return [];
      // Nothing failing to name (the checks not in yet, or passed since): told next time, if so.
      if (kind === "ci-failed" && details.failingChecks.length === 0 && !details.unreadable?.length) return [];
      fingerprint =
        kind === "ci-failed"
          ? `${details.headSha}:${details.failingChecks.map((c) => c.name).sort().join(",")}`
          : details.unresolvedThreads.map((t) => t.id).sort().join(",");
    }
    const now = this.ctx.now().getTime();
    const message =
      kind === "ci-failed" && details
        ? ciFailedMessage(v.prNumber!, details.headSha, details.failingChecks)
        : kind === "changes-requested" && details
          ? changesRequestedMessage(v.prNumber!, details.unresolvedThreads, details.unreadable, v.prUrl)
          : `${v.statusReason}. Please look into it.`;
    const interrupted = interruptedSend(records, kind, fingerprint);
    const decision: Decision = interrupted ? { do: "nothing", why: "a send was interrupted" } : decide({ config, kind, fingerprint, history: records, nowMs: now, sinceMs });
    const record = async (r: Omit<ReactionRecord, "time" | "reaction" | "fingerprint">, detail?: string): Promise<ReactionReport> => {
      await this.ctx.store.appendEvent(v.id, { actor: "reaction", kind: "reaction", reaction: kind, fingerprint, ...r, ...(detail ? { detail } : {}) });
      await this.ctx.store
        // When it was done (a send takes up to a minute), not when it was decided.
        .update(v.id, () => ({ lastReaction: `${kind}: ${r.action}${r.outcome ? ` (${r.outcome})` : ""}`, lastReactionAt: this.ctx.now().toISOString() }), "reaction", "reaction-note")
        .catch(() => {});
      const report: ReactionReport = { id: v.id, reaction: kind, action: r.action, ...(r.outcome ? { outcome: r.outcome } : {}), ...(detail ? { detail } : {}) };
      this.opts.onReaction?.(report);
      return report;
    };

    if (interrupted) {
      // ao stopped between sending and recording the outcome: find out whether it arrived,
      // and if that cannot be seen, hand it to the person. Sending again could tell twice.
      const arrived = await this.arrived(v, message, interrupted.time);
      if (arrived) return [await record({ action: "sent", outcome: arrived }, "an interrupted send; it had arrived")];
      await this.notify({ title: notificationTitle("escalation", v.id), body: `${v.statusReason}: ao was stopped while telling the agent and cannot see whether the message arrived`, priority: "urgent", sessionId: v.id, reaction: kind });
      return [await record({ action: "escalated" }, "an interrupted send, not seen to arrive")];
    }

    switch (decision.do) {
      case "nothing":
        return [];
      case "notify": {
        const told = await this.notify({ title: notificationTitle(kind, v.id), body: v.summary ? `${v.statusReason} — ${v.summary}` : v.statusReason, priority: config.priority, sessionId: v.id, reaction: kind });
        return [await record({ action: "notified", outcome: told.outcome }, told.detail)];
      }
      case "escalate": {
        const told = await this.notify({ title: notificationTitle("escalation", v.id), body: `${v.statusReason}: ${decision.why}`, priority: "urgent", sessionId: v.id, reaction: kind });
        return [await record({ action: "escalated", outcome: told.outcome }, [decision.why, told.detail].filter(Boolean).join("; "))];
      }
      case "cleanup": {
        const plan = (await cleanupPlan(this.ctx)).filter((p) => p.id === v.id);
        const item = plan[0];
        if (!item || item.action === "skip") {
          await this.notify({ title: notificationTitle(kind, v.id), body: `not cleaned up: ${item?.skipReason ?? "not finished"}`, priority: "info", sessionId: v.id, reaction: kind });
          return [await record({ action: "skipped" }, item?.skipReason)];
        }
        await applyCleanup(this.ctx, plan, "reaction");
        return [await record({ action: "cleaned" })];
      }
      case "merge": {
        // Opt-in (approved-and-green: { action: merge }): GitHub's refusal is reported, once.
        try {
          const m = await mergeSession(this.ctx, v.id, { actor: "reaction", ...(this.opts.scm ? { scm: this.opts.scm } : {}) });
          await this.notify({ title: notificationTitle("merged", v.id), body: `PR #${m.prNumber} merged (${m.method})`, priority: config.priority, sessionId: v.id, reaction: kind });
          return [await record({ action: "merged" }, `PR #${m.prNumber} (${m.method})`)];
        } catch (e) {
          await this.notify({ title: notificationTitle(kind, v.id), body: `not merged: ${(e as Error).message}`, priority: "action", sessionId: v.id, reaction: kind });
          return [await record({ action: "skipped" }, (e as Error).message)];
        }
      }
      case "send": {
        // The intent goes on record right before the keys go out: a crash after the send can no
        // longer look like a send that never happened.
        const intent = () => this.ctx.store.appendEvent(v.id, { actor: "reaction", kind: "reaction", reaction: kind, fingerprint, action: "sending", detail: `attempt ${decision.attempt}` });
        let outcome: string;
        try {
          outcome = (await sendMessage(this.ctx, v.id, message, { actor: "reaction", timeoutMs: this.opts.sendTimeoutMs ?? 60_000, beforeKeys: intent })).outcome;
        } catch (e) {
          if (e instanceof QuestionPendingError) {
            // Reactions never answer a question: the person does. Tell them once per event;
            // the message goes to the agent on a later poll, once the question is answered.
            if (records.some((h) => h.reaction === kind && h.fingerprint === fingerprint && h.outcome === "refused")) return [];
            const q = e.question;
            await this.notify({
              title: notificationTitle(kind, v.id),
              body: `${v.id} waits on ${questionNoun(q.kind)} (${inert(q.text)}); ao did not send it the ${kind} message. Answer it: ao send ${v.id} --answer …, or ao attach ${v.id}`,
              priority: "urgent",
              sessionId: v.id,
              reaction: kind,
            });
            return [await record({ action: "skipped", outcome: "refused" }, `waits on ${questionNoun(q.kind)}`)];
          }
          outcome = "failed";
          await this.notify({ title: notificationTitle(kind, v.id), body: `could not tell the agent: ${(e as Error).message}`, priority: "urgent", sessionId: v.id, reaction: kind });
        }
        if (outcome === "unconfirmed") {
          // A send that may not have landed still reaches the person.
          await this.notify({ title: notificationTitle(kind, v.id), body: "the agent may not have received ao's message", priority: config.priority, sessionId: v.id, reaction: kind });
        }
        return [await record({ action: "sent", outcome }, `attempt ${decision.attempt}`)];
      }
    }
  }

  /**
   * Whether a message sent at or after `since` reached the agent: the messenger's own record of
   * it, or failing that the message on the agent's screen. null when neither shows it.
   */
  private async arrived(v: SessionView, message: string, since: string): Promise<string | null> {
    const events = await this.ctx.store.events(v.id);
    const sent = events.find((e) => e.kind === "message" && e.actor === "reaction" && e.time >= since && typeof e.outcome === "string");
    if (sent && (sent.outcome === "delivered" || sent.outcome === "queued")) return sent.outcome as string;
    const tmuxName = v.meta.tmuxName;
    // The first line names the PR and the commit (or the threads): an earlier message about
    // something else on the same screen does not pass for this one.
    const needle = message.split("\n")[0]!.trim().slice(0, 40);
    if (!tmuxName || !needle) return null;
    const screen = await sessionMachine(this.ctx, v.meta).runtime.capture(tmuxName, 400).catch(() => "");
    // Typed but never submitted (cut off before Enter): it sits in the input box, not arrived.
    const agent = agentPlugin(v.meta.agent ?? "") ?? agentPlugin("generic")!;
    const draft = (agent.draftOf ? agent.draftOf(screen) : draftOf(screen)) ?? "";
    if (draft.includes(needle.slice(0, 16))) return null;
    return screen.includes(needle) ? "delivered" : null;
  }

  private async details(repo: string, n: number): Promise<PrDetails | null> {
    const scm = await (this.opts.scm ? this.opts.scm() : workspaceGitHub(this.ctx));
    if (!scm) return null;
    try {
      return await scm.prDetails(repo, n);
    } catch {
      return null; // an unreadable PR is no event: try again next poll
    }
  }

  /**
   * Tell the person through every notifier that takes this priority, and say what happened:
   * `delivered` when at least one notifier took it, else `not delivered`, with each failure
   * named (notify-send missing, a webhook answering 500), so the log never claims a notice
   * nobody could see.
   */
  private async notify(n: Notification): Promise<{ outcome: "delivered" | "not delivered"; detail?: string }> {
    const targets = this.notifiers.filter((x) => x.priorities.includes(n.priority));
    const results = await Promise.all(
      targets.map((x) =>
        x.plugin.notify(n).then(
          () => ({ name: x.plugin.name, error: null as string | null }),
          (e: unknown) => ({ name: x.plugin.name, error: e instanceof Error ? e.message : String(e) }),
        ),
      ),
    );
    const failed = results.filter((r) => r.error !== null).map((r) => `${r.name}: ${r.error}`);
    const outcome = results.some((r) => r.error === null) ? "delivered" : "not delivered";
    const detail = targets.length === 0 ? `no notifier takes ${n.priority} notices` : failed.join("; ");
    return detail ? { outcome, detail } : { outcome };
  }
}
