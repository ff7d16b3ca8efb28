import { describe, expect, it } from "vitest";
import { deriveStatus } from "../../src/core/status.js";
import type { AgentFacts, PrFacts, StatusFacts } from "../../src/core/types.js";

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
    // What a record of a started session has: the tmux session ao looks at.
    meta: { status: "working", createdAt: minutesAgo(30), lastActivityAt: minutesAgo(1), tmuxName: "ao-w-fe-1", ...meta },
    stuckAfterMs: 10 * 60_000,
    ...over,
  };
}

function agent(over: Partial<AgentFacts> = {}): AgentFacts {
  return { name: "Claude Code", seen: true, source: "event", question: null, error: null, ...over };
}

// Each row: what is known → the status a person should see, its cause, and words the reason must hold.
const cases: Array<[string, StatusFacts, string, string, RegExp]> = [
  ["killed beats a merged PR", facts({ pr: pr({ state: "merged" }) }, { status: "killed" }), "killed", "killed", /killed/],
  ["spawning until the agent is seen", facts({ runtimeAlive: true }, { status: "spawning" }), "spawning", "spawning", /waiting for the agent/],
  ["spawning ends once the agent runs", facts({ runtimeAlive: true, activity: "active" }, { status: "spawning" }), "working", "working", /working/],
  ["spawning before its runtime exists (worktree, postCreate)", facts({ runtimeAlive: false }, { status: "spawning", createdAt: minutesAgo(2) }), "spawning", "spawning", /waiting for the agent/],
  ["a spawn that never finished is errored", facts({ runtimeAlive: false }, { status: "spawning", createdAt: minutesAgo(11) }), "errored", "spawn_abandoned", /spawn never finished/],
  // A blank screen has no activity (no evidence of any), yet its pane lives with the agent in it.
  ["a live agent with a blank screen and no event is booting", facts({ runtimeAlive: true, agent: agent({ name: "Codex", seen: false, source: "screen" }) }), "spawning", "booting", /Codex is starting/],
  ["a started agent not seen yet is booting, not working", facts({ runtimeAlive: true, agent: agent({ name: "Codex", seen: false, source: "screen" }) }, { status: "spawning", agentStartedAt: minutesAgo(1) }), "spawning", "booting", /Codex is starting/],
  ["a spawn under way whose agent's pane is up but blank is booting", facts({ runtimeAlive: true, agent: agent({ seen: false, source: "screen" }) }, { status: "spawning" }), "spawning", "booting", /Claude Code is starting/],
  ["a runtime recorded lost whose pane lives again, blank, is booting: its agent runs", facts({ runtimeAlive: true, agent: agent({ seen: false, source: "screen" }), pr: null }, { status: "errored", statusCause: "runtime_lost", errorReason: "runtime lost" }), "spawning", "booting", /is starting/],
  ["a started agent nothing was learned of yet is not said to work", facts({}, { status: "spawning", agentStartedAt: minutesAgo(1) }), "spawning", "booting", /nothing seen/],
  ["a started agent seen working is working", facts({ runtimeAlive: true, activity: "active", agent: agent() }, { status: "spawning", agentStartedAt: minutesAgo(1) }), "working", "working", /working/],
  ["a started agent whose tmux is gone is lost, not a spawn under way", facts({ runtimeAlive: false }, { status: "spawning", agentStartedAt: minutesAgo(1), createdAt: minutesAgo(2) }), "errored", "runtime_lost", /runtime lost/],
  ["a started agent whose tmux is gone is lost even after ten minutes", facts({ runtimeAlive: false }, { status: "spawning", agentStartedAt: minutesAgo(11), createdAt: minutesAgo(12) }), "errored", "runtime_lost", /runtime lost/],
  ["a started agent that exited at once is said to have exited", facts({ runtimeAlive: true, activity: "exited" }, { status: "spawning", agentStartedAt: minutesAgo(1) }), "errored", "agent_exited", /agent exited/],
  ["booting ends with the first screen", facts({ runtimeAlive: true, activity: "active", agent: agent({ seen: true, source: "screen" }) }), "working", "working", /working/],
  ["merged beats errored and CI", facts({ runtimeAlive: false, pr: pr({ state: "merged", ci: "failure" }) }), "merged", "merged", /PR #42 merged/],
  ["recorded merged stands without GitHub", facts({}, { status: "merged", pr: "https://github.com/o/r/pull/7" }), "merged", "merged", /#7/],
  ["spawn failure is errored with its reason", facts({}, { status: "errored", errorReason: "git worktree add failed" }), "errored", "record_errored", /worktree add failed/],
  ["runtime lost without a kill", facts({ runtimeAlive: false, pr: pr({ ci: "failure" }) }), "errored", "runtime_lost", /runtime lost/],
  ["a failed probe is errored, not a fact", facts({ probeError: "tmux timed out" }), "errored", "probe_failed", /probe failed: tmux timed out/],
  [
    "an error the agent cannot leave is errored in its own words",
    facts({ runtimeAlive: true, activity: "ready", agent: agent({ error: "Invalid API key · Please run /login" }) }),
    "errored",
    "agent_error",
    /Claude Code: Invalid API key/,
  ],
  ["waiting for input beats CI failing", facts({ runtimeAlive: true, activity: "waiting_input", pr: pr({ ci: "failure" }) }), "needs_input", "question", /waiting for your answer/],
  [
    "a permission prompt names the agent and what it asked",
    facts({ runtimeAlive: true, activity: "waiting_input", agent: agent({ question: { kind: "permission", text: "Do you want to allow Bash `npm test`?", options: [], source: "event" } }) }),
    "needs_input",
    "permission",
    /^Claude Code asked: Do you want to allow Bash `npm test`\?$/,
  ],
  ["a sign-in screen needs the person", facts({ runtimeAlive: true, activity: "blocked", agent: agent({ name: "Codex", source: "screen" }) }), "needs_input", "sign_in", /Codex needs you to sign in/],
  [
    "a trust dialog names itself",
    facts({ runtimeAlive: true, activity: "waiting_input", agent: agent({ name: "Gemini CLI", source: "screen", question: { kind: "trust", text: "Do you trust this folder?", options: [], source: "screen" } }) }),
    "needs_input",
    "question",
    /Gemini CLI asks whether to trust this folder/,
  ],
  [
    "CI failing names the checks",
    facts({ runtimeAlive: true, activity: "active", pr: pr({ ci: "failure", failingChecks: [{ name: "lint", conclusion: "failure" }, { name: "e2e", conclusion: "timed_out" }] }) }),
    "ci_failed",
    "ci_failed",
    /CI failing: lint, e2e/,
  ],
  ["a finished turn with CI failing is CI failing (ao tells the agent)", facts({ runtimeAlive: true, activity: "ready", pr: pr({ ci: "failure" }) }), "ci_failed", "ci_failed", /CI failing/],
  [
    "changes requested beats approved and names reviewers and threads",
    facts({ pr: pr({ ci: "success", reviewDecision: "changes_requested", reviewers: ["bob"], unresolvedThreads: 2 }) }),
    "changes_requested",
    "changes_requested",
    /changes requested by @bob · 2 unresolved threads/,
  ],
  ["mergeable needs approval, green checks and no conflicts", facts({ pr: pr({ ci: "success", reviewDecision: "approved" }) }), "mergeable", "mergeable", /approved · checks green · mergeable/],
  ["approved with conflicts is only approved", facts({ pr: pr({ ci: "success", reviewDecision: "approved", mergeable: false }) }), "approved", "approved", /merge conflicts/],
  ["approved while checks run", facts({ pr: pr({ ci: "pending", reviewDecision: "approved" }) }), "approved", "approved", /checks running/],
  ["review required", facts({ pr: pr({ reviewDecision: "review_required" }) }), "review_pending", "review_pending", /waiting for review/],
  ["a draft waiting for review is only open", facts({ pr: pr({ isDraft: true, reviewDecision: "review_required" }) }), "pr_open", "pr_open", /draft/],
  ["an open PR with nothing else", facts({ pr: pr() }), "pr_open", "pr_open", /PR #42 open/],
  ["last recorded PR status stands while GitHub is unread", facts({}, { status: "ci_failed" }), "ci_failed", "pr_recorded", /last recorded/],
  ["an unread GitHub never turns into CI failing", facts({}, { status: "working", pr: "https://github.com/o/r/pull/9" }), "working", "working", /working/],
  ["a finished turn with no PR waits for the person", facts({ runtimeAlive: true, activity: "ready", pr: null }), "needs_input", "turn_finished", /finished its turn; waiting for your next message/],
  ["an idle agent at its prompt waits too, however long", facts({ runtimeAlive: true, activity: "idle", pr: null }, { lastActivityAt: minutesAgo(25) }), "needs_input", "turn_finished", /finished its turn/],
  ["a finished turn with a PR waiting on review is the PR's status", facts({ runtimeAlive: true, activity: "idle", pr: pr({ reviewDecision: "review_required" }) }, { lastActivityAt: minutesAgo(25) }), "review_pending", "review_pending", /review/],
  ["stuck: live, claims to work, nothing moves", facts({ runtimeAlive: true, activity: "active", pr: null }, { lastActivityAt: minutesAgo(25) }), "stuck", "stuck", /no progress for 25m/],
  ["stuck says how long it has been quiet, never longer: 45 s is 45s, not 1m", facts({ runtimeAlive: true, activity: "active", pr: null, stuckAfterMs: 30_000 }, { lastActivityAt: minutesAgo(0.75) }), "stuck", "stuck", /no progress for 45s \(/],
  ["and 89 s is 1m", facts({ runtimeAlive: true, activity: "active", pr: null, stuckAfterMs: 30_000 }, { lastActivityAt: new Date(NOW.getTime() - 89_000).toISOString() }), "stuck", "stuck", /no progress for 1m \(/],
  ["not stuck when the runtime is unknown", facts({}, { lastActivityAt: minutesAgo(90) }), "working", "working", /working/],
  // A record naming no tmux session (written by hand, damaged): nothing was seen, nor can be.
  ["a record naming no tmux session is not said to work", facts({}, { tmuxName: "" }), "errored", "unobservable", /^ao cannot see this session: its record names no tmux session$/],
  ["nor one that says needs_input", facts({ pr: null }, { status: "needs_input", tmuxName: "" }), "errored", "unobservable", /names no tmux session/],
  ["a status word ao does not know, and no tmux session: said so", facts({}, { status: "wroking", tmuxName: "" }), "errored", "unobservable", /names no tmux session \(status=wroking is no status ao knows\)$/],
  ["a started spawn naming no tmux session is not booting forever", facts({}, { status: "spawning", agentStartedAt: minutesAgo(1), tmuxName: "" }), "errored", "unobservable", /names no tmux session/],
  ["what GitHub says of its PR still stands", facts({ pr: pr() }, { tmuxName: "" }), "pr_open", "pr_open", /PR #42 open/],
  ["a spawn under way names none yet, and is spawning", facts({}, { status: "spawning", createdAt: minutesAgo(1), tmuxName: "" }), "spawning", "spawning", /waiting for the agent/],
  ["not stuck inside the threshold", facts({ runtimeAlive: true, activity: "active", pr: null }, { lastActivityAt: minutesAgo(5) }), "working", "working", /agent is working/],
  ["an agent that exited is errored and restorable", facts({ runtimeAlive: true, activity: "exited", pr: null }), "errored", "agent_exited", /agent exited/],
  ["an exit recorded, and its pane lives with its agent at work: it runs again", facts({ runtimeAlive: true, activity: "active", agent: agent(), pr: null }, { status: "errored", statusCause: "agent_exited", errorReason: "agent exited (restore to relaunch it)" }), "working", "working", /working/],
  ["a runtime recorded lost that runs again (a restore cut short after it started the agent)", facts({ runtimeAlive: true, activity: "ready", agent: agent(), pr: null }, { status: "errored", statusCause: "runtime_lost", errorReason: "runtime lost" }), "needs_input", "turn_finished", /finished its turn/],
  ["a recorded loss with no pane stands", facts({ runtimeAlive: false, pr: null }, { status: "errored", statusCause: "runtime_lost", errorReason: "runtime lost (tmux session gone without a kill)" }), "errored", "runtime_lost", /runtime lost/],
  ["working by default", facts({ runtimeAlive: true, activity: "active", pr: null }), "working", "working", /agent is working/],
  // A turn that ended on an error is a failed turn, not a finished one, until the agent works again.
  ["a turn that failed at its prompt is errored in the agent's words", facts({ runtimeAlive: true, activity: "idle", agent: agent({ name: "Codex", source: "screen", error: "unexpected status 401 Unauthorized" }), pr: null }), "errored", "agent_error", /^Codex: unexpected status 401 Unauthorized$/],
  ["the failure is over once the agent works again", facts({ runtimeAlive: true, activity: "active", agent: agent({ error: "API Error: 500 Internal server error" }), pr: null }), "working", "working", /agent is working/],
  ["the agent's error words are made inert", facts({ runtimeAlive: true, activity: "ready", agent: agent({ name: "Gemini CLI", error: "bad\u001b]52;c;aGk=\u0007 key\u001b[2J\nnow" }), pr: null }), "errored", "agent_error", /^Gemini CLI: bad key now$/],
  ["a reset time in epoch seconds reads as a time", facts({ runtimeAlive: true, activity: "ready", agent: agent({ error: `Claude AI usage limit reached|${Math.floor(NOW.getTime() / 1000) + 2 * 3600 + 5 * 60}` }), pr: null }), "errored", "agent_error", /^Claude Code: Claude AI usage limit reached · resets \d\d:\d\d \(in 2h 5m\)$/],
  // A hung model request: the spinner turns, so working; the reason says what ao saw, never "dead".
  ["no reply from the model since the prompt, for 4m", facts({ runtimeAlive: true, activity: "active", agent: agent({ source: "screen", noProgress: { ms: 241_000, unanswered: true, modelsTurn: true, moving: true } }), pr: null }), "working", "no_progress", /^agent is working · no reply from the model for 4m \(only its spinner moves\)$/],
  ["a reply that stopped mid-stream, while the model has the turn", facts({ runtimeAlive: true, activity: "active", agent: agent({ noProgress: { ms: 5 * 60_000, unanswered: false, modelsTurn: true, moving: true } }), pr: null }), "working", "no_progress", /nothing new from the model for 5m/],
  ["nothing known of whose turn it is: only the screen is named", facts({ runtimeAlive: true, activity: "active", agent: agent({ name: "Codex", source: "screen", noProgress: { ms: 90_000, unanswered: false, modelsTurn: false, moving: true } }), pr: null }), "working", "no_progress", /nothing new on its screen for 1m/],
  ["a still screen whose turn has not ended (Codex's reply stalled mid-stream)", facts({ runtimeAlive: true, activity: "active", agent: agent({ name: "Codex", source: "screen", noProgress: { ms: 4 * 60_000, unanswered: false, modelsTurn: false, moving: false } }), pr: null }), "working", "no_progress", /^agent is working · nothing new on its screen for 4m \(its screen is still, its turn not ended\)$/],
  ["under a minute without news is plain working", facts({ runtimeAlive: true, activity: "active", agent: agent({ noProgress: { ms: 59_000, unanswered: true, modelsTurn: true, moving: true } }), pr: null }), "working", "working", /^agent is working$/],
  ["a dialog up while the spinner froze is the person's, not the model's", facts({ runtimeAlive: true, activity: "waiting_input", agent: agent({ noProgress: { ms: 5 * 60_000, unanswered: true, modelsTurn: true, moving: true } }), pr: null }), "needs_input", "question", /waiting for your answer/],
  // Gemini's quota dialog: what the limit is, when it resets if it says, the choices it offers.
  [
    "a usage-limit dialog says what was reached and the choices it offers; ao picks none",
    facts({ runtimeAlive: true, activity: "waiting_input", agent: agent({ name: "Gemini CLI", source: "screen", question: { kind: "limit", text: "Usage limit reached for all Pro models.", options: [{ key: "1", label: "Keep trying" }, { key: "2", label: "Stop" }], detail: ["/stats model for usage details", "/model to switch models."], source: "screen" } }) }),
    "needs_input",
    "usage_limit",
    /^Gemini CLI: Usage limit reached for all Pro models\. It asks what to do: Keep trying or Stop \(or \/model to switch models\)$/,
  ],
  [
    "and when access resets, in the person's clock",
    facts({ runtimeAlive: true, activity: "waiting_input", agent: agent({ name: "Gemini CLI", source: "screen", question: { kind: "limit", text: "Usage limit reached for gemini-3-pro.", options: [{ key: "1", label: "Switch to gemini-3-flash" }, { key: "2", label: "Upgrade for higher limits" }, { key: "3", label: "Stop" }], detail: [`Access resets at ${NOW.getUTCHours() + 2 - 12}:15 PM UTC.`], source: "screen" } }) }),
    "needs_input",
    "usage_limit",
    /^Gemini CLI: Usage limit reached for gemini-3-pro; access resets at \d\d:15 \(in 2h 15m\)\. It asks what to do: Switch to gemini-3-flash, Upgrade for higher limits or Stop$/,
  ],
  // A still screen the agent's patterns do not know (no prompt, no dialog, no busy line) and no
  // event: no activity. It is no finished turn (Codex prints a warning before its interface draws).
  ...((): Array<[string, StatusFacts, string, string, RegExp]> => {
    const WARNING = 'WARNING: proceeding, even though we could not create PATH aliases: Refusing to create helper binaries under temporary dir "/tmp"';
    const unknown = (name = "Codex", line = WARNING) => agent({ name, source: "screen", unrecognized: line });
    return [
      ["a spawn whose agent shows a screen ao does not know stays booting", facts({ runtimeAlive: true, agent: unknown(), quietMs: 5000 }, { status: "spawning", agentStartedAt: minutesAgo(1) }), "spawning", "booting", /^Codex is starting \(ao does not recognize its screen yet: "WARNING: proceeding, even though we could not create PATH aliases: .*…"\)$/],
      ["past its start, an unknown screen is no finished turn: stuck, saying what it shows", facts({ runtimeAlive: true, agent: unknown(), quietMs: 5000, pr: null }, { id: "fe-1" }), "stuck", "unrecognized_screen", /^ao does not recognize Codex's screen \(not its prompt, no dialog it knows\), still for \d+s: "WARNING: proceeding.*"; look at it: ao attach fe-1$/],
      ["its words are made inert", facts({ runtimeAlive: true, agent: unknown("Claude Code", "Update\u001b]52;c;aGk=\u0007 available\u001b[2J!"), pr: null }), "stuck", "unrecognized_screen", /: "Update available!"$/],
      ["an open PR outranks it, as it outranks stuck", facts({ runtimeAlive: true, agent: unknown(), pr: pr() }), "pr_open", "pr_open", /PR #42 open/],
      ["the prompt drawn, the turn is finished", facts({ runtimeAlive: true, activity: "ready", agent: agent({ name: "Codex", source: "screen" }), pr: null }), "needs_input", "turn_finished", /finished its turn/],
    ];
  })(),
  ["Codex's approval names the command it wants to run", facts({ runtimeAlive: true, activity: "waiting_input", agent: agent({ name: "Codex", source: "screen", question: { kind: "permission", text: "Would you like to run the following command?", command: "rm -rf build\u001b[2J", options: [], source: "screen" } }) }), "needs_input", "permission", /^Codex asked: Would you like to run the following command\? `rm -rf build`$/],
];

describe("deriveStatus", () => {
  it.each(cases)("%s", (_name, input, status, cause, reason) => {
    const out = deriveStatus(input);
    expect(out.status).toBe(status);
    expect(out.cause).toBe(cause);
    expect(out.reason).toMatch(reason);
  });
});
