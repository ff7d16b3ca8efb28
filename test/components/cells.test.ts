import fc from "fast-check";
import stringWidth from "string-width";
import { describe, expect, it } from "vitest";
import { clipText, fitCell, textWidth } from "../../components/cells.js";

describe("a table cell is exactly its column's width on screen", () => {
  it("pads and cuts plain ASCII as before", () => {
    expect(fitCell("fe-1", 8)).toBe("fe-1    ");
    expect(fitCell("feat/a-long-branch", 8)).toBe("feat/a-…");
    expect(fitCell("exactly8", 8)).toBe("exactly8");
    expect(fitCell("x", 1)).toBe("x");
    expect(fitCell("xy", 1)).toBe("…");
    expect(fitCell("abc", 0)).toBe("");
  });

  it("counts a CJK character as two columns, pads by width, and never cuts one in half", () => {
    expect(textWidth("日本語")).toBe(6);
    expect(fitCell("日本語", 8)).toBe("日本語  ");
    // 7 columns for the text and 1 for "…": 日本語 is 6, so の (2 more) does not fit and its column is padded.
    expect(fitCell("日本語のブランチ", 8)).toBe("日本語… ");
    expect(fitCell("日本語のブランチ", 9)).toBe("日本語の…");
    expect(textWidth(fitCell("日本語のブランチ", 8))).toBe(8);
  });

  it("counts an emoji (a ZWJ family, a flag) as one two-column grapheme, and a combining mark as none", () => {
    const family = "👨‍👩‍👧";
    expect(textWidth(family)).toBe(2);
    expect(fitCell(`${family}x`, 5)).toBe(`${family}x  `);
    expect(fitCell(`${family}${family}${family}`, 5)).toBe(`${family}${family}…`);
    expect(fitCell("🇯🇵 flag", 4)).toBe("🇯🇵 …");
    expect(textWidth("cafe\u0301")).toBe(4);
    expect(fitCell("cafe\u0301s", 5)).toBe("cafe\u0301s");
    expect(fitCell("cafe\u0301s!", 5)).toBe("cafe\u0301…");
  });

  it("the symbols the table shows take one column each", () => {
    for (const s of ["✓", "✗", "△", "⋯", "●", "▸", "…"]) expect(fitCell(s, 3)).toBe(`${s}  `);
  });

  it("holds for any text and width: as wide as string-width (Ink's own measure) says the column is", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), fc.string({ unit: "binary" })), fc.integer({ min: 1, max: 30 }), (raw, w) => {
        // Cells hold inert text: no control bytes (ao strips them before a cell is cut).
        // eslint-disable-next-line no-control-regex -- removing control bytes is the point
        const s = raw.replace(/[\u0000-\u001f\u007f-\u009f]/g, "");
        const out = fitCell(s, w);
        expect(stringWidth(out)).toBe(w);
        if (stringWidth(s) <= w) expect(out.startsWith(s)).toBe(true);
        else expect(out.trimEnd().endsWith("…")).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("a dialog's line is cut by width too, and left unpadded", () => {
    expect(clipText("src/app.ts", 20)).toBe("src/app.ts");
    expect(clipText("src/a-long-file-name.ts", 10)).toBe("src/a-lon…");
    // Twelve CJK characters are 24 columns: cut to 9 columns (four of them) and "…".
    expect(clipText("設定ファイルの読み込み処理", 10)).toBe("設定ファ…");
    expect(clipText("👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧", 5)).toBe("👨‍👩‍👧👨‍👩‍👧…");
    expect(clipText("abc", 0)).toBe("");
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: "grapheme" })), fc.integer({ min: 1, max: 30 }), (raw, w) => {
        // eslint-disable-next-line no-control-regex -- removing control bytes is the point
        const s = raw.replace(/[\u0000-\u001f\u007f-\u009f]/g, "");
        const out = clipText(s, w);
        expect(stringWidth(out)).toBeLessThanOrEqual(w);
        expect(out === s || (out.endsWith("…") && stringWidth(s) > w)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
