import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { AppContext } from "../app.js";
import { draftOf, needleOf, typeable } from "../core/draft.js";
import { AoError, EXIT_USAGE, QuestionPendingError } from "../core/errors.js";
import { questionNoun, type Question } from "../core/question.js";
import { inert, pasteable } from "../core/sanitize.js";
import type { Activity } from "../core/types.js";
import { withLock } from "../metadata/lock.js";
import type { AgentPlugin, RuntimePlugin } from "../plugins/types.js";
import { agentScreen, type AgentLook } from "./agent-screen.js";

export type SendOutcome = "delivered" | "queued" | "unconfirmed";

export interface SendOptions {
  /** Wait for the agent to stop working first (default). Never sends into a question. */
  wait?: boolean;
  timeoutMs?: number;
  actor?: string;
  /** Called while waiting for the agent, with the time waited so far. */
  onWaiting?: (waitedMs: number, activity: Activity | undefined) => void;
  /** Called once nothing can stop the send any more, right before the first key (to record intent). */
  beforeKeys?: () => Promise<void>;
}

export interface SendResult {
  outcome: SendOutcome;
  attempts: number;
  waitedMs: number;
  method: "keys" | "paste";
}

const ENTER_ATTEMPTS = 4;

/** The input box still holds text after C-u: what is left of a draft of several lines. */
class DraftInTheWay extends Error {
  constructor(readonly draft: string) {
    super("the input holds text ao could not clear");
  }
}

/** The lock that keeps two senders (or a sender and an answer) from mixing keystrokes. */
export function sendLock(ctx: AppContext, id: string): string {
  return path.join(ctx.store.dir(id), ".send-lock");
}

/**
 * Send a message to a session's agent and find out whether it arrived: wait until the agent is
 * not working, clear the input line, type or paste the text, press Enter, then read the screen
 * until the draft has left the input box (delivered) or the agent shows it as queued. A draft
 * still sitting there gets Enter again, a bounded number of times. The CLI, the dashboard and
 * reactions all send through here.
 *
 * An agent waiting on a question (a permission prompt, a picker, a sign-in, a trust dialog)
 * gets nothing typed: Enter would choose an option for the person. That is checked before
 * waiting, while waiting, and once more right before typing, and throws QuestionPendingError.
 */
export async function sendMessage(ctx: AppContext, id: string, rawText: string, opts: SendOptions = {}): Promise<SendResult> {
  // The input edge: no escape sequence, no control byte but newline and tab.
  const text = pasteable(rawText);
  if (text.trim() === "") throw new AoError(rawText.trim() === "" ? "the message is empty" : "the message is empty once control characters are removed", EXIT_USAGE);
  const screen = await agentScreen(ctx, id);
  const actor = opts.actor ?? "cli";
  /** A message not typed: one event shape for every refusal, saying why. */
  const refused = (reason: string, question?: Question) =>
    ctx.store.appendEvent(id, { actor, kind: "message", text, size: Buffer.byteLength(text), outcome: "refused", reason, ...(question ? { question: { kind: question.kind, text: question.text, options: question.options } } : {}) });
  const refuse = async (look: AgentLook): Promise<never> => {
    const q = look.question!;
    await refused(`agent waits on ${questionNoun(q.kind)}: ${q.text}`, q);
    throw new QuestionPendingError(id, q);
  };
  /**
   * The look that stands before keys go in gets none when it shows a question; a screen ao does
   * not recognize as the agent's (not its prompt, no dialog it knows), where what keys would do
   * is unknown (an update notice's "press any key", a crash trace); or, unwaited for, an agent
   * that has drawn nothing yet (it is starting): the keys would wait in its terminal for whatever
   * it shows first, a trust dialog among them, whose Enter chooses for the person. Waited for
   * (the default), the send goes ahead once it has drawn.
   */
  const refuseUntypable = async (look: AgentLook): Promise<void> => {
    if (look.question) await refuse(look);
    if (look.unrecognized !== undefined) {
      const line = inert(look.unrecognized).slice(0, 120);
      await refused(`its screen is none ao recognizes${line ? `: ${line}` : ""}`);
      throw new AoError(`${id} shows a screen ao does not recognize as ${screen.agent.name}'s prompt${line ? ` ("${line}")` : ""}, so nothing was typed. Look at it: ao attach ${id}`, 1);
    }
    if (opts.wait === false && look.activity === undefined && look.capture.trim() === "") {
      await refused("its agent has drawn nothing yet");
      throw new AoError(`${id}'s agent has drawn nothing yet (it is starting), so nothing was typed: keys sent now would reach whatever it shows first, a dialog among them. Send without --no-wait to wait for its screen.`, 1);
    }
  };

  let look = await screen.look();
  if (look.question) await refuse(look);
  const started = Date.now();
  const timeoutMs = opts.timeoutMs ?? 600_000;
  if (opts.wait !== false) {
    // Still busy at the timeout: send anyway, the agent may queue it. An agent that has drawn
    // nothing yet (no activity: a blank screen), or a screen ao does not recognize, is waited
    // for too: its input is not up (and at the timeout the unrecognized one is refused below).
    while ((look.activity === "active" || look.activity === undefined) && Date.now() - started < timeoutMs) {
      opts.onWaiting?.(Date.now() - started, look.activity);
      await sleep(250);
      look = await screen.look();
      if (look.question) await refuse(look);
    }
  }
  const waitedMs = Date.now() - started;
  await refuseUntypable(look);

  // One sender at a time per session: two interleaved sends would mix their keystrokes.
  const result = await withLock(
    sendLock(ctx, id),
    async () => {
      // The question may have come up while this waited: look once more, right before typing.
      const last = await screen.look();
      await refuseUntypable(last);
      await opts.beforeKeys?.();
      // An agent whose Enter would change its running turn gets the message behind it instead.
      const stillBusy = async () => (await screen.look()).activity === "active";
      // Enter on a question chooses an option (Claude Code's "1. Yes"): one that came up after
      // that look, while the text went in or between retries, gets no Enter from ao.
      const noQuestion = async () => {
        const now = await screen.look().catch(() => null);
        if (now?.question) await refuse(now);
      };
      try {
        return await deliver(screen.runtime, screen.name, screen.agent, text, last.activity === "active", stillBusy, noQuestion);
      } catch (e) {
        if (e instanceof DraftInTheWay) {
          await refused(`its input holds text ao could not clear: ${e.draft}`);
          throw new AoError(
            `${id}'s input holds text of several lines that ao could not clear, so nothing was typed (Enter would have sent it along with the message):\n${e.draft
              .split("\n")
              .map((l) => `  | ${inert(l)}`)
              .join("\n")}\n  Send or clear it by hand: ao attach ${id}`,
            1,
          );
        }
        throw e;
      }
    },
    { timeoutMs: 60_000 },
  );
  await ctx.store.appendEvent(id, {
    actor,
    kind: "message",
    text,
    size: Buffer.byteLength(text),
    outcome: result.outcome,
    attempts: result.attempts,
    method: result.method,
    waitedMs,
  });
  return { ...result, waitedMs };
}

