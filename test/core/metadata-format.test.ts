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
});
