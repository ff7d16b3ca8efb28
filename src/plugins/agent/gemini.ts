import { shellJoin } from "../../core/shell.js";
import type { Question, QuestionKind } from "../../core/question.js";
import type { AgentPlugin, ScreenFacts, ScreenProgress, StillActivity } from "../types.js";
import { menuQuestion, readMenu, unboxed } from "./menu.js";
import { geminiHooks } from "./hooks.js";
import { anyLine, clockMs, linesAbove, tailLines } from "./screen.js";

/*
 * Read off recorded screens of Gemini CLI 0.61.0 (test/fixtures/captures/gemini).
 * Dialogs are boxes at the very bottom with no prompt under them; the prompt (" > " and the
 * draft) always has the workspace status lines under it, so a draft never ends the screen.
 * - blocked: the auth method picker and the API-key box. The recording labels them
 *   waiting_input; they count as blocked because signing in is not an answer to the agent.
 * - waiting_input: a bottom box with a "● 1." radio option (tool approval, ask_user, trust).
 * - active: the spinner "⠼ Thinking... (esc to cancel, 4s)" above the prompt. HTTP 500
 *   retries show only this spinner.
 * - ready: the prompt, and none of the above. unknown: no prompt and none of the above.
 */
const BOX_END = /^\s*╰─+╯$/;
const OPTION = /^[\s│]*●\s*\d+\.\s/;
const SIGN_IN = [/How would you like to authenticate/, /Sign in with Google/, /Enter Gemini API Key/, /Paste your API key here/];
const BUSY = /\(esc to cancel, [^)]*\)/;
const PROMPT = /^\s*>\s/;

/** The top of the outer dialog box (boxes inside it start after a "│"). */
const BOX_TOP = /^\s{0,2}╭/;

/*
 * A turn that fails shows "✕ [API Error: …]" at the left edge (its wrapped lines indented by
 * two), then "ℹ This request failed…", and the prompt comes back. A failure inside a tool's box
 * starts with "│" and the model goes on after it; so does a turn whose model text ("✦") or a
 * tool box ("╭") follows the error.
 */
const ERROR_MARK = /^✕\s+/;
const WENT_ON = /^[✦╭]/;
const WRAPPED = /^ {2}\S/;

/** "[API Error: {"error":{"code":401,"message":"…","status":"…"}}]" in words; any other text as it is. */
function apiErrorWords(text: string): string {
  const json = /^\[API Error: (\{.*\})\]$/.exec(text)?.[1];
  if (!json) return text;
  try {
    const e = (JSON.parse(json) as { error?: { code?: unknown; message?: unknown; status?: unknown } }).error;
    if (typeof e?.message !== "string") return text;
    const what = [typeof e.code === "number" ? String(e.code) : "", typeof e.status === "string" ? e.status : ""].filter(Boolean).join(" ");
    return `API Error${what ? ` ${what}` : ""}: ${e.message}`;
  } catch {
    return text;
  }
}

/** The error the last turn ended on: an error line after the last prompt, with nothing the model did after it. */
function readTurnError(capture: string): string | null {
  const above = linesAbove(tailLines(capture, 40), PROMPT);
  const turn = above.slice(above.findLastIndex((l) => PROMPT.test(l)) + 1);
  const at = turn.findLastIndex((l) => ERROR_MARK.test(l));
  if (at === -1 || turn.slice(at + 1).some((l) => WENT_ON.test(l))) return null;
  const wrapped = turn.slice(at + 1);
  const end = wrapped.findIndex((l) => !WRAPPED.test(l));
  const words = [turn[at]!.replace(ERROR_MARK, ""), ...wrapped.slice(0, end === -1 ? wrapped.length : end).map((l) => l.trim())].join(" ").trim();
  return words ? apiErrorWords(words) : null;
}

/*
 * A spent quota asks what to do (quota-dialog.txt): "Usage limit reached for all Pro models." (or
 * "We are currently experiencing high demand for …"), "Access resets at 3:45 PM UTC." when the
 * API said when, "/model to switch models." and the like, then its choices ("Keep trying",
 * "Switch to …", "Stop"). The first line is what happened; the rest is its detail.
 */
const LIMIT = /^(?:Usage limit reached for|We are currently experiencing high demand for) /;

function dialogKind(words: string): QuestionKind {
  if (SIGN_IN.some((p) => p.test(words))) return "sign-in";
  if (/trust the files in this folder|Trust folder/i.test(words)) return "trust";
  if (/Allow execution|Apply this change|Allow once/i.test(words)) return "permission";
  return "question";
}

