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
