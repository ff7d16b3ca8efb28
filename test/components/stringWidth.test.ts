import realStringWidth from "string-width";
import { describe, expect, it } from "vitest";
import stringWidth from "../../components/stringWidth.js";

describe("the string-width the bundle gives Ink", () => {
  it("measures every character of the Basic Multilingual Plane as string-width does, alone and between others", () => {
    const wrong: string[] = [];
    for (let cp = 0; cp <= 0xffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const c = String.fromCharCode(cp);
      for (const s of [c, `a${c}b`, `${c}${c}`, `…${c}`, `${c}\u0301`, `${c}\u200d${c}`, `${c}\ufe0f`]) {
        if (stringWidth(s) !== realStringWidth(s)) wrong.push(`U+${cp.toString(16)} in ${JSON.stringify(s)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("agrees on text that mixes what can join with what cannot", () => {
    const PIECES = ["a", "fe-12 ", "…", "✓", "✗", "▸", "●", "⚠", "日本語", "한국어", "ｶ", "ﾞ", "e\u0301", "\u200d", "\ufe0f", "👍🏽", "🇯🇵", "\u1100\u1161\u11a8", "\u001b[31m", "\u001b[39m", "\u001b[1;4;33m", "\u001b[m", "\u001b[38;5;208m", "\u001b[2J", "\u001b[", "\u001b]8;;https://x.test\u0007", "\t", "\u00ad", "☔", "☺", "⌚", "\u3099", "\u0d4e"];
    let seed = 7;
    const rand = (n: number) => ((seed = (Math.imul(seed, 48271) >>> 0) % 2147483647), seed % n);
    for (let i = 0; i < 20_000; i++) {
      let s = "";
      for (let k = rand(6); k >= 0; k--) s += PIECES[rand(PIECES.length)];
      expect(stringWidth(s), JSON.stringify(s)).toBe(realStringWidth(s));
    }
    expect(stringWidth("", {})).toBe(0);
    expect(stringWidth("…", { ambiguousIsNarrow: false })).toBe(realStringWidth("…", { ambiguousIsNarrow: false }));
  });
});
