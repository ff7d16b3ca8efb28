/*
 * The two edges where text that ao did not write meets a terminal.
 *
 * Output edge (`inert`, `inertLines`): GitHub titles, check names, thread bodies, branch names,
 * tracker text, metadata values and agent screens, before ao prints or renders them. A terminal
 * acts on escape sequences (OSC 52 sets the clipboard, OSC 0/2 the window title, CSI 2J clears
 * the screen) and on C0/C1 control bytes; after these functions none is left. ao's own colour
 * codes are added afterwards, so they survive.
 *
 * Input edge (`pasteable`): every message before it reaches an agent. A paste is wrapped in
 * bracketed-paste markers; an end marker inside the text would end the paste early and turn the
 * rest into keystrokes (each CR a submitted message). Only newline and tab stay.
 *
 * All three also take out the invisible characters that change how the rest is shown: bidi
 * controls (U+202E shows what follows reversed on a terminal that does bidi, "Trojan Source")
 * and zero-width and format characters (a terminal gives them no cell, a layout counts one).
 * U+2028 and U+2029 are line breaks. Zero-width joiners (U+200C, U+200D) stay: emoji and
 * several scripts are written with them.
 */

/* eslint-disable no-control-regex -- matching control characters is the point of this file */

/**
 * Whole escape sequences, 7-bit and 8-bit (C1) forms:
 * CSI (`ESC [` or U+009B) params, intermediates, final byte;
 * string sequences OSC, DCS, SOS, PM, APC (`ESC ] P X ^ _` or their C1 forms) up to BEL or ST;
 * any other `ESC` + intermediates + final byte (`ESC c`, `ESC ( B`, `ESC 7`).
 * An unterminated string sequence matches only its introducer; the rest is then plain text,
 * with every control byte removed below.
 */
const SEQUENCE =
  /(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)|\x1b[\x20-\x2f]*[\x30-\x7e]/g;
/** C0 controls but tab and newline, DEL, and C1 controls (what is left once sequences are gone). */
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/** Bidi controls, zero-width spaces, word joiners and other invisible format characters. */
const INVISIBLE = /[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/g;
/** Printable ASCII alone, which needs none of this (most text, every refresh). */
const PLAIN = /^[\x20-\x7e]*$/;

const TAB = "    ";

function withoutSequences(text: string): string {
  return text.replace(SEQUENCE, "").replace(INVISIBLE, "");
}

/** A single-line field (a title, a branch, a check name): line breaks and tabs become spaces. */
export function inert(text: string): string {
  if (PLAIN.test(text)) return text;
  return withoutSequences(text)
    .replace(/\r\n|[\r\n\t\v\f\u2028\u2029]/g, " ")
    .replace(CONTROL, "");
}

/**
 * A multi-line field (a thread body, a pane's lines, an error message): line breaks stay as
 * `\n` (a lone CR counts as one, so it cannot overwrite a line), tabs become spaces (a layout
 * cannot measure a tab).
 */
export function inertLines(text: string): string {
  if (PLAIN.test(text)) return text;
  return withoutSequences(text)
    .replace(/\r\n?|[\u2028\u2029]/g, "\n")
    .replace(/\t/g, TAB)
    .replace(CONTROL, "");
}

/**
 * A message ao prints after its own prefix (`ao: …`), which may carry outside text (git's, ssh's,
 * tmux's or GitHub's words) with line breaks of its own: as inertLines, and every line after the
 * first that would start at the left margin is indented. Only ao's own first line starts there,
 * so no outside line can pass for a line of ao's ("ao: done", a prompt's "Answer it:").
 */
export function inertMessage(text: string): string {
  const lines = inertLines(text);
  return lines.includes("\n") ? lines.replace(/\n(?=[^\s])/g, "\n  ") : lines;
}

/**
 * A message for an agent: no escape sequence (so no bracketed-paste marker) and no control byte
 * but newline and tab. CR LF and a lone CR become newline, which is what the text meant; a CR
 * left in would be Enter.
 */
export function pasteable(text: string): string {
  return withoutSequences(text)
    .replace(/\r\n?|[\u2028\u2029]/g, "\n")
    .replace(CONTROL, "");
}


/**
 * A recorded value named in a message, so that one differing only in what `inert` removes
 * (an escape sequence, a control character) still reads as different: as it is when plain,
 * else quoted with those characters spelled out (`"ao-x\u001b]0;T\u0007"`).
 */
export function shownValue(text: string): string {
  return inert(text) === text ? text : JSON.stringify(text);
}
