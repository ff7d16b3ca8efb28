import { colourEnabled, makeStyle, type Style } from "../core/style.js";

export function stdoutStyle(): Style {
  return makeStyle(colourEnabled(process.env, process.stdout.isTTY === true));
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
