import { readFile } from "node:fs/promises";
import { createApp } from "../app.js";
import { AoError, EXIT_USAGE } from "../core/errors.js";
import { sendMessage, type SendOutcome } from "../services/messenger.js";
import { printJson, readStdin } from "./output.js";

export interface SendFlags {
  wait?: boolean;
  file?: string;
  timeout?: string;
  json?: boolean;
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
  if (value === undefined) return 600_000;
  const s = Number(value);
  if (!Number.isFinite(s) || s < 0) throw new AoError(`--timeout takes seconds, got "${value}"`, EXIT_USAGE);
  return s * 1000;
}

/** `ao send <id> "message…"` */
export async function send(id: string, words: string[], flags: SendFlags): Promise<number> {
  const text = await messageText(words, flags);
  const timeout = timeoutMs(flags.timeout);
  const ctx = await createApp();
  const tty = process.stderr.isTTY === true && !flags.json;
  if (flags.wait === false && !flags.json) process.stderr.write(`Not waiting: if ${id} is busy, the agent may queue the message.\n`);
  const r = await sendMessage(ctx, id, text, {
    wait: flags.wait !== false,
    timeoutMs: timeout,
    onWaiting: (ms) => {
      if (tty) process.stderr.write(`\r\u001b[2KWaiting for ${id} to finish its current task… ${Math.round(ms / 1000)}s`);
    },
  });
  if (tty && r.waitedMs > 300) process.stderr.write("\r\u001b[2K");
  if (flags.json) printJson({ id, ...r });
  else process.stdout.write(`${LINES[r.outcome]}\n`);
  return r.outcome === "unconfirmed" ? 3 : 0;
}
