import type { Octokit } from "@octokit/rest";
import { githubIssueNumber } from "../../core/ids.js";
import { isTimeout, noConnection } from "../deadline.js";
import { httpFetch } from "../scm/http-fetch.js";
import { lazyOctokit } from "../scm/octokit.js";
import { IssueNotFoundError, type TrackerIssue, type TrackerPlugin } from "../types.js";

/** How long one request for an issue may take. */
const REQUEST_TIMEOUT_MS = 20_000;

export interface GitHubTrackerOptions {
  /** null reads public repositories anonymously (60 requests an hour). */
  token: string | null;
  baseUrl?: string;
  /** Per request; REQUEST_TIMEOUT_MS unless given. */
  timeoutMs?: number;
}

/** Issues from GitHub's REST API: `getIssue("org/app", "123")` (a leading `#` is fine). */
export class GitHubTracker implements TrackerPlugin {
  readonly name = "github";
  private readonly octokit: () => Promise<Octokit>;

  constructor(private readonly opts: GitHubTrackerOptions) {
    const quiet = () => {};
    this.octokit = lazyOctokit({
      ...(opts.token ? { auth: opts.token } : {}),
      baseUrl: opts.baseUrl ?? "https://api.github.com",
      request: { retries: 0, fetch: httpFetch({ timeoutMs: opts.timeoutMs ?? REQUEST_TIMEOUT_MS }) },
      log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
    });
  }

  async getIssue(repo: string, id: string): Promise<TrackerIssue> {
    const [owner, name, ...rest] = repo.split("/");
    const number = githubIssueNumber(id);
    if (!owner || !name || rest.length) throw new Error(`GitHub issues: expected owner/name, got "${repo}"`);
    if (number === null) throw new Error(`GitHub issues: "${id}" is not an issue number`);
    try {
      const { data } = await (await this.octokit()).rest.issues.get({ owner, repo: name, issue_number: number });
      return {
        id: String(data.number),
        title: data.title,
        state: data.state === "closed" ? "closed" : "open",
        labels: data.labels.map((l) => (typeof l === "string" ? l : (l.name ?? ""))).filter(Boolean),
        url: data.html_url,
        body: data.body ?? "",
      };
    } catch (e) {
      throw this.failure(`${repo}#${number}`, e, `either there is no issue ${number} in ${repo}, or ${repo} is private and ${this.access()}`);
    }
  }

  /** Open issues, newest first (the first 100); pull requests, which the endpoint mixes in, left out. */
  async listIssues(repo: string): Promise<Array<{ id: string; title: string }>> {
    const [owner, name, ...rest] = repo.split("/");
    if (!owner || !name || rest.length) throw new Error(`GitHub issues: expected owner/name, got "${repo}"`);
    try {
      const { data } = await (await this.octokit()).rest.issues.listForRepo({ owner, repo: name, state: "open", per_page: 100 });
      return data.filter((i) => !i.pull_request).map((i) => ({ id: String(i.number), title: i.title }));
    } catch (e) {
      throw this.failure(`list of ${repo}`, e, `either there is no repository ${repo}, or it is private and ${this.access()}`);
    }
  }

  /** Who asked, for a 404: GitHub answers a private repository it hides from the asker as not found. */
  private access(): string {
    return this.opts.token ? "the GitHub token ao uses has no access to it" : "ao has no GitHub token (set GITHUB_TOKEN, or run gh auth login)";
  }

  /**
   * A clear message with the token redacted. The original error is not attached as `cause`: its
   * text can hold what a proxy echoed back, token included. A 404 is an IssueNotFoundError, with
   * both things it can mean (`notFound`).
   */
  private failure(what: string, e: unknown, notFound: string): Error {
    const unreached = noConnection(e);
    const status = unreached ? undefined : (e as { status?: number }).status;
    if (isTimeout(e)) return new Error(`GitHub issue ${what}: no answer within ${(this.opts.timeoutMs ?? REQUEST_TIMEOUT_MS) / 1000} s`);
    const why = unreached ?? (status === 404 ? `not found (HTTP 404): ${notFound}` : `${(e instanceof Error ? e.message : String(e)).split("\n")[0]}${status ? ` (HTTP ${status})` : ""}`);
    const message = `GitHub issue ${what}: ${why}`;
    const redacted = this.opts.token ? message.split(this.opts.token).join("***") : message;
    return status === 404 ? new IssueNotFoundError(redacted) : new Error(redacted);
  }
}
