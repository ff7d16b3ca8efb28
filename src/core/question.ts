/**
 * What an agent is asking the person, when it waits on them. Read off the screen by the agent
 * plugin or reported by the agent's own events. ao shows it and refuses to type into it; only an
 * explicit answer from the person (`ao send --answer`, the dashboard's answer dialog) chooses an
 * option.
 */
import type { Activity } from "./types.js";

export type QuestionKind = "question" | "permission" | "picker" | "sign-in" | "trust" | "limit";

export interface QuestionOption {
  /** What selects it: "1", "2", … for numbered menus; "y" / "n" for yes/no prompts. */
  key: string;
  /** The option's text as the agent shows it (outside text: sanitise before printing). */
  label: string;
}

export interface Question {
  kind: QuestionKind;
  /** The question itself ("Do you want to proceed?"), or the dialog's title. */
  text: string;
  options: QuestionOption[];
  /**
   * What the question is about, as the agent shows it around the question: the command it wants
   * to run, the file it wants to write, the folder to trust (a few lines; outside text).
   */
  detail?: string[];
  /** For a permission: the command it asks leave to run, when the dialog shows it (outside text). */
  command?: string;
  /** Where it was read from. */
  source: "screen" | "event";
  /**
   * How an option is chosen: "arrows" moves the menu's cursor onto it, then Enter; "key" presses
   * its key alone (a line-mode prompt that echoes the key then gets Enter); "line" types its key
   * and Enter. Unset: "arrows" when `cursor` is known, else "line".
   */
  answerWith?: "arrows" | "key" | "line";
  /** For "arrows": the index in `options` the menu's cursor is on now. */
  cursor?: number;
}

const NOUN: Record<QuestionKind, string> = {
  question: "a question",
  permission: "a permission prompt",
  picker: "a picker",
  "sign-in": "a sign-in",
  trust: "a trust dialog",
  limit: "a usage-limit dialog",
};

export function questionNoun(kind: QuestionKind): string {
  return NOUN[kind];
}

/**
 * Is the agent waiting on the person, and on what? The one place the messenger, the dashboard
 * and reactions decide it. A question read off the screen (or, later, reported by the agent's
 * own events) wins; an agent whose activity says it waits, with nothing readable, still waits,
 * on a question ao cannot show.
 */
export function pendingQuestion(activity: Activity | null | undefined, question: Question | null | undefined): Question | null {
  if (question) return question;
  if (activity === "waiting_input") return { kind: "question", text: "(ao cannot read the question off the screen)", options: [], source: "screen" };
  if (activity === "blocked") return { kind: "sign-in", text: "(the agent needs you to sign in or fix something)", options: [], source: "screen" };
  return null;
}

/** Same question, still open: the same words and options (the cursor may have moved). */
export function sameQuestion(a: Question, b: Question): boolean {
  return a.kind === b.kind && a.text === b.text && a.options.length === b.options.length && a.options.every((o, i) => o.key === b.options[i]?.key && o.label === b.options[i]?.label);
}

/**
 * The option an answer names: its key ("2", "y"), its label ("Yes"), or yes/no for a y/n
 * prompt or a menu with one option called Yes or No. Null when it names none, or several.
 */
export function chooseOption(q: Question, answer: string): QuestionOption | null {
  const a = answer.trim().toLowerCase();
  if (!a) return null;
  const byKey = q.options.filter((o) => o.key.toLowerCase() === a);
  if (byKey.length === 1) return byKey[0]!;
  const label = (o: QuestionOption) => o.label.trim().toLowerCase().replace(/[.\s]+$/, "");
  const byLabel = q.options.filter((o) => label(o) === a);
  if (byLabel.length === 1) return byLabel[0]!;
  const word = a === "y" ? "yes" : a === "n" ? "no" : a;
  if (word === "yes" || word === "no") {
    const keyed = q.options.filter((o) => o.key.toLowerCase() === word[0]);
    if (keyed.length === 1) return keyed[0]!;
    const named = q.options.filter((o) => label(o) === word);
    if (named.length === 1) return named[0]!;
    // Codex shows an option's shortcut after it: "Yes, proceed (y)".
    const shortcut = q.options.filter((o) => label(o).endsWith(`(${word[0]})`));
    if (shortcut.length === 1) return shortcut[0]!;
  }
  return null;
}
