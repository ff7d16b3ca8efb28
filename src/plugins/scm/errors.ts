// Apart from github.ts so that code which only reads cached PR facts never loads octokit.

/** A GitHub API failure. Never a fact about a PR: callers show the last data, marked stale. */
export class ScmError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly rateLimited: boolean,
    /** How long GitHub asked us to wait (rate limits only). */
    readonly retryAfterMs: number | null,
  ) {
    super(message);
    this.name = "ScmError";
  }
}
