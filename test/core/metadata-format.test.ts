import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MetadataParseError, parseMetadata, serializeMetadata } from "../../src/core/metadata-format.js";

// Strings full of the characters the format must escape, plus any unicode.
const tricky = fc.oneof(
  fc.string({ unit: "grapheme" }),
  fc.string({ unit: fc.constantFrom("\n", "\r", "=", "\\", "#", "n", "r", " ", "é", "🚀", "\t", "a") }),
);
const key = tricky.filter((k) => k.length > 0);

describe("metadata format", () => {
  it("round-trips any keys and values", () => {
    fc.assert(
      fc.property(fc.dictionary(key, tricky, { maxKeys: 12 }), (dict) => {
        const meta = Object.assign(Object.create(null) as Record<string, string>, dict);
        const text = serializeMetadata(meta);
        // One line per key: no raw newline or CR survives inside a line.
        expect(text.split("\n").length - 1).toBe(Object.keys(meta).length);
        expect(text).not.toMatch(/\r/);
        expect({ ...parseMetadata(text) }).toEqual({ ...meta });
      }),
      { numRuns: 500 },
    );
  });

  it("reads what a person writes by hand: comments, blank lines, CRLF, = in values, stray backslashes", () => {
    const text = "# edited by hand\r\nid=fe-1\r\n\r\nnote=a=b=c\nwinPath=C:\\temp\\project\n";
    expect({ ...parseMetadata(text) }).toEqual({ id: "fe-1", note: "a=b=c", winPath: "C:\\temp\\project" });
  });

  it("keeps keys it does not know, in order", () => {
    const meta = parseMetadata("id=fe-1\nmyTeamField=x\nstatus=working\n");
    expect(serializeMetadata({ ...meta, status: "pr_open" })).toBe("id=fe-1\nmyTeamField=x\nstatus=pr_open\n");
  });

  it("names the line that is not key=value", () => {
    expect(() => parseMetadata("id=fe-1\nthis line is broken\n")).toThrow(MetadataParseError);
    expect(() => parseMetadata("id=fe-1\nthis line is broken\n")).toThrow(/line 2/);
    expect(() => parseMetadata("=value\n")).toThrow(/empty key/);
  });

  it("a record inherits no key, and keys named like Object's own are plain keys", () => {
    const meta = parseMetadata("id=fe-1\n__proto__=x\nconstructor=y\n");
    expect(Object.keys(meta)).toEqual(["id", "__proto__", "constructor"]);
    expect(meta["__proto__"]).toBe("x");
    expect(meta.constructor).toBe("y");
    expect((meta as Record<string, unknown>).toString).toBeUndefined();
    expect((meta as Record<string, unknown>).hasOwnProperty).toBeUndefined();
    // With an escape in the text (the other reader), the same holds.
    const escaped = parseMetadata("note=a\\nb\n__proto__=x\n");
    expect(escaped["__proto__"]).toBe("x");
    expect((escaped as Record<string, unknown>).toString).toBeUndefined();
  });

  it("reads a plain record and one with escapes alike, errors on the same lines", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.stringMatching(/^[a-z ]{0,4}$/), fc.stringMatching(/^[a-z =]{0,6}$/)), { maxLength: 8 }), (pairs) => {
        const lines = pairs.map(([k, v]) => (k.trim() === "" && v === "" ? k : `${k}=${v}`));
        const plain = `${lines.join("\n")}\n`;
        // The same text with a comment line in front takes the escape-aware reader; lines shift by one.
        const commented = `# c\n${plain}`;
        let a: unknown;
        let b: unknown;
        try {
          a = { ...parseMetadata(plain) };
        } catch (e) {
          a = (e as MetadataParseError).line;
        }
        try {
          b = { ...parseMetadata(commented) };
        } catch (e) {
          b = (e as MetadataParseError).line - 1;
        }
        expect(a).toEqual(b);
      }),
      { numRuns: 500 },
    );
  });
});
