import type { Question } from "../../core/question.js";
import { kindFromWords, questionText, readMenu } from "./menu.js";
import { GENERIC_QUESTION, tailLines } from "./screen.js";

/*
 * Questions of programs ao knows nothing about (the generic agent, Aider), read off the last
 * lines of the screen: a yes/no prompt, or a numbered menu that is either under a cursor with a
 * key hint below it, or followed by a prompt for a number (`Choose [1-3]:`, bash's `#?`).
 */

const KEY_HINT = /\b(enter|select|confirm|choose|navigate)\b|[↑↓]/i;
const NUMBER_PROMPT = /(?:\b(?:number|choice|choose|select|option|pick)\b.*[:?>\]]|#\?)\s*$/i;

/** "(Y)es/(N)o/(A)ll" → y Yes, n No, a All; anything else with y/n → yes and no. */
function yesNoOptions(line: string): Question["options"] {
  const named = [...line.matchAll(/\((\w)\)([\w' ]*\w)/g)].map((m) => ({ key: m[1]!.toLowerCase(), label: `${m[1]}${m[2]}` }));
  return named.length >= 2
    ? named
    : [
        { key: "y", label: "yes" },
        { key: "n", label: "no" },
      ];
}

export function readPromptQuestion(capture: string, yesNoAnswer: "key" | "line"): Question | null {
  const lines = tailLines(capture, 14);
  const yn = tailLines(capture, 3).findLast((l) => GENERIC_QUESTION.some((p) => p.test(l)));
  if (yn !== undefined) {
    const text = yn
      .replace(/^\s*[?]\s+/, "")
      .replace(/\s*[([](?:y\/n|Y\/n|y\/N)[)\]]\s*\??\s*$/i, "")
      .trim();
    return { kind: kindFromWords(text), text, options: yesNoOptions(yn), source: "screen", answerWith: yesNoAnswer };
  }
  const menu = readMenu(lines);
  if (!menu) return null;
  const below = lines.slice(menu.last + 1);
  if (below.length > 2) return null;
  const above = lines.slice(Math.max(0, menu.first - 4), menu.first);
  const text = questionText(above);
  if (menu.cursor !== null && (below.length === 0 || below.some((l) => KEY_HINT.test(l)))) {
    return { kind: kindFromWords(`${text} ${above.join(" ")}`, menu.options.map((o) => o.label)), text, options: menu.options, source: "screen", answerWith: "arrows", cursor: menu.cursor };
  }
  if (menu.cursor === null && below.length === 1 && NUMBER_PROMPT.test(below[0]!)) {
    return { kind: kindFromWords(`${text} ${above.join(" ")}`, menu.options.map((o) => o.label)), text, options: menu.options, source: "screen", answerWith: "line" };
  }
  return null;
}
