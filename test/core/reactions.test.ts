import { describe, expect, it } from "vitest";
import { decide, DEFAULT_REACTIONS, reactionFor, type ReactionRecord } from "../../src/core/reactions.js";

const NOW = Date.parse("2026-11-24T12:00:00Z");
const at = (minAgo: number) => new Date(NOW - minAgo * 60_000).toISOString();
const ci = DEFAULT_REACTIONS["ci-failed"];
const rec = (over: Partial<ReactionRecord>): ReactionRecord => ({ time: at(1), reaction: "ci-failed", fingerprint: "sha1:lint", action: "sent", outcome: "delivered", ...over });
const input = (history: ReactionRecord[], over: Partial<Parameters<typeof decide>[0]> = {}) => ({
  config: ci,
  kind: "ci-failed" as const,
  fingerprint: "sha1:lint",
  history,
  nowMs: NOW,
  sinceMs: NOW - 60_000,
  ...over,
});

describe("decide", () => {
  it("sends once for a new failure, and never again for the same fingerprint", () => {
    expect(decide(input([]))).toEqual({ do: "send", attempt: 1 });
    expect(decide(input([rec({})]))).toMatchObject({ do: "nothing" });
    expect(decide(input([rec({ outcome: "queued" })]))).toMatchObject({ do: "nothing" });
  });

  it("sends again for a new commit that fails", () => {
    expect(decide(input([rec({})], { fingerprint: "sha2:lint" }))).toEqual({ do: "send", attempt: 1 });
  });

  it("retries an unconfirmed send, then escalates once", () => {
    const miss = rec({ outcome: "unconfirmed" });
    expect(decide(input([miss]))).toEqual({ do: "send", attempt: 2 });
    expect(decide(input([miss, miss]))).toEqual({ do: "send", attempt: 3 });
    expect(decide(input([miss, miss, miss]))).toMatchObject({ do: "escalate" });
    expect(decide(input([miss, miss, miss, rec({ action: "escalated", outcome: undefined })]))).toMatchObject({ do: "nothing" });
  });

  it("escalates when the event outlasts escalateAfter", () => {
    expect(decide(input([rec({ time: at(31) })]))).toMatchObject({ do: "escalate" });
    expect(decide(input([rec({ time: at(29) })]))).toMatchObject({ do: "nothing" });
  });

  it("notifies once per episode, waits for `after`, and does nothing when configured off", () => {
    const notify = { ...DEFAULT_REACTIONS.stuck, afterMs: 10 * 60_000 };
    expect(decide(input([], { config: notify, kind: "stuck", sinceMs: NOW - 5 * 60_000 }))).toMatchObject({ do: "nothing" });
    expect(decide(input([], { config: notify, kind: "stuck", sinceMs: NOW - 11 * 60_000 }))).toEqual({ do: "notify" });
    expect(decide(input([rec({ reaction: "stuck", action: "notified" })], { config: notify, kind: "stuck", sinceMs: 0 }))).toMatchObject({ do: "nothing" });
    expect(decide(input([], { config: DEFAULT_REACTIONS.merged, kind: "merged" }))).toMatchObject({ do: "nothing" });
  });

  it("maps statuses to reactions", () => {
    expect(["ci_failed", "changes_requested", "needs_input", "stuck", "mergeable", "merged", "working"].map((s) => reactionFor(s as never))).toEqual([
      "ci-failed",
      "changes-requested",
      "needs-input",
      "stuck",
      "approved-and-green",
      "merged",
      null,
    ]);
  });
});
