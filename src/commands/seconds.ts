import { AoError, EXIT_USAGE } from "../core/errors.js";

/**
 * A `--interval`/`--timeout` value in seconds, as milliseconds, within bounds: beyond 2^31-1 ms
 * a Node timer fires after 1 ms, so an unchecked huge value is a busy loop, not a long wait.
 */
export function secondsFlag(flag: string, value: string | undefined, fallbackMs: number, bounds: { min: number; max: number }): number {
  if (value === undefined) return fallbackMs;
  const s = Number(value);
  if (value.trim() === "" || !Number.isFinite(s) || s < bounds.min || s > bounds.max) {
    throw new AoError(`${flag} takes seconds from ${bounds.min} to ${bounds.max}, got "${value}"`, EXIT_USAGE);
  }
  return Math.round(s * 1000);
}

/** Poll intervals: 0.1 s to an hour. */
export const POLL_SECONDS = { min: 0.1, max: 3600 };
