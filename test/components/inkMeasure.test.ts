import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import measureText, { MEASURE_CACHE_LIMIT, measuredTexts } from "../../components/inkMeasureText.js";
import wrapText, { WRAP_CACHE_LIMIT, wrappedTexts } from "../../components/inkWrapText.js";

// Ink's own modules, from the very files its renderer loads (its package exports only its index).
const inkFile = async (name: string) => (await import(pathToFileURL(path.resolve("node_modules/ink/build", name)).href)).default;

const TEXTS = [
  "",
  "plain",
  "two\nlines",
  "fe-1     feat/fe-1…\n  fe-2  ✓ △ ⋯",
  "\u001b[31mred\u001b[39m and \u001b[1mbold\u001b[22m",
  "日本語のブランチ名 and 👍🏽 🇯🇵 e\u0301",
  "a long line of words that a narrow box has to wrap somewhere in the middle of it",
  "\n\n",
];

describe("the text sizes and wrapping the bundle gives Ink", () => {
  it("measure every text as Ink's measure-text does", async () => {
    const inks = await inkFile("measure-text.js");
    for (const t of TEXTS) expect(measureText(t), JSON.stringify(t)).toEqual(inks(t));
  });

  it("wrap and cut every text as Ink's wrap-text does, at every width and kind", async () => {
    const inks = await inkFile("wrap-text.js");
    for (const t of TEXTS)
      for (const w of [1, 3, 8, 20, 200])
        for (const kind of ["wrap", "truncate", "truncate-end", "truncate-middle", "truncate-start", "end"]) {
          expect(wrapText(t, w, kind), JSON.stringify([t, w, kind])).toBe(inks(t, w, kind));
        }
  });

  it("keep a bounded number of texts however many they are shown", () => {
    for (let i = 0; i < MEASURE_CACHE_LIMIT + 500; i++) measureText(`round ${i}: a column's text\nthat changed`);
    expect(measuredTexts()).toBeLessThanOrEqual(MEASURE_CACHE_LIMIT);
    expect(measuredTexts()).toBeGreaterThan(0);
    for (let i = 0; i < WRAP_CACHE_LIMIT + 500; i++) wrapText(`round ${i}: a row too wide for its box`, 10, "wrap");
    expect(wrappedTexts()).toBeLessThanOrEqual(WRAP_CACHE_LIMIT);
    expect(wrappedTexts()).toBeGreaterThan(0);
  });
});
