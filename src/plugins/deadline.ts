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

/**
 * Why a request got no HTTP answer at all (a refused connection, a host name that does not
 * resolve, a reset), in words, or null when it did get one. Octokit reports such a failure as
 * "HTTP 500", which would read as the server's own error.
 */
export function noConnection(e: unknown): string | null {
  const err = e as { response?: unknown; cause?: { code?: unknown; message?: unknown } } | null;
  if (!err || err.response !== undefined) return null;
  const code = err.cause?.code;
  if (typeof code !== "string" || !/^E[A-Z_]+$/.test(code)) return null;
  return `no connection (${typeof err.cause?.message === "string" ? err.cause.message : code})`;
}
