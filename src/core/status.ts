import type { DerivedStatus, PrFacts, Status, StatusCause, StatusFacts } from "./types.js";
import { CAUSES, STATUSES } from "./types.js";
import { prNumberFromUrl } from "./pr.js";
import { shortAge } from "./age.js";
import { inert } from "./sanitize.js";
import { clipToWidth } from "./text-width.js";
import { errorWords } from "./error-words.js";
import { NO_PROGRESS_NOTE_MS } from "./activity.js";
import type { Question } from "./question.js";

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

/** `: "its last line"`, made inert and cut short: a screen's words in a reason. */
function quoted(line: string): string {
  const words = clipToWidth(inert(line).trim(), 120);
  return words ? `: "${words}"` : "";
}

function is(status: Status, cause: StatusCause, reason: string): DerivedStatus {
  return { status, cause, reason };
}

/**
 * A usage limit the agent asks about: what was reached, when it resets if the dialog says, and
 * the choices it offers (ao picks none of them), with another way out it names ("/model to
 * switch models"): "Gemini CLI: Usage limit reached for all Pro models. It asks what to do:
 * Keep trying or Stop (or /model to switch models)".
 */
function limitReason(name: string, q: Question, now: Date): string {
  const what = errorWords(q.text, now).replace(/\.$/, "");
  const reset = (q.detail ?? []).map((l) => /^Access resets at (.+?)\.?$/.exec(l)?.[1]).find(Boolean);
  const resets = reset ? `; access resets at ${errorWords(reset, now)}` : "";
  const labels = q.options.map((o) => inert(o.label));
  const choices = labels.length > 1 ? `${labels.slice(0, -1).join(", ")} or ${labels.at(-1)}` : (labels[0] ?? "");
  const also = (q.detail ?? []).filter((l) => /^\/\w+ to switch\b/.test(l)).map((l) => inert(l).replace(/\.$/, ""));
  return `${name}: ${what}${resets}. It asks what to do: ${choices}${also.length ? ` (or ${also.join(", or ")})` : ""}`;
}

