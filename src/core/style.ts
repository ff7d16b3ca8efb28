import type { Status } from "./types.js";

/** ANSI styling that disappears entirely when colour is off. */
export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  status(status: Status, s: string): string;
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
}

const wrap = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;

const STATUS_COLOUR: Partial<Record<Status, number>> = {
  working: 36,
  spawning: 36,
  pr_open: 34,
  review_pending: 34,
  ci_failed: 31,
  changes_requested: 33,
  needs_input: 35,
  stuck: 33,
  errored: 31,
  approved: 32,
  mergeable: 32,
  merged: 2,
  killed: 2,
};

export function makeStyle(enabled: boolean): Style {
  if (!enabled) {
    const id = (s: string) => s;
    return { bold: id, dim: id, status: (_st, s) => s, green: id, red: id, yellow: id };
  }
  return {
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    status: (st, s) => {
      const c = STATUS_COLOUR[st];
      return c === undefined ? s : c === 2 ? wrap(2, 22)(s) : wrap(c, 39)(s);
    },
    green: wrap(32, 39),
    red: wrap(31, 39),
    yellow: wrap(33, 39),
  };
}

/**
 * Colour only for a terminal, and never when NO_COLOR is set to anything (no-color.org);
 * FORCE_COLOR turns it on for a pipe.
 */
export function colourEnabled(env: Record<string, string | undefined>, isTTY: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "") return true;
  return isTTY && env.TERM !== "dumb";
}
