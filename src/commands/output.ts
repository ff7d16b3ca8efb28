import { colourEnabled, makeStyle, type Style } from "../core/style.js";

export function stdoutStyle(): Style {
  return makeStyle(colourEnabled(process.env, process.stdout.isTTY === true));
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** All of standard input, for `--file -` and `--prompt-file -`. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
