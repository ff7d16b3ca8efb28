import type { Question } from "./question.js";
import { describeQuestion } from "./question-text.js";

/**
 * An error meant for the person at the terminal: the message says what went wrong and what to
 * do, and `exitCode` is what the process exits with (2 bad input, 1 refused or failed).
 */
/** Marks AoErrors in every copy of the class: the registry makes one symbol for all of them. */
const AO_ERROR = Symbol.for("agent-orchestrator.AoError");

export class AoError extends Error {
  readonly [AO_ERROR] = true;

  constructor(
    message: string,
    readonly exitCode: number = 1,
  ) {
    super(message);
    this.name = "AoError";
  }
}

/**
 * An AoError from either half of the CLI (scripts/bundle.mjs): `ao ui` runs in the ES-module half,
 * with its own copy of the class, and its errors reach the headless half's `main`.
 */
export function isAoError(e: unknown): e is AoError {
  return e instanceof AoError || (e instanceof Error && (e as { [AO_ERROR]?: unknown })[AO_ERROR] === true);
}

export const EXIT_USAGE = 2;
/** A message was typed but never seen to arrive; an answer was chosen but the prompt stayed. */
export const EXIT_UNCONFIRMED = 3;
/** The agent waits on a question: nothing was typed, the person answers it. */
export const EXIT_QUESTION = 4;

/** ao refused to type because the agent is asking something; the message says what, and how to answer. */
export class QuestionPendingError extends AoError {
  constructor(
    readonly sessionId: string,
    readonly question: Question,
  ) {
    super(describeQuestion(sessionId, question), EXIT_QUESTION);
    this.name = "QuestionPendingError";
  }
}

/**
 * "restore fe-3: …" for a failed action on a session, without naming the session twice when
 * the service's message already starts with it ("fe-3: its worktree is gone", "fe-3 is not running").
 */
export function actionError(what: string, id: string, message: string): string {
  if (message.startsWith(`${id}: `)) return `${what} ${id}: ${message.slice(id.length + 2)}`;
  if (message.startsWith(`${id} `)) return `${what}: ${message}`;
  return `${what} ${id}: ${message}`;
}
