// Ink's measure-text (the size Yoga is told a text takes), as the bundle gives it to Ink in place
// of its own (scripts/bundle.mjs): the same sizes, from a cache that cannot grow without end.
// Ink's kept every text it ever measured: a dashboard whose table changes once a refresh kept a
// column's whole text (1-2 KB) each time, ~3 MB an hour at one change every 2 s.
import { remember } from "./bounded.js";
import stringWidth from "./stringWidth.js";

export const MEASURE_CACHE_LIMIT = 2000;
const sizes = new Map<string, { width: number; height: number }>();

export default function measureText(text: string): { width: number; height: number } {
  if (text.length === 0) return { width: 0, height: 0 };
  return remember(sizes, text, MEASURE_CACHE_LIMIT, () => {
    const lines = text.split("\n");
    let width = 0;
    for (const line of lines) width = Math.max(width, stringWidth(line));
    return { width, height: lines.length };
  });
}

/** How many texts the cache holds (for tests). */
export const measuredTexts = () => sizes.size;
