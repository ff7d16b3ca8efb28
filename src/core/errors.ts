import type { Question } from "./question.js";
import { describeQuestion } from "./question-text.js";

/**
 * An error meant for the person at the terminal: the message says what went wrong and what to
 * do, and `exitCode` is what the process exits with (2 bad input, 1 refused or failed).
 */
export class AoError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 1,
  ) {
    super(message);
    this.name = "AoError";
  }
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
