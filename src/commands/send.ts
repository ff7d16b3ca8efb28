import { secondsFlag } from "./seconds.js";
import { readFile } from "node:fs/promises";
import { createApp } from "../app.js";
import { AoError, EXIT_UNCONFIRMED, EXIT_USAGE, QuestionPendingError } from "../core/errors.js";
import { inert } from "../core/sanitize.js";
import { answerQuestion } from "../services/answer.js";
import { sendMessage, type SendOutcome } from "../services/messenger.js";
import { printJson, readStdin } from "./output.js";

export interface SendFlags {
  wait?: boolean;
  file?: string;
  timeout?: string;
  json?: boolean;
  answer?: string;
}

const LINES: Record<SendOutcome, string> = {
  delivered: "✓ Message sent and processing",
  queued: "✓ Message queued (session finishing previous task)",
  unconfirmed: "⚠ Message sent — could not confirm it was received",
};


async function messageText(words: string[], flags: SendFlags): Promise<string> {
  if (flags.file !== undefined) {
    if (words.length) throw new AoError("give the message as an argument or with --file, not both", EXIT_USAGE);
    let text: string;
    try {
      text = flags.file === "-" ? await readStdin() : await readFile(flags.file, "utf8");
    } catch (e) {
      throw new AoError(`cannot read ${flags.file}: ${(e as Error).message}`, EXIT_USAGE);
    }
    // A file ends with a newline by convention; that one is not part of the message.
    return text.endsWith("\n") ? text.slice(0, -1) : text;
  }
  if (!words.length) throw new AoError('no message: ao send <id> "message…" or --file F', EXIT_USAGE);
  return words.join(" ");
}

function timeoutMs(value: string | undefined): number {
  return secondsFlag("--timeout", value, 600_000, { min: 0, max: 86_400 });
}

/** `ao send <id> --answer 2`: choose an option of the question the agent waits on. */
async function answer(id: string, words: string[], flags: SendFlags): Promise<number> {
  if (words.length || flags.file !== undefined) throw new AoError("--answer takes no message: ao send <id> --answer 2 (or yes, no)", EXIT_USAGE);
  const ctx = await createApp();
  const r = await answerQuestion(ctx, id, flags.answer!, { actor: "cli" });
  const chosen = `${/^\d+$/.test(r.choice.key) ? `${r.choice.key}. ` : ""}${inert(r.choice.label)}`;
  if (flags.json) printJson({ id, outcome: r.outcome, choice: r.choice, question: { kind: r.question.kind, text: r.question.text } });
  else if (r.outcome === "answered") process.stdout.write(`✓ Answered "${inert(r.question.text)}" with ${chosen}\n`);
  else process.stdout.write(`⚠ Chose ${chosen}, but the question is still on ${id}'s screen; look: ao attach ${id}\n`);
  return r.outcome === "answered" ? 0 : EXIT_UNCONFIRMED;
}

/** `ao send <id> "message…"` */
export async function send(id: string, words: string[], flags: SendFlags): Promise<number> {
  if (flags.answer !== undefined) return answer(id, words, flags);
  const text = await messageText(words, flags);
  const timeout = timeoutMs(flags.timeout);
  const ctx = await createApp();
  const tty = process.stderr.isTTY === true && !flags.json;
  let r;
  try {
    r = await sendMessage(ctx, id, text, {
      wait: flags.wait !== false,
      timeoutMs: timeout,
      // Said once the agent was reached and nothing stops the send: an unreachable host or a
      // question on screen fails with its own words, nothing claimed before them.
      ...(flags.wait === false && !flags.json
        ? { beforeKeys: async () => void process.stderr.write(`Not waiting: if ${id} is busy, the agent may queue the message.\n`) }
        : {}),
      onWaiting: (ms, activity) => {
        // No activity: its screen is blank, or none ao recognizes (not its prompt yet).
        const what = activity === undefined ? "to show its prompt" : "to finish its current task";
        if (tty) process.stderr.write(`\r\u001b[2KWaiting for ${id} ${what}… ${Math.round(ms / 1000)}s`);
      },
    });
  } catch (e) {
    if (tty) process.stderr.write("\r\u001b[2K");
    // Scripts get the question as data too; the person reads it on standard error either way.
    if (e instanceof QuestionPendingError && flags.json) printJson({ id, outcome: "refused", question: e.question });
    throw e;
  }
  if (tty && r.waitedMs > 300) process.stderr.write("\r\u001b[2K");
  if (flags.json) printJson({ id, ...r });
  else process.stdout.write(`${LINES[r.outcome]}\n`);
  return r.outcome === "unconfirmed" ? EXIT_UNCONFIRMED : 0;
}
