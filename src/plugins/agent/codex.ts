import { shellJoin } from "../../core/shell.js";
import type { Question, QuestionKind } from "../../core/question.js";
import type { AgentPlugin, ScreenFacts, ScreenProgress, StillActivity } from "../types.js";
import { menuQuestion, readMenu } from "./menu.js";
import { codexHooks } from "./hooks.js";
import { anyLine, clockMs, linesAbove, tailLines, withoutClock } from "./screen.js";

/*
 * Read off recorded screens of Codex CLI 0.169.0 (test/fixtures/captures/codex).
 * The composer ("› " and the draft) always has a status line under it, so a key hint on the
 * very last line ("Press enter to confirm or esc to cancel", "enter continue · esc back") means
 * a picker owns the screen, never a draft.
 * - blocked: the sign-in pickers and the API-key box. The recording labels them waiting_input;
 *   they count as blocked because signing in is not an answer to the agent's question.
 * - waiting_input: any other picker with numbered options (approval, question, folder trust).
 * - active: "Working (5s • esc to interrupt)" or "Reconnecting... 1/5 (3s • esc to interrupt)"
 *   above the composer. While text streams no such line shows: then a turn is under way while its
 *   prompt has the model's words ("• …") under it and no end yet. A turn ends on "Worked for 2s"
 *   (resumed sessions show it too) or an error line ("■ …"). A reply that stalls mid-stream
 *   leaves that screen still for minutes (stall-*.txt): it is no finished turn.
 * - ready: the composer, and none of the above. unknown: no composer and none of the above.
 */
const PICKER_HINT = /\b(enter|esc)\b.*\b(confirm|cancel|continue|submit|back|save)\b/i;
const OPTION = /^\s*[›>]\s*\d+\.\s/;
const SIGN_IN = [/Sign in with ChatGPT/, /Sign in another way/, /Use your own OpenAI API key/, /Paste or type your API key/];
const BUSY = /\(\d[^()]*esc to interrupt\)/;
const COMPOSER = /^›\s/;

/** Transcript lines ("• Running …", "› ask me", "✔ You approved …") end a dialog's top. */
const TRANSCRIPT = /^(?:[•✔✗]|›\s)/;

/**
 * A turn that ended on an error leaves "■ <the error>" as the last entry above the composer
 * ("■ unexpected status 401 Unauthorized: …", "■ You've hit your usage limit. … try again at
 * 6:57 AM."). Esc leaves the same mark for an interruption, which is the person's doing.
 */
const ERROR_MARK = /^■\s+/;
const INTERRUPTED = /^■\s+Conversation interrupted\b/;
/** Where a transcript entry starts; its wrapped lines follow, indented or not (a long URL's are not). */
const ENTRY = /^(?:[■•✔✗⚠]|›)\s/;

/** The error the last turn ended on: the transcript's last entry, when it is an error line. */
function readTurnError(capture: string): string | null {
  const above = linesAbove(tailLines(capture, 40), COMPOSER);
  const head = above.findLastIndex((l) => ENTRY.test(l));
  const first = above[head];
  if (first === undefined || !ERROR_MARK.test(first) || INTERRUPTED.test(first)) return null;
  // Wrapped lines join with a space, but for a URL cut after its "/".
  const words = above.slice(head).map((l, i) => (i === 0 ? l.replace(ERROR_MARK, "") : l.trim()));
  return words.reduce((all, w) => (all.endsWith("/") ? all + w : `${all} ${w}`)).trim() || null;
}

/** The last turn's prompt has the model's words under it and no end yet (see above). */
function turnUnderway(above: string[]): boolean {
  const prompt = above.findLastIndex((l) => COMPOSER.test(l));
  if (prompt === -1) return false;
  const turn = above.slice(prompt + 1);
  return turn.some((l) => /^•\s/.test(l)) && !turn.some((l) => /^\s*Worked for\b/.test(l) || ERROR_MARK.test(l));
}

function dialogKind(words: string): QuestionKind {
  if (SIGN_IN.some((p) => p.test(words)) || /Sign in|API key/.test(words)) return "sign-in";
  if (/Trust this folder/i.test(words)) return "trust";
  if (/Would you like to (run|make|apply)|approve|Allow/i.test(words)) return "permission";
  return "question";
}

