/**
 * What sits in an agent's input box, read off the screen: the lowest line that starts with a
 * prompt marker (❯ › >), plus the continuation lines under it, up to a rule line. Agents draw
 * their composer at the bottom, below the transcript, so the lowest marker is the composer.
 */
export function draftOf(capture: string): string | null {
  const lines = capture.split("\n").map((l) => l.trimEnd());
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = /^\s{0,2}[❯›>]\s?(.*)$/.exec(lines[i] ?? "");
    if (!m) continue;
    const rest: string[] = [m[1] ?? ""];
    for (let j = i + 1; j < lines.length; j++) {
      const l = lines[j] ?? "";
      if (/^[─━═-]{8,}/.test(l.trim()) || l.trim() === "") break;
      rest.push(l.trim());
    }
    return rest.join("\n").trim();
  }
  return null;
}

/** A short, distinctive piece of a message to look for on screen: its last non-blank line. */
export function needleOf(text: string): string {
  const last = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).pop() ?? "";
  return last.replace(/\t/g, " ").slice(0, 24);
}

/** Single-line, printable and short: safe to type as keys; anything else goes as a paste. */
export function typeable(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return [...text].length <= 200 && !/[\u0000-\u001f\u007f]/.test(text);
}
