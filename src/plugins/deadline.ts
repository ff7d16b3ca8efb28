/** How long one request to a remote service (GitHub, Linear, a webhook) may take. */
export const NETWORK_TIMEOUT_MS = 20_000;

/**
 * fetch with a deadline over the whole exchange, headers and body together: a service that
 * accepts the connection and never answers must not hold a spawn, a cleanup or a refresh
 * forever. A caller's own signal still wins.
 */
export function fetchWithDeadline(timeoutMs: number): typeof fetch {
  return (input, init) => fetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(timeoutMs) });
}

/** Whether an error is the deadline above running out. */
export function isTimeout(e: unknown): boolean {
  const err = e as { name?: string; cause?: { name?: string } } | null;
  return err?.name === "TimeoutError" || err?.cause?.name === "TimeoutError";
}
