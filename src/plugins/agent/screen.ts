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

/** Phrases that agents and shells use for a yes/no or pick-one question. */
export const GENERIC_QUESTION = [/\((?:y\/n|Y\/n|y\/N)\)\s*\??\s*$/, /\[(?:y\/n|Y\/n|y\/N)\]\s*\??\s*$/i, /\(Y\)es\/\(N\)o/];
