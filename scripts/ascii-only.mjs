import { readFileSync, writeFileSync } from "node:fs";
import vm from "node:vm";
import ts from "typescript";

/** Where a template literal's text lies in `text` (JavaScript), as [start, end) pairs. */
function templateSpans(file, text) {
  const spans = [];
  const visit = (node) => {
    if (ts.isTemplateLiteralToken(node)) spans.push([node.getStart(), node.end]);
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS));
  return spans;
}

// V8 holds a source with one character past Latin-1 at two bytes a character, and Node must
// decode it from UTF-8: a bundle of ASCII alone reads as Latin-1 and compiles from the code cache
// in about two thirds of the time (bin/ao.js reads it so). esbuild escapes strings and names but
// leaves regular expressions and comments as written, and ao's screen readers match the agents'
// box and spinner characters. Each such character becomes a \uXXXX escape, which stands for the
// same character in a regular expression or string and is only text in a comment. Where an escape
// would not mean the same (a template's raw text, a line separator ending a comment, a character
// escaped by a backslash), the build stops and says where, as it does when the result does not
// compile.
export function toAscii(file, text) {
  const wide = /[\u0080-\uffff]/g;
  if (!wide.test(text)) return text;
  const stop = (at, why) => {
    const line = text.slice(0, at).split("\n").length;
    throw new Error(`${file}:${line}: ${why}; bin/ao.js reads the bundle as ASCII. Write the character as a \\u escape in the source.`);
  };
  const templates = templateSpans(file, text);
  const out = text.replace(wide, (c, at) => {
    if (c === "\u2028" || c === "\u2029") stop(at, "a line or paragraph separator outside a string");
    if (templates.some(([a, b]) => at >= a && at < b)) stop(at, "a character past ASCII in a template literal");
    // `\│` in a regular expression is the character itself; `\\u2502` would be a backslash.
    if (/(?:^|[^\\])(?:\\\\)*\\$/.test(text.slice(Math.max(0, at - 16), at))) stop(at, "a character past ASCII after a backslash");
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
  try {
    new vm.Script(out, { filename: file });
  } catch (error) {
    throw new Error(`${file}: does not compile once made ASCII: ${error.message}`, { cause: error });
  }
  return out;
}

export function asciiOnly(file) {
  writeFileSync(file, toAscii(file, readFileSync(file, "utf8")));
}
