// string-width for Ink's own measuring (scripts/bundle.mjs puts it in place of the package for
// Ink, widest-line and cli-truncate): the same widths, without segmenting text into graphemes when
// no character in it can join another.
//
// Why: string-width counts printable ASCII by its length, but one "…" (every cell the dashboard
// cuts short ends with one) or "✓" sends the whole string through Intl.Segmenter and three
// Unicode-property regexes. Ink measures each new text of a frame that way, and at 500 sessions
// that was string-width's ~1.3 ms of a 7–9 ms frame after a refresh, its largest piece of JS.
import { eastAsianWidth } from "get-east-asian-width";
import realStringWidth from "string-width";

/**
 * Strings of characters that are each a grapheme of their own whatever stands next to them:
 * printable ASCII and blocks (Latin, Greek, Cyrillic, punctuation, symbols, arrows, box
 * drawing, kana, CJK, Hangul syllables, fullwidth forms) with no combining mark, joiner,
 * variation selector, control, format character or Hangul jamo in them. Such a string's
 * width is the sum of its characters' widths. (A regular expression's character class, as text.)
 */
export const STANDALONE_CHARS = "\\x20-\\x7e\\u00a0-\\u00ac\\u00ae-\\u02ff\\u0370-\\u0482\\u2010-\\u2027\\u2030-\\u205e\\u2070-\\u20cf\\u2100-\\u2bff\\u3000-\\u3029\\u3030-\\u303f\\u3041-\\u3096\\u309b-\\u30ff\\u4e00-\\u9fff\\uac00-\\ud7a3\\uff01-\\uff60";
const STANDALONE = new RegExp(`^[${STANDALONE_CHARS}]*$`);
/** The same with colour codes (SGR) among them: Ink measures a text with its nested styles applied. */
export const STANDALONE_WITH_SGR = new RegExp(`^(?:[${STANDALONE_CHARS}]|\\x1b\\[[0-9;]*m)*$`);
// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[0-9;]*m/g;

/** Each such character's width, as string-width gives it alone (a bounded set: those blocks). */
const widths = new Map<string, number>();

/**
 * The width of one character of those blocks: its East Asian Width, which is what string-width
 * gives a lone one of them (none of them is invisible, and every emoji among them is wide), but
 * without string-width's first call: V8 compiles its `\p{RGI_Emoji}` expression then, and its
 * first `Intl.Segmenter` starts: 24 ms of each `ao ui` start-up (CPU profiles of five launches,
 * up to the first rows), now ~0.1. Checked against string-width for every character of the
 * plane (stringWidth.test.ts).
 */
export function standaloneWidth(ch: string): number {
  let w = widths.get(ch);
  if (w === undefined) widths.set(ch, (w = eastAsianWidth(ch.codePointAt(0)!)));
  return w;
}

export default function stringWidth(input: string, options?: Parameters<typeof realStringWidth>[1]): number {
  if (options !== undefined || typeof input !== "string") return realStringWidth(input, options);
  if (!STANDALONE.test(input)) {
    // string-width strips escape sequences first; an SGR code is one whole (ansi-regex's CSI).
    if (!input.includes("\x1b") || !STANDALONE_WITH_SGR.test(input)) return realStringWidth(input);
    input = input.replace(SGR, "");
  }
  let width = input.length;
  for (let i = 0; i < input.length; i++) {
    if (input.charCodeAt(i) <= 0x7e) continue;
    width += standaloneWidth(input[i]!) - 1;
  }
  return width;
}
