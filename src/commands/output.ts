import { writeSync } from "node:fs";
import { colourEnabled, makeStyle, type Style } from "../core/style.js";

export function stdoutStyle(): Style {
  return makeStyle(colourEnabled(process.env, process.stdout.isTTY === true));
}

/**
 * How wide standard output is, for tables that fit it: COLUMNS when set (a script or a person
 * asking for a width), else the terminal's own width; undefined in a pipe (no width to fit).
 */
export function stdoutColumns(): number | undefined {
  const asked = Number(process.env.COLUMNS);
  if (Number.isInteger(asked) && asked > 0) return asked;
  return process.stdout.isTTY ? process.stdout.columns : undefined;
}

export function printJson(value: unknown): void {
  writeOut(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Text for standard output, written to fd 1 directly: process.stdout into a pipe is a socket
 * Node builds on first use, with its modules, a tenth of `ao session ls --json`'s own time.
 * A descriptor left non-blocking by whoever shares it (EAGAIN) goes the usual way; a reader
 * gone (EPIPE) ends the process quietly, as `head` closing `ao status --json | head` means.
 */
export function writeOut(text: string): void {
  const bytes = Buffer.from(text, "utf8");
  let at = 0;
  try {
    while (at < bytes.length) at += writeSync(1, bytes, at);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EPIPE") process.exit(0);
    if (code !== "EAGAIN") throw e;
    process.stdout.write(bytes.subarray(at));
  }
}

/** All of standard input, for `--file -` and `--prompt-file -`. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
