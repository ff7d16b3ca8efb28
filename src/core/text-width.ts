import { eastAsianWidth } from "get-east-asian-width";

/**
 * Terminal cells for ao's plain-text tables (`ao status`, `ao hosts`): what a terminal gives
 * each character, so a branch in Chinese or with combining accents keeps the columns after it
 * under their headings. Combining marks, joiners and variation selectors take none; a wide
 * (East Asian) character two. (The dashboard measures with Ink's string-width: components/.)
 */
// Tested one character at a time, never as a sequence the class could be misread to join.
// eslint-disable-next-line no-misleading-character-class
const ZERO_WIDTH = /[\p{Mn}\p{Me}\u200c\u200d\ufe00-\ufe0f]/u;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** One character's cells. */
function cells(ch: string): number {
  return ZERO_WIDTH.test(ch) ? 0 : eastAsianWidth(ch.codePointAt(0)!);
}

export function textWidth(s: string): number {
  if (PRINTABLE_ASCII.test(s)) return s.length;
  let w = 0;
  for (const ch of s) w += cells(ch);
  return w;
}

/** `s` cut to at most `max` cells, its last one "…" when cut. */
export function clipToWidth(s: string, max: number): string {
  if (textWidth(s) <= max) return s;
  let out = "";
  let w = 0;
  for (const ch of s) {
    const cw = cells(ch);
    if (w + cw > max - 1) break;
    out += ch;
    w += cw;
  }
  return `${out}…`;
}