/** A dialog box closes the screen: its "● 1." options and the question above them in the box. */
function readQuestion(capture: string): Question | null {
  const lines = tailLines(capture, 40);
  if (!BOX_END.test(lines.at(-1) ?? "")) return null;
  let top = lines.length - 1;
  while (top >= 0 && !BOX_TOP.test(lines[top] ?? "")) top--;
  const box = lines.slice(Math.max(0, top));
  const menu = readMenu(box);
  if (!menu) return anyLine(box, SIGN_IN) ? { kind: "sign-in", text: "Enter Gemini API Key", options: [], source: "screen" } : null;
  const q = menuQuestion(dialogKind(box.join("\n")), box.slice(1, menu.first), menu);
  const words = box.slice(1, menu.first).map(unboxed).filter((l) => l !== "");
  const limit = words.findIndex((l) => LIMIT.test(l));
  if (limit === -1) return q;
  const detail = words.slice(limit + 1);
  return { ...q, kind: "limit", text: words[limit]!, ...(detail.length ? { detail } : {}) };
}

/**
 * The transcript above the prompt with the spinner line left out: its glyph turns, its phrase
 * changes by itself ("Thinking...", and witty others) and so does its clock.
 */
function progressOf(capture: string): ScreenProgress | null {
  const above = linesAbove(tailLines(capture, 25), PROMPT);
  const at = above.findLastIndex((l) => BUSY.test(l));
  if (at === -1) return null;
  const shown = [...above.slice(0, at), "(spinner)", ...above.slice(at + 1)].join("\n");
  // " > hang please" right above the spinner: nothing from the model yet; its clock counts from the prompt.
  const unanswered = PROMPT.test(above[at - 1] ?? "");
  return { shown, unanswered, waitedMs: unanswered ? clockMs(BUSY.exec(above[at]!)![0]) : null };
}

/**
 * What Gemini CLI said as it exited (exited.txt; /quit leaves the same, exited-to-shell.txt): it
 * ends in a summary box, "Agent powering down. Goodbye!", the session's statistics and "To
 * resume this session: gemini --resume <id>". The statistics and the box's borders are its
 * furniture. A screen that ends otherwise (it quit from its sign-in screen: login-exited.txt)
 * is all its own words.
 */
function exitWords(capture: string): string {
  const lines = capture.split("\n");
  const top = lines.findLastIndex((l) => l.startsWith("╭"));
  if (top === -1) return capture;
  const end = lines.findIndex((l, i) => i > top && l.startsWith("╰"));
  const inner = lines.slice(top + 1, end === -1 ? undefined : end).map((l) => l.replace(/^│\s*/, "").replace(/\s*│?\s*$/, ""));
  if (!inner.includes("Interaction Summary")) return capture;
  const said = inner.filter((l) => /^(?:Agent powering down\b|To resume this session:)/.test(l));
  return [...said, ...(end === -1 ? [] : lines.slice(end + 1))].join("\n");
}

export const gemini: AgentPlugin = {
  name: "gemini",
  promptOnCommandLine: true,
  takesSessionId: true,
  wireHooks: geminiHooks,
  launchCommand(opts) {
    const id = opts.agentSessionId ? ["--session-id", opts.agentSessionId] : [];
    const base = shellJoin(["gemini", ...(opts.wiring?.args ?? []), ...id, ...(opts.skipPermissions ? ["--yolo"] : [])]);
    return opts.promptShell ? `${base} -i ${opts.promptShell}` : base;
  },
  resumeCommand(opts) {
    return shellJoin(["gemini", ...(opts.wiring?.args ?? []), "--resume", opts.agentSessionId ?? "latest", ...(opts.skipPermissions ? ["--yolo"] : [])]);
  },
  classifyStill(screen: ScreenFacts): StillActivity {
    const lines = tailLines(screen.capture, 25);
    if (BOX_END.test(lines.at(-1) ?? "")) {
      if (anyLine(lines, SIGN_IN)) return "blocked";
      if (anyLine(lines, [OPTION])) return "waiting_input";
    }
    if (anyLine(linesAbove(lines, PROMPT), [BUSY])) return "active";
    // At rest only with its input box drawn: anything else is a screen ao does not know.
    return anyLine(lines, [PROMPT]) ? "ready" : "unknown";
  },
  showsQueued(capture: string): boolean {
    // Also up while the reply streams with the message still waiting (working-streaming.txt).
    return anyLine(tailLines(capture, 25), [/Queued \(press ↑ to edit\):/]);
  },
  readQuestion,
  readTurnError,
  progressOf,
  exitWords,
};
