// Ink's wrap-text (a text wrapped or cut to a box's width), as the bundle gives it to Ink in place
// of its own (scripts/bundle.mjs): the same text, from a cache that cannot grow without end
// (Ink's kept every text it wrapped, at every width: a narrow terminal's rows, each refresh).
import cliTruncate from "cli-truncate";
import wrapAnsi from "wrap-ansi";
import { remember } from "./bounded.js";

export const WRAP_CACHE_LIMIT = 2000;
const wrapped = new Map<string, string>();

export default function wrapText(text: string, maxWidth: number, wrapType: string): string {
  return remember(wrapped, `${text}${maxWidth}${wrapType}`, WRAP_CACHE_LIMIT, () => {
    if (wrapType === "wrap") return wrapAnsi(text, maxWidth, { trim: false, hard: true });
    if (wrapType.startsWith("truncate")) {
      const position = wrapType === "truncate-middle" ? "middle" : wrapType === "truncate-start" ? "start" : "end";
      return cliTruncate(text, maxWidth, { position });
    }
    return text;
  });
}

/** How many wrapped texts the cache holds (for tests). */
export const wrappedTexts = () => wrapped.size;
