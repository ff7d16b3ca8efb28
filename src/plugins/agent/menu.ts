import type { Question, QuestionKind, QuestionOption } from "../../core/question.js";

/*
 * Reading a question off a screen: the numbered options of a menu, the question above them,
 * and which option the menu's cursor is on. Each agent plugin finds where its dialog sits
 * (only there can "1. Yes" be an option rather than transcript text) and asks these helpers.
 */

/** "❯ 1. Yes", "  2. No", "│ ● 1.  Red │", "> 1. Sign in", "1) staging": marker, number, label. */
const OPTION = /^[\s│]*([❯›>●])?\s*(\d{1,2})[.)]\s+(.*?)[\s│]*$/;

export interface Menu {
  options: QuestionOption[];
  /** Index in `options` of the option the cursor marks, when one does. */
  cursor: number | null;
  /** Index in `lines` of option 1 and of the last option. */
  first: number;
  last: number;
}

/** A screen line without the box drawing around it. */
export function unboxed(line: string): string {
  return line.replace(/^[\s│┃]*/, "").replace(/[\s│┃]*$/, "");
}

/**
 * The numbered menu that ends nearest the bottom of `lines`: scanning up, options n, n-1, …, 1
 * (lines between them are descriptions or rules). Null unless it has at least two options.
 */
export function readMenu(lines: string[]): Menu | null {
  let expect: number | null = null;
  let last = -1;
  const found: Array<{ n: number; label: string; cursor: boolean; at: number }> = [];
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = OPTION.exec(lines[i] ?? "");
    if (!m) continue;
    const n = Number(m[2]);
    if (expect === null) {
      expect = n;
      last = i;
    }
    if (n !== expect) {
      if (found.length) break;
      continue;
    }
    // Two spaces part a label from its description on one line ("Red (Recommended)  A warm red").
    found.unshift({ n, label: (m[3] ?? "").split(/\s{2,}/)[0]!.trim(), cursor: m[1] !== undefined, at: i });
    if (n === 1) break;
    expect = n - 1;
  }
  if (found.length < 2 || found[0]!.n !== 1) return null;
  const cursorAt = found.findIndex((f) => f.cursor);
  return {
    options: found.map((f) => ({ key: String(f.n), label: f.label })),
    cursor: cursorAt === -1 ? null : cursorAt,
    first: found[0]!.at,
    last,
  };
}

/**
 * The question itself: the nearest line above the options that asks something (cut after its
 * last "?"), else the nearest line of text above them.
 */
export function questionText(above: string[]): string {
  const texts = textLines(above);
  for (let i = texts.length - 1; i >= 0; i--) {
    const l = texts[i]!;
    const q = l.lastIndexOf("?");
    if (q !== -1) return l.slice(0, q + 1).trim();
  }
  return texts.at(-1) ?? "";
}

/** Lines of text, without box drawing and rules. */
function textLines(lines: string[]): string[] {
  return lines.map(unboxed).filter((l) => l !== "" && !/^[─━═╭╮╰╯┌┐└┘╌-]+$/.test(l));
}

/** The lines around the question that say what it is about (at most `max`), the question's own line left out. */
export function questionDetail(above: string[], text: string, max = 6): string[] {
  return textLines(above)
    .filter((l) => !l.startsWith(text))
    .slice(-max);
}

/** A question with a cursor-driven menu: chosen by moving the cursor and pressing Enter. */
export function menuQuestion(kind: QuestionKind, above: string[], menu: Menu): Question {
  const text = questionText(above);
  const detail = questionDetail(above, text);
  return {
    kind,
    text,
    options: menu.options,
    ...(detail.length ? { detail } : {}),
    source: "screen",
    answerWith: "arrows",
    ...(menu.cursor !== null ? { cursor: menu.cursor } : {}),
  };
}

/*
 * A sign-in is asked for, not merely named: "Sign in with Google?", "Enter your API key:", "You
 * are not logged in". A question that only mentions one ("Limit per API key rather than per IP
 * address?", "Should the login page redirect home?") is the project's question, and the person
 * is told so: status says what the agent waits for.
 */
const SIGN_IN = [
  /^\W*(?:please\s+)?(?:sign|log)\s?in\b/i,
  /^\W*(?:please\s+)?(?:authenticate|re-?authenticate)\b/i,
  /\b(?:sign|log)\s?in\s*(?:\?|$|(?:to|with|again|first|required|needed|now)\b)/i,
  /\b(?:enter|paste|provide|type|set\s+up)\s+(?:your\s+|an?\s+|the\s+)?(?:[\w-]+\s+)?(?:api[\s_-]?key|password|passphrase|token|credentials)\b/i,
  /\b(?:api[\s_-]?key|password|passphrase|token)\s*:\s*$/i,
  /\bauthenticat(?:e|ion)\s+(?:required|needed|failed|with|to)\b/i,
  /\bnot\s+(?:signed|logged)\s+in\b/i,
];

/**
 * The kind of a question from the words on screen, for agents whose dialogs ao cannot tell
 * apart: its text, and its options' labels ("Select login method:" over "1. Sign in with a
 * browser" and "2. Paste an API key" is a sign-in).
 */
export function kindFromWords(text: string, options: readonly string[] = []): QuestionKind {
  if (SIGN_IN.some((p) => p.test(text.trim()) || options.some((o) => p.test(o.trim())))) return "sign-in";
  if (/\btrust\s+(?:this|the)\s+(?:folder|directory|workspace|files?|project|repo(?:sitory)?)\b|\bdo you trust\b/i.test(text)) return "trust";
  if (/\b(allow|permission|proceed|approve|run|execute|delete|overwrite)\b/i.test(text)) return "permission";
  return "question";
}