/** A picker owns the screen (its key hint is the last line): its options and the question above. */
function readQuestion(capture: string): Question | null {
  const lines = tailLines(capture, 25);
  if (!PICKER_HINT.test(lines.at(-1) ?? "")) return null;
  const menu = readMenu(lines);
  if (!menu) {
    // The API-key box: nothing to choose, a key to paste.
    return anyLine(lines, SIGN_IN) ? { kind: "sign-in", text: "Paste or type your API key", options: [], source: "screen" } : null;
  }
  let top = menu.first - 1;
  while (top >= 0 && menu.first - top <= 8 && !TRANSCRIPT.test(lines[top] ?? "")) top--;
  const above = lines.slice(top + 1, menu.first);
  const q = menuQuestion(dialogKind(lines.slice(top + 1).join("\n")), above, menu);
  // The approval shows the command on its own "$ " line, under the question.
  const command = q.kind === "permission" ? above.map((l) => /^\s*\$ (.+)$/.exec(l)?.[1]?.trim()).findLast(Boolean) : undefined;
  return command ? { ...q, command } : q;
}

/**
 * The transcript above the composer with the "Working (1m 01s • esc to interrupt)" line's own
 * motion taken out: its blinking bullet ("•", "◦") and its clock.
 */
function progressOf(capture: string): ScreenProgress | null {
  const lines = tailLines(capture, 25);
  if (PICKER_HINT.test(lines.at(-1) ?? "")) return null;
  const above = linesAbove(lines, COMPOSER);
  const at = above.findLastIndex((l) => BUSY.test(l));
  // Text streaming in (or stalled) with no busy line: the screen itself is the work.
  if (at === -1) return turnUnderway(above) ? { shown: above.join("\n"), unanswered: false, waitedMs: null } : null;
  const shown = [...above.slice(0, at), withoutClock(above[at]!.replace(/^\s*\S\s/, "")), ...above.slice(at + 1)].join("\n");
  // "› hang please" right above "Working (…)": nothing from the model yet; its clock counts from the prompt.
  const unanswered = COMPOSER.test(above[at - 1] ?? "");
  return { shown, unanswered, waitedMs: unanswered ? clockMs(above[at]!) : null };
}

export const codex: AgentPlugin = {
  name: "codex",
  promptOnCommandLine: true,
  wireHooks: codexHooks,
  // The approval menu's "• Running" line shimmers: the pane never goes still while it asks.
  dialogsAnimate: true,
  // Enter while it works steers the running turn (steer.txt); Tab queues (queued.txt), and does
  // nothing at its prompt.
  queueKey: "Tab",
  launchCommand(opts) {
    const base = shellJoin(["codex", ...(opts.wiring?.args ?? []), ...(opts.skipPermissions ? ["--dangerously-bypass-approvals-and-sandbox"] : [])]);
    return opts.promptShell ? `${base} ${opts.promptShell}` : base;
  },
  resumeCommand(opts) {
    // The thread id comes from Codex's own notify; without one, the newest thread in the folder.
    const which = opts.agentSessionId ? [opts.agentSessionId] : ["--last"];
    return shellJoin(["codex", "resume", ...which, ...(opts.wiring?.args ?? []), ...(opts.skipPermissions ? ["--dangerously-bypass-approvals-and-sandbox"] : [])]);
  },
  classifyStill(screen: ScreenFacts): StillActivity {
    const lines = tailLines(screen.capture, 25);
    if (PICKER_HINT.test(lines.at(-1) ?? "")) {
      if (anyLine(lines, SIGN_IN)) return "blocked";
      if (anyLine(lines, [OPTION])) return "waiting_input";
    }
    const above = linesAbove(lines, COMPOSER);
    if (anyLine(above, [BUSY]) || turnUnderway(above)) return "active";
    // At rest only with its composer drawn: a line it prints before its interface ("WARNING:
    // proceeding, even though we could not update PATH…") is no prompt.
    return anyLine(lines, [COMPOSER]) ? "ready" : "unknown";
  },
  showsQueued(capture: string): boolean {
    // Also up while the turn streams on with the message still waiting (working-streaming.txt).
    return anyLine(tailLines(capture, 25), [/Queued follow-up inputs/, /edit last queued message/]);
  },
  readQuestion,
  readTurnError,
  progressOf,
};
