import { setTimeout as sleep } from "node:timers/promises";
import type { AppContext } from "../app.js";
import { AoError, EXIT_UNCONFIRMED, EXIT_USAGE, QuestionPendingError } from "../core/errors.js";
import { chooseOption, sameQuestion, type Question, type QuestionOption } from "../core/question.js";
import { inert } from "../core/sanitize.js";
import { withLock } from "../metadata/lock.js";
import { tailLines } from "../plugins/agent/screen.js";
import { agentScreen, type AgentScreen } from "./agent-screen.js";
import { sendLock } from "./messenger.js";

export interface AnswerResult {
  /** answered: the prompt left the screen; unconfirmed: it is still there. */
  outcome: "answered" | "unconfirmed";
  choice: QuestionOption;
  question: Question;
}

const CONFIRM_MS = 8000;

/** The question on screen now, if it is still `q` (its cursor may have moved). */
async function stillAsking(screen: AgentScreen, q: Question): Promise<Question | null> {
  const now = screen.agent.readQuestion?.(await screen.capture()) ?? null;
  return now && sameQuestion(now, q) ? now : null;
}

async function until<T>(ms: number, check: () => Promise<T | null | undefined | false>): Promise<T | null> {
  for (const deadline = Date.now() + ms; ; ) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) return null;
    await sleep(120);
  }
}

/** Press what chooses `option`: move a menu's cursor onto it and press Enter, or type its key. */
async function choose(ctx: AppContext, screen: AgentScreen, q: Question, option: QuestionOption): Promise<void> {
  const rt = screen.runtime;
  const target = q.options.findIndex((o) => o.key === option.key);
  const how = q.answerWith ?? (q.cursor !== undefined ? "arrows" : "line");
  if (how === "arrows") {
    if (q.cursor === undefined) throw new AoError(`cannot see where ${screen.id}'s menu cursor is, so nothing was chosen; answer by hand: ao attach ${screen.id}`, EXIT_UNCONFIRMED);
    const delta = target - q.cursor;
    if (delta !== 0) await rt.sendKeys(screen.name, Array<string>(Math.abs(delta)).fill(delta > 0 ? "Down" : "Up"));
    // Enter only once the cursor is seen on the option: Enter elsewhere would choose another.
    const there = await until(3000, async () => (await stillAsking(screen, q))?.cursor === target);
    if (!there) throw new AoError(`the cursor did not reach option ${option.key} on ${screen.id}'s screen, so nothing was chosen; answer by hand: ao attach ${screen.id}`, EXIT_UNCONFIRMED);
    await rt.sendKeys(screen.name, ["Enter"]);
    return;
  }
  await rt.typeLiteral(screen.name, option.key);
  if (how === "line") await rt.sendKeys(screen.name, ["Enter"]);
}

/**
 * Answer the question the agent waits on with the option the person named (`2`, `yes`, `no`, a
 * label), then confirm the prompt left the screen. Nothing is typed unless exactly one option is
 * named and the same question is still showing. The answer is recorded with the choice.
 */
export async function answerQuestion(ctx: AppContext, id: string, answer: string, opts: { actor?: string } = {}): Promise<AnswerResult> {
  const screen = await agentScreen(ctx, id);
  const look = await screen.look();
  const q = look.question;
  if (!q) throw new AoError(`${id} is not asking anything now, so nothing was typed; to send a message: ao send ${id} "…"`, 1);
  if (q.options.length === 0) throw new QuestionPendingError(id, q);
  const option = chooseOption(q, answer);
  if (!option) {
    const list = q.options.map((o) => `${o.key} (${inert(o.label)})`).join(", ");
    throw new AoError(`"${inert(answer)}" names none of the options of ${id}'s question (${inert(q.text)}): ${list}; nothing was typed`, EXIT_USAGE);
  }

  const outcome = await withLock(
    sendLock(ctx, id),
    async () => {
      const current = await stillAsking(screen, q);
      if (!current) throw new AoError(`${id}'s question changed or went away before ao could answer; nothing was typed`, 1);
      await choose(ctx, screen, current, option);
      let entered = current.answerWith !== "key";
      const gone = await until(CONFIRM_MS, async () => {
        const capture = await screen.capture();
        // A line-mode prompt echoes the key after itself ("Deploy? (y/n) y") and waits for Enter.
        const lastLine = tailLines(capture, 1)[0]?.trimEnd() ?? "";
        if (!entered && lastLine.includes(q.text) && lastLine.endsWith(` ${option.key}`)) {
          entered = true;
          await screen.runtime.sendKeys(screen.name, ["Enter"]);
          return false;
        }
        const now = screen.agent.readQuestion?.(capture) ?? null;
        return !now || !sameQuestion(now, q);
      });
      return gone ? ("answered" as const) : ("unconfirmed" as const);
    },
    { timeoutMs: 60_000 },
  );
  await ctx.store.appendEvent(id, {
    actor: opts.actor ?? "cli",
    kind: "answer",
    outcome,
    question: { kind: q.kind, text: q.text },
    choice: { key: option.key, label: option.label },
  });
  return { outcome, choice: option, question: q };
}
