import { isUtf8 } from "node:buffer";
import { escapeKey, escapeValue, parseMetadata, serializeMetadata } from "../core/metadata-format.js";
import type { Metadata } from "../core/types.js";

/**
 * `meta` as the text of a record that was `original`, keeping the bytes of each line that is not
 * valid UTF-8 while ao leaves its key's value as it read it. Such a line (a path in Latin-1, a
 * stray byte typed by a person) can only be read with U+FFFD in place of its bytes; written back
 * from that reading it would lose them, though ao never meant to touch the key. A key ao changes
 * or removes is written, or dropped, as ao means it. Comments and blank lines go, as on any rewrite.
 */
export function serializeKeepingBytes(meta: Metadata, original: Buffer): string | Buffer {
  // Nearly every record is UTF-8 throughout: written as ever.
  if (isUtf8(original)) return serializeMetadata(meta);
  // Per key, the last line that set it (as parsing takes the last): what ao read, and the bytes
  // when they are not UTF-8.
  const lines = new Map<string, { value: string; bytes: Buffer | null }>();
  for (let start = 0; start < original.length; ) {
    let end = original.indexOf(0x0a, start);
    if (end === -1) end = original.length;
    const bytes = original.subarray(start, end);
    start = end + 1;
    // The whole record parsed, so each of its lines does (a comment or a blank line to nothing).
    for (const [key, value] of Object.entries(parseMetadata(bytes.toString("utf8")))) lines.set(key, { value, bytes: isUtf8(bytes) ? null : bytes });
  }
  const out: Buffer[] = [];
  for (const [key, value] of Object.entries(meta)) {
    if (key === "") throw new Error("metadata keys must not be empty");
    const line = lines.get(key);
    out.push(line?.bytes && line.value === value ? line.bytes : Buffer.from(`${escapeKey(key)}=${escapeValue(value)}`, "utf8"), Buffer.from("\n"));
  }
  return Buffer.concat(out);
}
