import { readFileSync } from "node:fs";
import { isAscii } from "node:buffer";
import path from "node:path";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a build script, plain JavaScript
import { toAscii } from "../../scripts/ascii-only.mjs";
import { ROOT } from "../helpers/ao.js";

const ascii = toAscii as (file: string, text: string) => string;
const run = (code: string): unknown => vm.runInNewContext(code);

describe("the CLI bundle as ASCII (scripts/ascii-only.mjs)", () => {
  it("is what the build leaves: bin/ao.js reads it as Latin-1", () => {
    expect(isAscii(readFileSync(path.join(ROOT, "dist/bundle/ao.cjs")))).toBe(true);
  });

  it("escapes regular expressions, strings and comments so that they match the same", () => {
    const code = `// a box: ╭─╮\n/* ● */ [/^[\\s│┃]*❯\\s(.*)$/u.exec("│ ❯ hi 🙂")[1], /^[·✻]\\s+\\S+ for \\d/.test("✻ Worked for 5s"), "é🙂".length, /🙂/.test("a🙂b")]`;
    const out = ascii("x.js", code);
    expect(isAscii(Buffer.from(out))).toBe(true);
    expect(run(out)).toEqual(run(code));
    expect(run(out)).toEqual(["hi 🙂", true, 3, true]);
  });

  it("leaves ASCII alone", () => {
    expect(ascii("x.js", "const a = /x/;\n")).toBe("const a = /x/;\n");
  });

  it("stops where an escape would not mean the same", () => {
    expect(() => ascii("x.js", "const a = 1;\nString.raw`│`;")).toThrow(/x\.js:2: .*template literal/);
    expect(() => ascii("x.js", "const t = `a ${1} │`;")).toThrow(/template literal/);
    expect(() => ascii("x.js", "// a \u2028 b\n")).toThrow(/separator/);
    expect(() => ascii("x.js", "/\\│/.test('│');")).toThrow(/after a backslash/);
    // An even run of backslashes escapes itself: the character stands alone.
    expect(run(ascii("x.js", "/\\\\│/.test('\\\\│')"))).toBe(true);
  });
});
