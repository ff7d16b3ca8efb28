let counter = 0;

/**
 * A name part no other process or call will pick: pid, a counter, and randomness. (Not
 * node:crypto: loading it costs headless commands start-up time, and nothing here is secret.)
 */
export function uniqueSuffix(): string {
  return `${process.pid}.${(counter++).toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}
