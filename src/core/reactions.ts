import type { Status } from "./types.js";

/** The events ao reacts to, named as in the config. */
export type ReactionKind = "ci-failed" | "changes-requested" | "needs-input" | "stuck" | "approved-and-green" | "merged" | "conflict";
/** `merge` is accepted for approved-and-green only (the config schema says so). */
export type ReactionAction = "send-to-agent" | "notify" | "cleanup" | "none" | "merge";
export type Priority = "urgent" | "action" | "info";

export interface ReactionConfig {
  action: ReactionAction;
  /** send-to-agent: further attempts after one that could not be confirmed. */
  retries: number;
  /** Tell the person when the event is still there this long after ao first reacted. */
  escalateAfterMs: number | null;
  /** React only once the status has lasted this long. */
  afterMs: number;
  priority: Priority;
}

export const DEFAULT_REACTIONS: Record<ReactionKind, ReactionConfig> = {
  "ci-failed": { action: "send-to-agent", retries: 2, escalateAfterMs: 30 * 60_000, afterMs: 0, priority: "action" },
  "changes-requested": { action: "send-to-agent", retries: 2, escalateAfterMs: 30 * 60_000, afterMs: 0, priority: "action" },
  "needs-input": { action: "notify", retries: 0, escalateAfterMs: null, afterMs: 0, priority: "urgent" },
  stuck: { action: "notify", retries: 0, escalateAfterMs: null, afterMs: 0, priority: "action" },
  "approved-and-green": { action: "notify", retries: 0, escalateAfterMs: null, afterMs: 0, priority: "info" },
  merged: { action: "none", retries: 0, escalateAfterMs: null, afterMs: 0, priority: "info" },
  // Opt-in: a session that would conflict with its base is told to rebase, once per base tip.
  conflict: { action: "none", retries: 1, escalateAfterMs: null, afterMs: 0, priority: "action" },
};

export function reactionFor(status: Status): ReactionKind | null {
  switch (status) {
    case "ci_failed":
      return "ci-failed";
    case "changes_requested":
      return "changes-requested";
    case "needs_input":
      return "needs-input";
    case "stuck":
      return "stuck";
    case "mergeable":
      return "approved-and-green";
    case "merged":
      return "merged";
    default:
      return null;
  }
}

/** One reaction as the event log keeps it: the memory that makes reactions happen once. */
export interface ReactionRecord {
  time: string;
  reaction: ReactionKind;
  fingerprint: string;
  /** "sending": the intent, recorded before the keys go out; an outcome record follows it. */
  action: "sending" | "sent" | "notified" | "escalated" | "cleaned" | "skipped" | "merged";
  /** For sent: delivered, queued, unconfirmed or failed. */
  outcome?: string;
}

export type Decision =
  | { do: "nothing"; why: string }
  | { do: "send"; attempt: number }
  | { do: "notify" }
  | { do: "escalate"; why: string }
  | { do: "cleanup" }
  | { do: "merge" };

const OK = new Set(["delivered", "queued"]);

/**
 * What to do about one event now, from its fingerprint and what was done before. Pure: the
 * lifecycle service reads the event log, asks this, acts, and appends what it did. A fingerprint
 * already handled is never handled again, whatever restarts happen in between; a new one (a new
 * commit failing, new review threads) starts afresh.
 */
export function decide(input: { config: ReactionConfig; kind: ReactionKind; fingerprint: string; history: ReactionRecord[]; nowMs: number; sinceMs: number }): Decision {
  const { config, fingerprint, nowMs } = input;
  if (config.action === "none") return { do: "nothing", why: "no reaction configured" };
  if (nowMs - input.sinceMs < config.afterMs) return { do: "nothing", why: "not yet" };
  const mine = input.history.filter((h) => h.reaction === input.kind && h.fingerprint === fingerprint);
  const escalated = mine.some((h) => h.action === "escalated");
  if (config.action === "notify") return mine.some((h) => h.action === "notified") ? { do: "nothing", why: "already notified" } : { do: "notify" };
  if (config.action === "merge") return mine.some((h) => h.action === "merged" || h.action === "skipped") ? { do: "nothing", why: "already handled" } : { do: "merge" };
  if (config.action === "cleanup") return mine.some((h) => h.action === "cleaned" || h.action === "skipped") ? { do: "nothing", why: "already handled" } : { do: "cleanup" };

  // Once the person has it, ao does not also keep telling the agent.
  if (escalated && !mine.some((h) => h.action === "sent" && OK.has(h.outcome ?? ""))) return { do: "nothing", why: "already escalated" };
  const sends = mine.filter((h) => h.action === "sent");
  const landed = sends.find((h) => OK.has(h.outcome ?? ""));
  if (landed) {
    const late = config.escalateAfterMs !== null && nowMs - Date.parse(landed.time) >= config.escalateAfterMs;
    return late && !escalated ? { do: "escalate", why: `still ${input.kind} ${Math.round((nowMs - Date.parse(landed.time)) / 60_000)}m after the agent was told` } : { do: "nothing", why: "agent already told" };
  }
  if (sends.length < 1 + config.retries) return { do: "send", attempt: sends.length + 1 };
  return escalated ? { do: "nothing", why: "already escalated" } : { do: "escalate", why: `could not reach the agent after ${sends.length} attempts` };
}

/**
 * A send whose intent was recorded but whose outcome never was (ao stopped in between), for
 * this event; null when every send has its outcome.
 */
export function interruptedSend(history: ReactionRecord[], kind: ReactionKind, fingerprint: string): ReactionRecord | null {
  let open: ReactionRecord | null = null;
  for (const h of history) {
    if (h.reaction !== kind || h.fingerprint !== fingerprint) continue;
    if (h.action === "sending") open = h;
    else open = null; // any outcome closes it
  }
  return open;
}
