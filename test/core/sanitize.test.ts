import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { inert, inertLines, inertMessage, pasteable } from "../../src/core/sanitize.js";

const ESC = "\u001b";
const BEL = "\u0007";
/** Every hostile piece the issue names, between markers that must survive in order. */
export const HOSTILE = `A${ESC}[201~B${ESC}]52;c;cHduZWQ=${BEL}C${ESC}]0;PWNED${BEL}D${ESC}[2JE\u0003F\rG`;

// eslint-disable-next-line no-control-regex
const ANY_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe("inert (output edge)", () => {
  it("strips every sequence and control byte and keeps the text", () => {
    expect(inert(HOSTILE)).toBe("ABCDEF G");
    expect(inertLines(HOSTILE)).toBe("ABCDEF\nG");
    expect(pasteable(HOSTILE)).toBe("ABCDEF\nG");
  });

  it("knows the other sequence kinds: 8-bit CSI and OSC, DCS, APC, ST, unterminated strings", () => {
    expect(inert("a\u009b31mb\u009d0;t\u009cc")).toBe("abc");
    expect(inert(`a${ESC}P1$r${ESC}\\b${ESC}_x${BEL}c`)).toBe("abc");
    expect(inert(`a${ESC}cb${ESC}(Bc${ESC}7d`)).toBe("abcd");
    // No terminator: the introducer goes, what follows stays as plain, inert text.
    expect(inert(`a${ESC}]0;title`)).toBe("a0;title");
    expect(inert(`a${ESC}`)).toBe("a");
    expect(inert(`x\u007fy\u0085z`)).toBe("xyz");
  });

  it("keeps line breaks and tabs only where they are meant", () => {
    expect(inert("one\ttwo\nthree\r\nfour")).toBe("one two three four");
    expect(inertLines("one\ttwo\nthree\r\nfour\rfive")).toBe("one    two\nthree\nfour\nfive");
    expect(pasteable("one\ttwo\r\nthree")).toBe("one\ttwo\nthree");
  });

  it("leaves ordinary text alone, unicode included", () => {
    const s = "naïve café — 中文 ✓ 🚀 $HOME `id` \"q\" ; \\; { }";
    expect(inert(s)).toBe(s);
    expect(pasteable(s)).toBe(s);
  });

  it("never lets a control byte through, whatever the input", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 80 }), (s) => {
        expect(inert(s)).not.toMatch(ANY_CONTROL);
        expect(inert(s)).not.toMatch(/[\n\t]/);
        expect(inertLines(s)).not.toMatch(ANY_CONTROL);
        expect(pasteable(s)).not.toMatch(ANY_CONTROL);
      }),
      { numRuns: 500 },
    );
  });
});

describe("inertMessage (an error printed after ao's own prefix)", () => {
  it("indents every later line that would start at the margin, so outside text cannot pass for ao's lines", () => {
    expect(inertMessage("git worktree: fatal: bad\nao: fe-1 killed\rao: done\u2028Answer it: ao send")).toBe("git worktree: fatal: bad\n  ao: fe-1 killed\n  ao: done\n  Answer it: ao send");
    // Lines already indented keep their layout; empty lines stay empty; one line is as it was.
    expect(inertMessage("asks:\n  Do it?\n    1. Yes\n\nAnswer it")).toBe("asks:\n  Do it?\n    1. Yes\n\n  Answer it");
    expect(inertMessage(`one ${ESC}[2Jline`)).toBe("one line");
  });

  it("leaves no later line at the margin, whatever the text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        const lines = inertMessage(text).split("\n").slice(1);
        return lines.every((l) => l === "" || /^\s/.test(l));
      }),
    );
  });
});

describe("invisible characters that change how text is shown", () => {
  it("takes out bidi controls and zero-width and format characters, and breaks lines at U+2028/2029", () => {
    const s = "a\u202Eb\u202Cc\u2066d\u2069e\u200Bf\u200Eg\u200Fh\uFEFFi\u2060j\u061Ck";
    expect(inert(s)).toBe("abcdefghijk");
    expect(inertLines(s)).toBe("abcdefghijk");
    expect(pasteable(s)).toBe("abcdefghijk");
    expect(inert("one\u2028two\u2029three")).toBe("one two three");
    expect(inertLines("one\u2028two\u2029three")).toBe("one\ntwo\nthree");
    expect(pasteable("one\u2028two")).toBe("one\ntwo");
  });

  it("keeps the joiners emoji and several scripts are written with", () => {
    const family = "\u{1F468}\u200D\u{1F469}\u200D\u{1F467}";
    const persian = "\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645";
    expect(inert(family)).toBe(family);
    expect(inertLines(persian)).toBe(persian);
  });
});
