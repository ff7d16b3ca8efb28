import { shellJoin } from "../../core/shell.js";
import type { Question, QuestionKind } from "../../core/question.js";
import type { AgentPlugin, LaunchOptions, ScreenFacts, ScreenProgress, StillActivity } from "../types.js";
import { menuQuestion, readMenu } from "./menu.js";
import { claudeHooks } from "./hooks.js";
import { anyLine, clockMs, tailLines } from "./screen.js";

/*
 * Read off recorded screens of Claude Code 2.1.197 (test/fixtures/captures/claude-code).
 * At rest the bottom is the input box (a ─ rule, "❯ " and the draft, a ─ rule) and a footer
 * under it. A dialog takes the box's place: numbered options under a "❯" cursor and an
 * "Enter to confirm" / "Esc to cancel" hint on the last lines.
 * - waiting_input: such a dialog (permission, question, folder trust).
 * - blocked: the start-up "Do you want to use this API key?" (which key it signs in with, as
 *   Codex's and Gemini's key screens ask), the login picker, or "Please run /login" above the
 *   prompt: signing in is not an answer to the agent's question. The last two are not recorded
 *   (the offline recorder never reached them).
 * - active: "esc to interrupt" in the footer, or the spinner ("✻ Verbing…", "API error ·
 *   Retrying in 1s") above the box; the footer hint hides while a draft is typed.
 * - ready: the input box, and none of the above.
 * - unknown: no input box and no dialog (what it prints before it draws, a screen of a version
 *   not recorded): ao does not guess.
 */
const RULE = /^─{10,}$/;
const OPTION = /^\s*❯\s*\d+\.\s/;
const DIALOG_HINT = /Enter to (confirm|select)|Esc to cancel/;
const SPINNER = [/^[·✢✳✶✻✽*]\s+\S.*…/, /Retrying in \d/];
const LOGIN = [/Select login method/, /Please run \/login/];

/** Where the input box sits in `lines` (its two rules), so a draft is never read as a dialog. */
function inputBox(lines: string[]): { top: number; bottom: number } | undefined {
  for (let top = lines.length - 2; top >= 0; top--) {
    if (!RULE.test(lines[top] ?? "") || !lines[top + 1]?.startsWith("❯")) continue;
    const bottom = lines.findIndex((l, i) => i > top + 1 && RULE.test(l));
    if (bottom !== -1) return { top, bottom };
  }
  return undefined;
}

/** What a dialog is about, from its words: the trust screen and the login picker have fixed ones. */
function dialogKind(words: string): QuestionKind {
  if (/trust this folder|one you trust|Accessing workspace/i.test(words)) return "trust";
  if (LOGIN.some((p) => p.test(words)) || /Do you want to use this API key/.test(words)) return "sign-in";
  if (/Do you want to (proceed|create|make|edit|write|run|allow|delete|overwrite|fetch)|Bash command|Create file|Edit file|wants to/.test(words)) return "permission";
  return "question";
}

/**
 * The dialog in place of the input box: its options under the "❯" cursor, the question above
 * them up to the rule that starts the dialog. "Please run /login" with the prompt still there is
 * a sign-in with nothing to choose.
 */
function readQuestion(capture: string): Question | null {
  const lines = tailLines(capture, 25);
  const box = inputBox(lines);
  if (box) {
    const above = lines.slice(Math.max(0, box.top - 6), box.top);
    return anyLine(above, LOGIN) ? { kind: "sign-in", text: "Please run /login", options: [], source: "screen" } : null;
  }
  if (!anyLine(lines.slice(-2), [DIALOG_HINT])) return null;
  const menu = readMenu(lines);
  if (!menu) return null;
  let top = menu.first - 1;
  while (top >= 0 && !RULE.test(lines[top] ?? "")) top--;
  const above = lines.slice(top + 1, menu.first);
  return menuQuestion(dialogKind(above.join("\n")), above, menu);
}

/*
 * A turn that fails leaves its error as the turn's last entry above the "✻ Verbed for 1s" line
 * and the input box: "● API Error: 500 …" (error.txt, error-overloaded.txt, stall-fail-end.txt;
 * wrapped lines indented by two), or, for the errors Claude words itself, "⎿  Request timed out …"
 * right under the person's prompt (hang-timeout-end.txt, stall-hang-end.txt). The other such words are from the 2.1.197 binary,
 * not recorded. "⎿  Interrupted" (Esc) and a slash command's "⎿" output are not errors.
 */
const TRANSCRIPT_PROMPT = /^❯ /;
const API_ERROR = /^●\s+(API Error\b.*)$/;
const OWN_ERROR = /^\s*⎿\s+((?:Request timed out|Invalid API key|Credit balance (?:is )?too low|Prompt is too long|Not logged in|OAuth token revoked|Authentication error|Your ANTHROPIC_API_KEY belongs to a disabled organization|We are experiencing high demand)\b.*)$/;
/** The line a finished turn ends on: "✻ Crunched for 1s", "✻ Churned for 1m 1s". */
const TURN_DONE = /^[·✢✳✶✻✽*]\s+\S+ for \d/;
/** Where a transcript entry starts: the model's "●", the person's "❯ ", a "⎿" under either. */
const ENTRY = /^(?:●|❯ |\s*⎿\s)/;

