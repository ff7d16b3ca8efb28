/** The last `n` non-blank lines of a capture, right-trimmed: where prompts and dialogs live. */
export function tailLines(capture: string, n: number): string[] {
  const lines = capture.split("\n").map((l) => l.trimEnd()).filter((l) => l.trim() !== "");
  return lines.slice(-n);
}

export function anyLine(lines: string[], patterns: RegExp[]): boolean {
  return lines.some((l) => patterns.some((p) => p.test(l)));
}

/** The lines before the last one matching `marker` (all of them when none does). */
export function linesAbove(lines: string[], marker: RegExp): string[] {
  const i = lines.findLastIndex((l) => marker.test(l));
  return i === -1 ? lines : lines.slice(0, i);
}

/**
 * Whether the screen ends at an input prompt (`> `, `›`, `❯`, `$`, `aider> `), a draft's
 * indented continuation lines included: an agent read from its screen alone is at its prompt
 * only then; a still screen without one is busy or hung.
 */
export function atPrompt(lines: string[]): boolean {
  const PROMPT = /^\s*(?:\S{0,30}[>›❯$%#»])(?:\s|$)/;
  // A shell's prompt that ends its line, however long the path or host before it
  // ("root@build-01:~/code/app/worktrees/fe-12$", "me@host ~/app (main) $"): `$` or `#` after a
  // path or a name, or any prompt mark after a space. Not `>` (HTML, quotes), nor a percentage.
  const SHELL_PROMPT = /(?:[\w~\])/:-][$#]|\s[$#%❯›»])$/;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (PROMPT.test(lines[i] ?? "")) return true;
    if (i === lines.length - 1 && (lines[i] ?? "").length <= 300 && SHELL_PROMPT.test(lines[i] ?? "")) return true;
    if (!/^\s/.test(lines[i] ?? "")) return false;
  }
  return false;
}

/** A line with its clock taken out ("12s", "1m 1s", "2h"): what is left moves only with the work. */
export function withoutClock(line: string): string {
  return line.replace(/\b\d+(?:\.\d+)?[hms]\b/g, "").replace(/\s+/g, " ").trim();
}

/** The spinner's clock in ms ("4m 1s", "1m 01s", "2h 3m", "12s"); null when the line shows none. */
export function clockMs(line: string): number | null {
  const m = /\b(?:(\d+)h\s*)?(?:(\d+)m\s*)?(\d+)s\b/.exec(line) ?? /\b(?:(\d+)h\s*)?(\d+)m\b()/.exec(line);
  if (!m) return null;
  return ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] || 0)) * 1000;
}

/** Phrases that agents and shells use for a yes/no or pick-one question. */
export const GENERIC_QUESTION = [/\((?:y\/n|Y\/n|y\/N)\)\s*\??\s*$/, /\[(?:y\/n|Y\/n|y\/N)\]\s*\??\s*$/i, /\(Y\)es\/\(N\)o/];
