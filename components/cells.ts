import { remember } from "./bounded.js";
import stringWidth from "./stringWidth.js";

const PLAIN = /^[\x20-\x7e]*$/;
const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** Widths of the non-ASCII strings last measured (a branch in Japanese, an emoji): string-width
 *  walks those that can join grapheme by grapheme, and the same few come back every frame. Emptied when full. */
const widths = new Map<string, number>();

/**
 * Columns `s` takes on screen, as Ink measures it (string-width): a CJK character or an emoji
 * takes two, a combining mark none.
 */
export function textWidth(s: string): number {
  if (PLAIN.test(s)) return s.length;
  return remember(widths, s, 512, stringWidth);
}

/**
 * `s` in exactly `w` columns: padded with spaces, or cut to `w - 1` columns and ended with "…".
 * Cut between graphemes, never inside one; a wide character that would straddle the cut is left
 * out and its column padded, so what follows still starts where its heading does.
 */
export function fitCell(s: string, w: number): string {
  const { text, width } = clip(s, w);
  return text + " ".repeat(Math.max(0, w - width));
}

/**
 * `s` in at most `w` columns: as it is when it fits, else cut to `w - 1` columns (between
 * graphemes) and ended with "…". For a line of a dialog, where nothing follows to align.
 */
export function clipText(s: string, w: number): string {
  return clip(s, w).text;
}

/** The clipped text and the columns it takes: measured once, as the table draws every cell each frame. */
function clip(s: string, w: number): { text: string; width: number } {
  if (w <= 0) return { text: "", width: 0 };
  const width = textWidth(s);
  if (width <= w) return { text: s, width };
  if (PLAIN.test(s)) return { text: `${s.slice(0, w - 1)}…`, width: w };
  let kept = "";
  let used = 0;
  for (const { segment } of graphemes.segment(s)) {
    const g = textWidth(segment);
    if (used + g > w - 1) break;
    kept += segment;
    used += g;
  }
  return { text: `${kept}…`, width: used + 1 };
}
