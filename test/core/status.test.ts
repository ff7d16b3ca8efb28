import { describe, expect, it } from "vitest";
import { deriveStatus } from "../../src/core/status.js";
import type { PrFacts, StatusFacts } from "../../src/core/types.js";

const NOW = new Date("2026-11-24T12:00:00Z");
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000).toISOString();

function pr(over: Partial<PrFacts> = {}): PrFacts {
  return {
    number: 42,
    url: "https://github.com/org/app/pull/42",
    state: "open",
    isDraft: false,
    mergeable: true,
    ci: "pending",
    failingChecks: [],
    reviewDecision: "none",
    unresolvedThreads: 0,
    ...over,
  };
}

function facts(over: Partial<StatusFacts> = {}, meta: Record<string, string> = {}): StatusFacts {
  return {
    now: NOW,
    meta: { status: "working", createdAt: minutesAgo(30), lastActivityAt: minutesAgo(1), ...meta },
    stuckAfterMs: 10 * 60_000,
    ...over,
  };
}

// Each row: what is known → the status a person should see, and words the reason must hold.
const cases: Array<[string, StatusFacts, string, RegExp]> = [
  ["killed beats a merged PR", facts({ pr: pr({ state: "merged" }) }, { status: "killed" }), "killed", /killed/],
  ["spawning until the agent is seen", facts({ runtimeAlive: true }, { status: "spawning" }), "spawning", /waiting for the agent/],
  ["spawning ends once the agent runs", facts({ runtimeAlive: true, activity: "active" }, { status: "spawning" }), "working", /working/],
  ["spawning before its runtime exists (worktree, postCreate)", facts({ runtimeAlive: false }, { status: "spawning", createdAt: minutesAgo(2) }), "spawning", /waiting for the agent/],
  ["a spawn that never finished is errored", facts({ runtimeAlive: false }, { status: "spawning", createdAt: minutesAgo(11) }), "errored", /spawn never finished/],
  ["merged beats errored and CI", facts({ runtimeAlive: false, pr: pr({ state: "merged", ci: "failure" }) }), "merged", /PR #42 merged/],
  ["recorded merged stands without GitHub", facts({}, { status: "merged", pr: "https://github.com/o/r/pull/7" }), "merged", /#7/],
  ["spawn failure is errored with its reason", facts({}, { status: "errored", errorReason: "git worktree add failed" }), "errored", /worktree add failed/],
  ["runtime lost without a kill", facts({ runtimeAlive: false, pr: pr({ ci: "failure" }) }), "errored", /runtime lost/],
  ["a failed probe is errored, not a fact", facts({ probeError: "tmux timed out" }), "errored", /probe failed: tmux timed out/],
  ["waiting for input beats CI failing", facts({ runtimeAlive: true, activity: "waiting_input", pr: pr({ ci: "failure" }) }), "needs_input", /waiting for your answer/],
  [
    "CI failing names the checks",
    facts({ runtimeAlive: true, activity: "active", pr: pr({ ci: "failure", failingChecks: [{ name: "lint", conclusion: "failure" }, { name: "e2e", conclusion: "timed_out" }] }) }),
    "ci_failed",
    /CI failing: lint, e2e/,
  ],
  [
    "changes requested beats approved and names reviewers and threads",
    facts({ pr: pr({ ci: "success", reviewDecision: "changes_requested", reviewers: ["bob"], unresolvedThreads: 2 }) }),
    "changes_requested",
    /changes requested by @bob · 2 unresolved threads/,
  ],
  ["mergeable needs approval, green checks and no conflicts", facts({ pr: pr({ ci: "success", reviewDecision: "approved" }) }), "mergeable", /approved · checks green · mergeable/],
  ["approved with conflicts is only approved", facts({ pr: pr({ ci: "success", reviewDecision: "approved", mergeable: false }) }), "approved", /merge conflicts/],
  ["approved while checks run", facts({ pr: pr({ ci: "pending", reviewDecision: "approved" }) }), "approved", /checks running/],
  ["review required", facts({ pr: pr({ reviewDecision: "review_required" }) }), "review_pending", /waiting for review/],
  ["a draft waiting for review is only open", facts({ pr: pr({ isDraft: true, reviewDecision: "review_required" }) }), "pr_open", /draft/],
  ["an open PR with nothing else", facts({ pr: pr() }), "pr_open", /PR #42 open/],
  ["last recorded PR status stands while GitHub is unread", facts({}, { status: "ci_failed" }), "ci_failed", /last recorded/],
  ["an unread GitHub never turns into CI failing", facts({}, { status: "working", pr: "https://github.com/o/r/pull/9" }), "working", /working/],
  ["stuck: live, quiet and no PR", facts({ runtimeAlive: true, activity: "ready", pr: null }, { lastActivityAt: minutesAgo(25) }), "stuck", /no activity for 25m/],
  ["not stuck while a PR waits on others", facts({ runtimeAlive: true, activity: "idle", pr: pr({ reviewDecision: "review_required" }) }, { lastActivityAt: minutesAgo(25) }), "review_pending", /review/],
  ["not stuck when the runtime is unknown", facts({}, { lastActivityAt: minutesAgo(90) }), "working", /working/],
  ["not stuck inside the threshold", facts({ runtimeAlive: true, activity: "ready", pr: null }, { lastActivityAt: minutesAgo(5) }), "working", /ready/],
  ["an agent that exited is errored and restorable", facts({ runtimeAlive: true, activity: "exited", pr: null }), "errored", /agent exited/],
  ["working by default", facts({ runtimeAlive: true, activity: "active", pr: null }), "working", /agent is working/],
];

describe("deriveStatus", () => {
  it.each(cases)("%s", (_name, input, status, reason) => {
    const out = deriveStatus(input);
    expect(out.status).toBe(status);
    expect(out.reason).toMatch(reason);
  });
});
