import type { DerivedStatus, PrFacts, Status, StatusFacts } from "./types.js";
import { STATUSES } from "./types.js";
import { prNumberFromUrl } from "./pr.js";

/** Statuses that only GitHub facts can produce; without those facts the last recorded one stands. */
const PR_STATUSES: ReadonlySet<Status> = new Set([
  "pr_open",
  "ci_failed",
  "review_pending",
  "changes_requested",
  "approved",
  "mergeable",
]);

/** A spawn still without its runtime after this long was cut off (ao killed, machine down). */
const SPAWN_TIMEOUT_MS = 10 * 60_000;

function isStatus(value: string | undefined): value is Status {
  return value !== undefined && (STATUSES as readonly string[]).includes(value);
}

function listChecks(pr: PrFacts): string {
  const names = pr.failingChecks.map((c) => c.name);
  return names.length > 0 ? `: ${names.join(", ")}` : "";
}

function threads(n: number): string {
  return n === 1 ? "1 unresolved thread" : `${n} unresolved threads`;
}

function lastActivityMs(facts: StatusFacts): number | undefined {
  const raw = facts.meta.lastActivityAt ?? facts.meta.createdAt;
  if (!raw) return undefined;
  const t = Date.parse(raw);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * Where a session stands, and why, from everything known about it. First match wins; the order
 * is DESIGN.md §4. Unknown facts never become bad news: an unread PR is not "CI failing".
 */
export function deriveStatus(facts: StatusFacts): DerivedStatus {
  const { meta, pr } = facts;
  const recorded = isStatus(meta.status) ? meta.status : undefined;

  if (recorded === "killed") {
    return { status: "killed", reason: meta.killReason ? `killed: ${meta.killReason}` : "killed" };
  }
  const agentSeen = facts.activity !== undefined && facts.activity !== "exited";
  if (recorded === "spawning" && !agentSeen) {
    // The process that was spawning is gone (SIGKILL, a crash): nothing will finish this spawn.
    if (facts.spawnerAlive === false) {
      const why = facts.activity === "exited" ? "the agent exited" : facts.runtimeAlive ? "the agent never showed a screen" : "no agent was started";
      return { status: "errored", reason: `spawn interrupted (ao stopped mid-spawn): ${why}` };
    }
    // While a spawn runs (fetch, worktree, postCreate such as `npm install`) there is no tmux
    // session yet, and that is no failure. Only a spawn that never finished is.
    const created = Date.parse(meta.createdAt ?? "");
    const abandoned = !Number.isNaN(created) && facts.now.getTime() - created > SPAWN_TIMEOUT_MS;
    if (facts.runtimeAlive === false && abandoned) {
      return { status: "errored", reason: "spawn never finished: no runtime after 10 minutes" };
    }
    return { status: "spawning", reason: "waiting for the agent to start" };
  }
  if (pr?.state === "merged" || (pr === undefined && recorded === "merged")) {
    const n = pr?.number ?? prNumberFromUrl(meta.pr);
    return { status: "merged", reason: n !== null ? `PR #${n} merged` : "PR merged" };
  }
  if (recorded === "errored") {
    return { status: "errored", reason: meta.errorReason || "errored" };
  }
  if (facts.probeError) {
    return { status: "errored", reason: `probe failed: ${facts.probeError}` };
  }
  if (facts.runtimeAlive === false) {
    return { status: "errored", reason: "runtime lost (tmux session gone without a kill)" };
  }
  if (facts.activity === "waiting_input") {
    return { status: "needs_input", reason: "agent is waiting for your answer" };
  }

  if (pr && pr.state === "open") {
    if (pr.ci === "failure") return { status: "ci_failed", reason: `CI failing${listChecks(pr)}` };
    if (pr.reviewDecision === "changes_requested") {
      const by = pr.reviewers?.length ? ` by ${pr.reviewers.map((r) => `@${r}`).join(", ")}` : "";
      const t = pr.unresolvedThreads > 0 ? ` · ${threads(pr.unresolvedThreads)}` : "";
      return { status: "changes_requested", reason: `changes requested${by}${t}` };
    }
    if (pr.reviewDecision === "approved") {
      if (pr.ci === "success" && pr.mergeable === true) {
        return { status: "mergeable", reason: "approved · checks green · mergeable" };
      }
      const why = pr.mergeable === false ? "merge conflicts" : pr.ci === "pending" ? "checks running" : "not yet mergeable";
      return { status: "approved", reason: `approved · ${why}` };
    }
    if (pr.reviewDecision === "review_required" && !pr.isDraft) {
      return { status: "review_pending", reason: `PR #${pr.number} waiting for review` };
    }
    return { status: "pr_open", reason: `PR #${pr.number} open${pr.isDraft ? " (draft)" : ""}` };
  }
  if (pr === undefined && recorded && PR_STATUSES.has(recorded)) {
    return { status: recorded, reason: `${recorded.replace(/_/g, " ")} (last recorded; GitHub not checked)` };
  }

  if (facts.activity === "exited") {
    return { status: "errored", reason: "agent exited (restore to relaunch it)" };
  }

  // Stuck needs a live agent that has gone quiet: an unknown runtime proves nothing.
  const last = lastActivityMs(facts);
  const quiet = facts.activity === "ready" || facts.activity === "idle" || facts.activity === "blocked";
  if (facts.runtimeAlive === true && quiet && last !== undefined) {
    const quietMs = facts.quietMs ?? facts.now.getTime() - last;
    if (quietMs > facts.stuckAfterMs) {
      return { status: "stuck", reason: `no activity for ${Math.round(quietMs / 60_000)}m` };
    }
  }
  if (facts.activity === "active") return { status: "working", reason: "agent is working" };
  return { status: "working", reason: facts.activity ? `agent is ${facts.activity.replace("_", " ")}` : "working" };
}
