import type { SessionView } from "./types.js";

export interface CleanupFacts {
  view: SessionView;
  /** The tracker says the session's issue is closed. */
  issueClosed: boolean;
  /** Uncommitted or unpushed work in the worktree, described; null when none or no worktree. */
  unsavedWork: string | null;
  /** Why the kill could not be recorded (the session's folder is not writable), if so. */
  unrecordable?: string | null;
  /** The worktree could not be checked for unsaved work (why); such a session is never killed. */
  unreadable?: string;
  /** A restore of it is running now: it is on its way back, not finished. */
  restoring?: boolean;
}

export interface CleanupItem {
  id: string;
  reason: string;
  action: "kill" | "skip";
  /** Why a done session is left alone. */
  skipReason?: string;
  /** What the record said when this plan was made: the kill goes ahead only if it still does. */
  seen?: Record<string, string>;
}

/** How a record says its spawn failed (ao undid what it made): no agent runs for it, and none will. */
export const SPAWN_FAILED = "spawn failed: ";

export function spawnFailed(meta: Readonly<Record<string, string>>): boolean {
  return meta.status === "errored" && meta.errorReason?.startsWith(SPAWN_FAILED) === true;
}

/**
 * A record still `spawning` whose spawn has not finished (its worktree, set-up and agent may not
 * all be there yet), as against one whose spawn or restore started the agent (`agentStartedAt`)
 * and which waits only for the agent to show itself: ao records no more than it has seen.
 */
export function spawnUnfinished(meta: Readonly<Record<string, string>>): boolean {
  return meta.status === "spawning" && !meta.agentStartedAt;
}

/** The keys whose change means a session is no longer the one a cleanup plan judged. */
export const PLAN_KEYS = ["restoredAt", "restoring", "tmuxName", "worktree", "branch", "pr", "createdAt"] as const;

/**
 * Which sessions are finished, and which of those can go without losing work. Pure: the
 * dry run prints this plan and the real run carries out the same plan.
 */
export function planCleanup(facts: CleanupFacts[]): CleanupItem[] {
  const out: CleanupItem[] = [];
  for (const f of facts) {
    const v = f.view;
    if (v.status === "killed") continue;
    // A record ao cannot read is never cleaned, but named: only a person can tell what it made.
    if (v.statusCause === "unreadable") {
      out.push({ id: v.id, reason: "record unreadable", action: "skip", skipReason: `${v.statusReason}; see its folder under AO_HOME/sessions` });
      continue;
    }
    const reason =
      v.status === "merged"
        ? `PR ${v.prNumber !== null ? `#${v.prNumber} ` : ""}merged`
        : f.issueClosed
          ? `issue ${v.issueId ?? ""} closed`.replace("  ", " ")
          : v.meta.killRequestedAt
            ? "kill interrupted"
            : // Dead only while nothing runs: a restore cut short may have started its agent.
              (v.statusCause === "runtime_lost" && (v.activity === null || v.activity === "exited")) || v.activity === "exited"
              ? "runtime dead"
              : // A spawn that failed (ao undid what it made) or was abandoned with no agent
                // started: no agent runs, and none will.
                v.statusCause === "record_errored" && spawnFailed(v.meta)
                ? "spawn failed"
                : v.statusCause === "spawn_abandoned" && v.activity === null
                  ? "spawn abandoned"
                  : null;
    if (!reason) continue;
    if (f.restoring) out.push({ id: v.id, reason, action: "skip", skipReason: "a restore of it is under way" });
    else if (f.unreadable !== undefined) out.push({ id: v.id, reason, action: "skip", skipReason: `worktree unreadable: ${f.unreadable}` });
    else if (f.unrecordable) out.push({ id: v.id, reason, action: "skip", skipReason: `cannot record the kill: ${f.unrecordable}` });
    else if (f.unsavedWork) out.push({ id: v.id, reason, action: "skip", skipReason: `unpushed work: ${f.unsavedWork}` });
    else out.push({ id: v.id, reason, action: "kill", seen: Object.fromEntries(PLAN_KEYS.flatMap((k) => (v.meta[k] !== undefined ? [[k, v.meta[k]]] : []))) });
  }
  return out;
}