/** Why the agent waits on the person, in words naming the agent and what it shows. */
function waitingReason(facts: StatusFacts): DerivedStatus {
  const name = facts.agent?.name ?? "The agent";
  const q = facts.agent?.question;
  if (facts.activity === "blocked" || q?.kind === "sign-in") {
    return is("needs_input", "sign_in", `${name} needs you to sign in or set up its key${q ? `: ${q.text}` : ""}`);
  }
  if (q?.kind === "limit") return is("needs_input", "usage_limit", limitReason(name, q, facts.now));
  if (q?.kind === "trust") return is("needs_input", "question", `${name} asks whether to trust this folder: ${q.text}`);
  if (q?.kind === "permission") return is("needs_input", "permission", `${name} asked: ${q.text}${q.command ? ` \`${inert(q.command)}\`` : ""}`);
  if (q) return is("needs_input", "question", `${name} asked: ${q.text}`);
  return is("needs_input", "question", `${name} is waiting for your answer on its screen`);
}

/**
 * Where a session stands, and why, from everything known about it. First match wins; the order
 * is DESIGN.md §4. Unknown facts never become bad news: an unread PR is not "CI failing".
 * `cause` is what code branches on; `reason` is for people.
 */
export function deriveStatus(facts: StatusFacts): DerivedStatus {
  const { meta, pr } = facts;
  const recorded = isStatus(meta.status) ? meta.status : undefined;

  if (recorded === "killed") {
    return is("killed", "killed", meta.killReason ? `killed: ${meta.killReason}` : "killed");
  }
  // Its pane lives with its process running: seen, or not drawn yet (a blank screen has no
  // activity, being no evidence of any, but its agent runs all the same).
  const agentRuns = facts.activity !== undefined ? facts.activity !== "exited" : facts.runtimeAlive === true && facts.agent !== undefined;
  // A spawn still under way, or one cut short. Once a spawn (or restore) has started the agent
  // (agentStartedAt), the facts below decide: a blank screen is booting, a lost tmux is lost.
  if (recorded === "spawning" && !meta.agentStartedAt && !agentRuns) {
    // The process that was spawning is gone (SIGKILL, a crash): nothing will finish this spawn.
    if (facts.spawnerAlive === false) {
      const why = facts.activity === "exited" ? "the agent exited" : facts.runtimeAlive ? "the agent never showed a screen" : "no agent was started";
      return is("errored", "spawn_abandoned", `spawn interrupted (ao stopped mid-spawn): ${why}`);
    }
    // While a spawn runs (fetch, worktree, postCreate such as `npm install`) there is no tmux
    // session yet, and that is no failure. Only a spawn that never finished is.
    const created = Date.parse(meta.createdAt ?? "");
    const abandoned = !Number.isNaN(created) && facts.now.getTime() - created > SPAWN_TIMEOUT_MS;
    if (facts.runtimeAlive === false && abandoned) {
      return is("errored", "spawn_abandoned", "spawn never finished: no runtime after 10 minutes");
    }
    return is("spawning", "spawning", "waiting for the agent to start");
  }
  // An agent's own error passes when it works again (a new key, /login); others stand until
  // restored, unless its pane lives and its agent runs: a runtime recorded lost that a restore
  // cut short had started again, or an exit the agent took back (Claude's /clear ends a session
  // and starts the next). "Exited" is the pane's process, never a word.
  const runsAgain = (meta.statusCause === "runtime_lost" || meta.statusCause === "agent_exited") && facts.runtimeAlive === true && facts.activity !== "exited";
  // A live agent that has shown nothing yet (a blank screen, no event) is still starting.
  if (facts.runtimeAlive === true && facts.agent && !facts.agent.seen && facts.activity !== "exited" && recorded !== "merged" && (recorded !== "errored" || runsAgain)) {
    return is("spawning", "booting", `${facts.agent.name} is starting (nothing on its screen yet)`);
  }
  // A start still under way whose screen shows something, but nothing ao knows of the agent (no
  // prompt, no dialog, no busy line), and no event: still booting (Codex prints "WARNING: …"
  // before its interface draws), never "finished its turn".
  if (recorded === "spawning" && facts.runtimeAlive === true && facts.activity === undefined && facts.agent?.unrecognized !== undefined) {
    return is("spawning", "booting", `${facts.agent.name} is starting (ao does not recognize its screen yet${quoted(facts.agent.unrecognized)})`);
  }
  if (pr?.state === "merged" || (pr === undefined && recorded === "merged")) {
    const n = pr?.number ?? prNumberFromUrl(meta.pr);
    return is("merged", "merged", n !== null ? `PR #${n} merged` : "PR merged");
  }
  if (recorded === "errored" && meta.statusCause !== "agent_error" && !runsAgain) {
    // The cause recorded with it (runtime_lost, agent_exited…) still says why.
    const cause = (CAUSES as readonly string[]).includes(meta.statusCause ?? "") ? (meta.statusCause as StatusCause) : "record_errored";
    return is("errored", cause, meta.errorReason || "errored");
  }
  // The host it runs on does not answer: nothing is known of the agent, and nothing is recorded.
  if (facts.hostDown) return is("errored", "host_unreachable", facts.hostDown);
  if (facts.probeError) {
    return is("errored", "probe_failed", `probe failed: ${facts.probeError}`);
  }
  if (facts.runtimeAlive === false) {
    return is("errored", "runtime_lost", "runtime lost (tmux session gone without a kill)");
  }
  // Its last turn ended on an error: the work did not get done, whatever "back at its prompt"
  // looks like. Over once the agent works again (a new prompt, a retry of its own).
  if (facts.agent?.error && facts.activity !== "exited" && facts.activity !== "active") {
    return is("errored", "agent_error", `${facts.agent.name}: ${errorWords(facts.agent.error, facts.now)}`);
  }
  if (facts.activity === "waiting_input" || facts.activity === "blocked") return waitingReason(facts);

  if (pr && pr.state === "open") {
    if (pr.ci === "failure") return is("ci_failed", "ci_failed", `CI failing${listChecks(pr)}`);
    if (pr.reviewDecision === "changes_requested") {
      const by = pr.reviewers?.length ? ` by ${pr.reviewers.map((r) => `@${r}`).join(", ")}` : "";
      const t = pr.unresolvedThreads > 0 ? ` · ${threads(pr.unresolvedThreads)}` : "";
      return is("changes_requested", "changes_requested", `changes requested${by}${t}`);
    }
    if (pr.reviewDecision === "approved") {
      if (pr.ci === "success" && pr.mergeable === true) {
        return is("mergeable", "mergeable", "approved · checks green · mergeable");
      }
      const why = pr.mergeable === false ? "merge conflicts" : pr.ci === "pending" ? "checks running" : "not yet mergeable";
      return is("approved", "approved", `approved · ${why}`);
    }
    if (pr.reviewDecision === "review_required" && !pr.isDraft) {
      return is("review_pending", "review_pending", `PR #${pr.number} waiting for review`);
    }
    return is("pr_open", "pr_open", `PR #${pr.number} open${pr.isDraft ? " (draft)" : ""}`);
  }
  if (pr === undefined && recorded && PR_STATUSES.has(recorded)) {
    return is(recorded, "pr_recorded", `${recorded.replace(/_/g, " ")} (last recorded; GitHub not checked)`);
  }

  if (facts.activity === "exited") {
    // In its own last words: restoring will not mend a missing key or a broken command.
    const words = facts.lastWords ? inert(facts.lastWords).slice(0, 300) : "";
    return is("errored", "agent_exited", words ? `agent exited (${words}); restore to relaunch it` : "agent exited (restore to relaunch it)");
  }
  // At its prompt with no PR waiting on others: the next move is the person's.
  if (facts.activity === "ready" || facts.activity === "idle") {
    return is("needs_input", "turn_finished", "finished its turn; waiting for your next message");
  }

  // Past its start, a still screen none of the agent's patterns know (not its prompt, no dialog,
  // no busy line) and no event: not at a prompt, not working by its own account, making no
  // progress ao can see. Said with what it shows, for a person to look at (an update notice, a
  // crash trace that left the process alive, a new version's screen). Never recorded.
  if (facts.runtimeAlive === true && facts.activity === undefined && facts.agent?.unrecognized !== undefined) {
    const still = facts.quietMs !== undefined ? `, still for ${shortAge(new Date(facts.now.getTime() - facts.quietMs), facts.now)}` : "";
    const look = meta.id ? `; look at it: ao attach ${meta.id}` : "";
    return is("stuck", "unrecognized_screen", `ao does not recognize ${facts.agent.name}'s screen (not its prompt, no dialog it knows)${still}${quoted(facts.agent.unrecognized)}${look}`);
  }
  // Stuck needs a live agent that claims to work but shows no sign of it: an unknown runtime
  // proves nothing, and an agent at its prompt is waiting, not stuck.
  const last = lastActivityMs(facts);
  if (facts.runtimeAlive === true && facts.activity === "active" && last !== undefined) {
    const quietMs = facts.quietMs ?? facts.now.getTime() - last;
    if (quietMs > facts.stuckAfterMs) {
      return is("stuck", "stuck", `no progress for ${shortAge(new Date(facts.now.getTime() - quietMs), facts.now)} (screen still, no event from the agent)`);
    }
  }
  if (facts.activity === "active") {
    // Its spinner turns, so it reads as working; but a request the model never answers turns it
    // just the same. Said as seen, not guessed dead: the agent may still get its answer.
    const np = facts.agent?.noProgress;
    if (np && np.ms >= NO_PROGRESS_NOTE_MS) {
      const long = shortAge(new Date(facts.now.getTime() - np.ms), facts.now);
      const what = np.unanswered ? "no reply from the model" : np.modelsTurn ? "nothing new from the model" : "nothing new on its screen";
      const why = np.moving ? "only its spinner moves" : "its screen is still, its turn not ended";
      return is("working", "no_progress", `agent is working · ${what} for ${long} (${why})`);
    }
    return is("working", "working", "agent is working");
  }
  // Nothing was seen and nothing can be: a record naming no tmux session (written by hand, or
  // damaged) gives ao no pane to look at. "working" would be a guess. Said, never recorded: the
  // record stays as it was, and the facts decide again once it names its tmux session.
  if (!meta.tmuxName) {
    const word = meta.status && !recorded ? ` (status=${inert(meta.status).slice(0, 40)} is no status ao knows)` : "";
    return is("errored", "unobservable", `ao cannot see this session: its record names no tmux session${word}`);
  }
  // Started by a spawn or restore and not seen since (no look at its screen, no event): that it
  // works would be a guess.
  if (recorded === "spawning" && facts.activity === undefined) return is("spawning", "booting", "the agent was started; nothing seen of it yet");
  return is("working", "working", "working");
}