function readTurnError(capture: string): string | null {
  const lines = tailLines(capture, 40);
  const box = inputBox(lines);
  if (!box) return null;
  const above = lines.slice(0, box.top);
  const start = above.findLastIndex((l) => TRANSCRIPT_PROMPT.test(l));
  if (start === -1) return null;
  const turn = above.slice(start + 1);
  // Only the "✻ … for 1s" line may follow the error: anything the model did after it means it went on.
  while (turn.length > 0 && TURN_DONE.test(turn.at(-1)!)) turn.pop();
  const head = turn.findLastIndex((l) => ENTRY.test(l));
  if (head === -1) return null;
  const first = turn[head]!;
  // Claude's own words stand alone under the prompt (its wrapped lines above them, if long).
  const alone = turn.findIndex((l) => ENTRY.test(l)) === head;
  const words = API_ERROR.exec(first)?.[1] ?? (alone ? OWN_ERROR.exec(first)?.[1] : undefined);
  if (!words) return null;
  return [words, ...turn.slice(head + 1).map((l) => l.trim())].join(" ").trim() || null;
}

/**
 * The screen above the input box with the spinner's own motion taken out: its glyph, its verb
 * (a new one each turn), its clock. What it counts ("↓ 10 tokens") and everything above it stay:
 * a reply streaming in changes them; a request that gets no answer leaves them as they are.
 */
function progressOf(capture: string): ScreenProgress | null {
  const lines = tailLines(capture, 25);
  const box = inputBox(lines);
  if (!box) return null;
  const above = lines.slice(0, box.top);
  const at = above.findLastIndex((l) => SPINNER.some((p) => p.test(l)));
  if (at === -1) return null;
  // Only the tokens it counts: the clock shows up a few seconds into a turn, "Retrying in 3s"
  // counts down, and a retry's "attempt 2/2" (after "Request timed out.", hang-end.txt) is no reply.
  const counts = above[at]!.match(/[↑↓]\s*[\d.,]+k?\s+tokens/g) ?? [];
  // A tip under the spinner may come and go by itself (hang-end.txt): no work of the model's.
  const under = above.slice(at + 1).filter((l) => !/^\s*⎿\s+Tip:/.test(l));
  const shown = [...above.slice(0, at), `(spinner) ${counts.join(" ")}`, ...under].join("\n");
  // The person's prompt (or its wrapped tail) right above the spinner: the model has sent nothing
  // this turn, and the spinner's clock, counting from the prompt, is how long it has waited.
  const before = above.slice(0, at);
  const entry = before.findLastIndex((l) => ENTRY.test(l) || /^[●✻]/.test(l));
  // A token count means the reply has begun, even before its first line shows (working-3.txt).
  const unanswered = counts.length === 0 && entry !== -1 && TRANSCRIPT_PROMPT.test(before[entry]!) && before.slice(entry + 1).every((l) => /^\s{2}\S/.test(l) && !/^\s*⎿/.test(l));
  return { shown, unanswered, waitedMs: unanswered ? clockMs(above[at]!.replace(/^[^(]*/, "")) : null };
}

/** A line of the slash-command menu under the input box: "/exit       Exit the CLI". */
const MENU_LINE = /^\/[\w:-]+(?: \([^)]*\))?\s{2,}\S/;

/**
 * What Claude Code said as it exited, off its dead pane (exited.txt; /exit leaves the screen of
 * slash-command-menu.txt). It leaves its last frame behind: above the input box is the
 * conversation, never words of the exit; under it its footer's hints (indented) or, after
 * /exit, the slash-command menu (its wrapped descriptions indented too). What it prints on its
 * way out ("Resume this session with:") starts at the margin. A screen with no input box (it
 * failed before drawing one: offline-first-run.txt) is all its own words.
 */
function exitWords(capture: string): string {
  const lines = capture.split("\n").map((l) => l.trimEnd()).filter((l) => l.trim() !== "");
  const box = inputBox(lines);
  if (!box) return capture;
  return lines
    .slice(box.bottom + 1)
    .filter((l) => !/^\s/.test(l) && !MENU_LINE.test(l))
    .join("\n");
}

export const claudeCode: AgentPlugin = {
  name: "claude-code",
  promptOnCommandLine: true,
  takesSessionId: true,
  wireHooks: claudeHooks,
  launchCommand(opts: LaunchOptions): string {
    const id = opts.agentSessionId ? ["--session-id", opts.agentSessionId] : [];
    const base = shellJoin(["claude", ...(opts.wiring?.args ?? []), ...id, ...(opts.skipPermissions ? ["--dangerously-skip-permissions"] : [])]);
    return opts.promptShell ? `${base} ${opts.promptShell}` : base;
  },
  resumeCommand(opts) {
    // That very conversation when its id is known; the newest in the folder only as a fallback.
    const which = opts.agentSessionId ? ["--resume", opts.agentSessionId] : ["--continue"];
    return shellJoin(["claude", ...(opts.wiring?.args ?? []), ...which, ...(opts.skipPermissions ? ["--dangerously-skip-permissions"] : [])]);
  },
  classifyStill(screen: ScreenFacts): StillActivity {
    const lines = tailLines(screen.capture, 25);
    const box = inputBox(lines);
    if (!box) {
      if (anyLine(lines, LOGIN)) return "blocked";
      // Neither its input box nor a dialog: nothing here says where Claude Code stands.
      if (!anyLine(lines.slice(-2), [DIALOG_HINT]) || !anyLine(lines, [OPTION])) return "unknown";
      return readQuestion(screen.capture)?.kind === "sign-in" ? "blocked" : "waiting_input";
    }
    const above = lines.slice(Math.max(0, box.top - 6), box.top);
    if (anyLine(above, LOGIN)) return "blocked";
    if (anyLine(lines.slice(box.bottom + 1), [/esc to interrupt/]) || anyLine(above, SPINNER)) return "active";
    return "ready";
  },
  showsQueued(capture: string): boolean {
    return anyLine(tailLines(capture, 25), [/Press up to edit queued messages/]);
  },
  readQuestion,
  readTurnError,
  progressOf,
  exitWords,
};
