import type { Metadata } from "./types.js";

/**
 * The session file format: one `key=value` per line, editable by hand.
 *
 * Escapes keep every key and value on one line and make any string round-trip:
 * `\\` backslash, `\n` newline, `\r` carriage return, and in keys `\=` for `=` (the first
 * unescaped `=` separates key from value) and a leading `\#` (a line starting with `#` is a
 * comment). An unknown escape such as `\p`, typed by a person, is kept as written.
 */

function escapeCommon(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\r/g, "\\r");
}

export function escapeKey(key: string): string {
  const e = escapeCommon(key).replace(/=/g, "\\=");
  return e.startsWith("#") ? `\\${e}` : e;
}

export function escapeValue(value: string): string {
  return escapeCommon(value);
}

function unescape(s: string): string {
  if (!s.includes("\\")) return s;
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== "\\" || i === s.length - 1) {
      out += c;
      continue;
    }
    const next = s[++i];
    if (next === "n") out += "\n";
    else if (next === "r") out += "\r";
    else if (next === "\\" || next === "=" || next === "#") out += next;
    else out += `\\${next}`;
  }
  return out;
}

/** Index of the first `=` not preceded by an escaping backslash, or -1. */
function separatorIndex(line: string): number {
  // Most lines have no backslash before their `=`: two native searches instead of a loop over
  // every character (500 files per `ao session ls`).
  const eq = line.indexOf("=");
  const slash = line.indexOf("\\");
  if (slash === -1 || (eq !== -1 && eq < slash)) return eq;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === "\\") i++;
    else if (line[i] === "=") return i;
  }
  return -1;
}

export class MetadataParseError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

export function parseMetadata(text: string): Metadata {
  // No prototype: a key such as `__proto__` written by hand is just a key.
  const out: Metadata = Object.create(null) as Metadata;
  const lines = text.split("\n");
  for (let n = 0; n < lines.length; n++) {
    // Tolerate files saved with CRLF by an editor; a real CR in a value is always escaped.
    const raw = lines[n] ?? "";
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() === "" || line.startsWith("#")) continue;
    const at = separatorIndex(line);
    if (at <= 0) {
      throw new MetadataParseError(n + 1, at === 0 ? "empty key" : `expected key=value, got ${JSON.stringify(line.slice(0, 60))}`);
    }
    out[unescape(line.slice(0, at))] = unescape(line.slice(at + 1));
  }
  return out;
}

export function serializeMetadata(meta: Metadata): string {
  let out = "";
  for (const [key, value] of Object.entries(meta)) {
    if (key === "") throw new Error("metadata keys must not be empty");
    out += `${escapeKey(key)}=${escapeValue(value)}\n`;
  }
  return out;
}