/**
 * Type `text` into the agent's input and submit it. An agent with a queue key that works (`busy`
 * as the last look found it, then `stillBusy` before each retry) gets that key rather than Enter:
 * a send waits for the turn to end, and one that did not wait, or waited out its timeout, leaves
 * the message behind the turn (as `ao send` says), never steering it. `noQuestion` throws when a
 * question shows: it runs right before every key that submits.
 */
async function deliver(
  rt: RuntimePlugin,
  name: string,
  agent: AgentPlugin,
  text: string,
  busy: boolean,
  stillBusy: () => Promise<boolean>,
  noQuestion: () => Promise<void>,
): Promise<Omit<SendResult, "waitedMs">> {
  const draft = (capture: string) => (agent.draftOf ? agent.draftOf(capture) : draftOf(capture));
  const needle = needleOf(text);
  const capture = () => rt.capture(name).catch(() => "");

  // C-u clears the line the cursor is on. A draft of several lines (a person's, half-written)
  // keeps the others, and Enter would submit them with the message: seen, nothing is typed.
  const before = (draft(await capture()) ?? "").trim();
  await rt.sendKeys(name, ["C-u"]);
  if (before) {
    for (const deadline = Date.now() + 1000; Date.now() < deadline; await sleep(100)) {
      const now = (draft(await capture()) ?? "").trim();
      // Unchanged: no input box ao can read (a line of the transcript), as before.
      if (now === before) continue;
      if (now) throw new DraftInTheWay(now);
      break;
    }
  }
  const method = typeable(text) ? "keys" : "paste";
  if (method === "keys") await rt.typeLiteral(name, text);
  else await rt.paste(name, text);

  // See the draft land before pressing Enter; an agent that never reads shows nothing.
  let typed = "";
  let draftSeen = false;
  for (const deadline = Date.now() + 2000; Date.now() < deadline; ) {
    typed = await capture();
    if (needle && (draft(typed) ?? "").includes(needle)) {
      draftSeen = true;
      break;
    }
    await sleep(100);
  }

  for (let attempt = 1; attempt <= ENTER_ATTEMPTS; attempt++) {
    // The turn may have ended since (Codex's Tab does nothing at its prompt): looked at again.
    const queue = agent.queueKey !== undefined && (attempt === 1 ? busy : await stillBusy().catch(() => false));
    await noQuestion();
    await rt.sendKeys(name, [queue ? agent.queueKey! : "Enter"]);
    const settle = 600 * attempt;
    for (const deadline = Date.now() + settle; Date.now() < deadline; ) {
      await sleep(120);
      const now = await capture();
      if (agent.showsQueued(now)) return { outcome: "queued", attempts: attempt, method };
      const left = draftSeen ? !(draft(now) ?? "").includes(needle) : now !== typed;
      if (left && now !== typed) return { outcome: "delivered", attempts: attempt, method };
    }
  }
  return { outcome: "unconfirmed", attempts: ENTER_ATTEMPTS, method };
}
