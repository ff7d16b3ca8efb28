import type { Octokit } from "@octokit/rest";
import type { CiStatus, FailingCheck, PrFacts, ReviewDecision } from "../../core/types.js";
import { run } from "../../exec.js";
import type { PrDetails, PrQuery, RateLimit, ScmPlugin } from "../types.js";
import { isTimeout, NETWORK_TIMEOUT_MS, noConnection } from "../deadline.js";
import { ScmError } from "./errors.js";
import { httpFetch } from "./http-fetch.js";
import { lazyOctokit } from "./octokit.js";
import { prsDocument, splitByNodes } from "./pr-documents.js";

export { ScmError };

/** How long one request to GitHub may take before it counts as failed. */
export const REQUEST_TIMEOUT_MS = NETWORK_TIMEOUT_MS;
const LOG_TAIL_LINES = 40;
const FAILING = new Set(["FAILURE", "ERROR", "TIMED_OUT", "CANCELLED", "ACTION_REQUIRED", "STARTUP_FAILURE"]);

/** `GITHUB_TOKEN`, else `GH_TOKEN`, else `gh auth token`, else null. The token is never logged. */
export async function resolveGitHubToken(env: NodeJS.ProcessEnv = process.env, hostname?: string): Promise<string | null> {
  for (const key of ["GITHUB_TOKEN", "GH_TOKEN"]) {
    const value = env[key]?.trim();
    if (value) return value;
  }
  const args = ["auth", "token", ...(hostname && hostname !== "github.com" ? ["--hostname", hostname] : [])];
  try {
    const r = await run("gh", args, { env, timeoutMs: 10_000 });
    const token = r.stdout.trim();
    return r.exitCode === 0 && token ? token : null;
  } catch {
    return null; // gh is not installed
  }
}

/** The plugin for a base URL, or null when no token can be found. */
export async function createGitHubScm(env: NodeJS.ProcessEnv, baseUrl = "https://api.github.com"): Promise<GitHubScm | null> {
  const host = new URL(baseUrl).hostname;
  const token = await resolveGitHubToken(env, host === "api.github.com" ? undefined : host);
  return token ? new GitHubScm({ token, baseUrl }) : null;
}

// ---- GraphQL: the shapes ao reads (the PR document is in pr-documents.ts) ----

interface PageInfo { hasNextPage: boolean; endCursor: string | null }
type Context =
  | { __typename: "CheckRun"; name: string; conclusion: string | null; detailsUrl: string | null; databaseId?: number; checkSuite?: { app: { slug: string } | null } | null }
  | { __typename: "StatusContext"; context: string; state: string; targetUrl: string | null };
interface PrNode {
  number: number;
  url: string;
  state: "OPEN" | "CLOSED" | "MERGED";
  isDraft: boolean;
  mergeable: "MERGEABLE" | "CONFLICTING" | "UNKNOWN";
  mergeStateStatus: string;
  reviewDecision: "APPROVED" | "CHANGES_REQUESTED" | "REVIEW_REQUIRED" | null;
  createdAt: string;
  headRefOid: string;
  isCrossRepository: boolean;
  headRepository: { nameWithOwner: string } | null;
  commits: { nodes: Array<{ commit: { statusCheckRollup: { state: string; contexts: { nodes: Context[] } } | null } }> };
  latestReviews: { nodes: Array<{ state: string; author: { login: string } | null }> };
  reviewThreads: { totalCount: number; nodes: Array<{ isResolved: boolean }>; pageInfo: PageInfo };
}
interface RepoNode { pullRequests?: { nodes: PrNode[] }; pullRequest?: PrNode | null }
interface ThreadNode { id: string; isResolved: boolean; path: string; line: number | null; comments: { nodes: Array<{ author: { login: string } | null; body: string; url: string }> } }

const threadsDocument = (op: string, fields: string) =>
  `query ${op}($owner: String!, $name: String!, $number: Int!, $after: String) { repository(owner: $owner, name: $name) { ` +
  `pullRequest(number: $number) { reviewThreads(first: 100, after: $after) { totalCount nodes { ${fields} } pageInfo { hasNextPage endCursor } } } } }`;
const THREAD_COUNTS = threadsDocument("AoThreadCounts", "isResolved");
const THREAD_DETAILS = threadsDocument("AoThreadDetails", "id isResolved path line comments(first: 1) { nodes { author { login } body url } }");
const CHECK_DETAILS = `query AoPrChecks($owner: String!, $name: String!, $number: Int!) { repository(owner: $owner, name: $name) {
  pullRequest(number: $number) { headRefOid commits(last: 1) { nodes { commit { statusCheckRollup { contexts(first: 100) { nodes {
    __typename ... on CheckRun { databaseId name conclusion detailsUrl checkSuite { app { slug } } }
    ... on StatusContext { context state targetUrl } } } } } } } } } }`;

// ---- which PR is the session's ----

/** Opened from a branch of the project's own repository, not from a fork's branch of that name. */
function fromRepo(pr: PrNode, repo: string): boolean {
  return !pr.isCrossRepository && pr.headRepository?.nameWithOwner.toLowerCase() === repo.toLowerCase();
}

/**
 * The newest PR on the branch that belongs to the session: from the project's repository, and
 * opened after the session began or carrying the session's own commit at its head.
 */
async function ownedPr(nodes: readonly PrNode[], repo: string, q: PrQuery): Promise<PrNode | null> {
  for (const pr of nodes) {
    if (!fromRepo(pr, repo)) continue;
    const since = q.createdAfter ? Date.parse(q.createdAfter) : NaN;
    if (Number.isNaN(since) && !q.ownsCommit) return pr;
    if (!Number.isNaN(since) && Date.parse(pr.createdAt) >= since) return pr;
    if (q.ownsCommit && (await q.ownsCommit(pr.headRefOid).catch(() => false))) return pr;
  }
  return null;
}

// ---- mapping ----

function ciOf(state: string | undefined): CiStatus {
  if (state === "SUCCESS") return "success";
  if (state === "FAILURE" || state === "ERROR") return "failure";
  if (state === "PENDING" || state === "EXPECTED") return "pending";
  return "none";
}

const DECISIONS: Record<string, ReviewDecision> = { APPROVED: "approved", CHANGES_REQUESTED: "changes_requested", REVIEW_REQUIRED: "review_required" };

function failingOf(contexts: readonly Context[]): FailingCheck[] {
  const out: FailingCheck[] = [];
  for (const c of contexts) {
    const [name, verdict, url] = c.__typename === "CheckRun" ? [c.name, c.conclusion, c.detailsUrl] : [c.context, c.state, c.targetUrl];
    if (verdict && FAILING.has(verdict)) out.push({ name, conclusion: verdict.toLowerCase(), ...(url ? { url } : {}) });
  }
  return out;
}

export function toPrFacts(pr: PrNode): PrFacts {
  const rollup = pr.commits.nodes[0]?.commit.statusCheckRollup ?? null;
  return {
    number: pr.number,
    url: pr.url,
    state: pr.state === "MERGED" ? "merged" : pr.state === "CLOSED" ? "closed" : "open",
    isDraft: pr.isDraft,
    mergeable: pr.mergeable === "MERGEABLE" ? true : pr.mergeable === "CONFLICTING" ? false : null,
    ci: ciOf(rollup?.state),
    failingChecks: rollup ? failingOf(rollup.contexts.nodes) : [],
    reviewDecision: (pr.reviewDecision && DECISIONS[pr.reviewDecision]) || "none",
    reviewers: pr.latestReviews.nodes.filter((r) => r.state === "CHANGES_REQUESTED").map((r) => r.author?.login ?? "ghost"),
    unresolvedThreads: pr.reviewThreads.nodes.filter((t) => !t.isResolved).length,
  };
}

/** The last lines of a job log, without the timestamp GitHub Actions puts on each line. */
export function logTail(text: string, lines = LOG_TAIL_LINES): string {
  const all = text.replace(/\r\n/g, "\n").replace(/\n+$/, "").split("\n");
  return all
    .slice(-lines)
    .map((l) => l.replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z ?/, ""))
    .join("\n");
}

// ---- errors ----

interface HttpishError { status?: number; message?: string; response?: { headers?: Record<string, string | undefined> }; headers?: Record<string, string | undefined>; errors?: Array<{ type?: string; path?: Array<string | number>; message?: string }>; data?: unknown }

function redact(text: string, token: string): string {
  const out = token ? text.split(token).join("***") : text;
  return out.replace(/\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g, "***");
}

export function toScmError(e: unknown, token: string, what: string, now = Date.now()): ScmError {
  if (e instanceof ScmError) return e;
  const unreached = noConnection(e);
  if (unreached) return new ScmError(redact(`GitHub ${what}: ${unreached}`, token), 0, false, null);
  const err = (e ?? {}) as HttpishError;
  const headers = err.response?.headers ?? err.headers ?? {};
  const status = typeof err.status === "number" ? err.status : err.errors ? 200 : 0;
  const message = (err.errors?.map((x) => x.message).join("; ") || err.message || String(e)).split("\n")[0] ?? "";
  const rateLimited =
    status === 429 ||
    Boolean(err.errors?.some((x) => x.type === "RATE_LIMITED")) ||
    (status === 403 && (headers["x-ratelimit-remaining"] === "0" || headers["retry-after"] !== undefined || /rate limit/i.test(message)));
  let retryAfterMs: number | null = null;
  if (rateLimited) {
    const after = Number(headers["retry-after"]);
    const reset = Number(headers["x-ratelimit-reset"]);
    if (headers["retry-after"] !== undefined && Number.isFinite(after)) retryAfterMs = Math.max(0, after * 1000);
    else if (headers["x-ratelimit-reset"] !== undefined && Number.isFinite(reset)) retryAfterMs = Math.max(0, reset * 1000 - now);
  }
  const code = status ? ` (HTTP ${status})` : "";
  return new ScmError(redact(`GitHub ${what}: ${message}${code}`, token), status, rateLimited, retryAfterMs);
}

/** Only "no PR with that number" is an answer (null); any other GraphQL error is a failure. */
function onlyMissingPrs(e: unknown): unknown {
  const err = e as HttpishError;
  const errors = err?.errors;
  if (!errors?.length || !err.data) return undefined;
  const missing = errors.every((x) => x.type === "NOT_FOUND" && x.path?.length === 2 && x.path[1] === "pullRequest");
  return missing ? err.data : undefined;
}

function splitRepo(repo: string): [string, string] {
  const [owner, name, ...rest] = repo.split("/");
  if (!owner || !name || rest.length) throw new ScmError(`GitHub: expected owner/name, got "${repo}"`, 0, false, null);
  return [owner, name];
}

// ---- the plugin ----

export interface GitHubScmOptions {
  token: string;
  /** REST base URL: https://api.github.com, https://host/api/v3 for GitHub Enterprise, or a fake. */
  baseUrl?: string;
  /** Per request, headers and body together; REQUEST_TIMEOUT_MS unless given. */
  timeoutMs?: number;
}

export class GitHubScm implements ScmPlugin {
  readonly name = "github";
  private readonly octokit: () => Promise<Octokit>;
  private readonly token: string;
  private readonly timeoutMs: number;

  constructor(opts: GitHubScmOptions) {
    this.token = opts.token;
    this.timeoutMs = opts.timeoutMs ?? REQUEST_TIMEOUT_MS;
    const quiet = () => {};
    this.octokit = lazyOctokit({
      auth: opts.token,
      baseUrl: opts.baseUrl ?? "https://api.github.com",
      // A GitHub that never answers must not hold a refresh (and every refresh queued behind it)
      // forever: each request gets its own deadline. node:https rather than Node's fetch: see http-fetch.ts.
      request: { retries: 0, fetch: httpFetch({ timeoutMs: this.timeoutMs }) },
      // Octokit warns on the console; inside the dashboard that would tear the screen.
      log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
    });
  }

  private failure(e: unknown, what: string): ScmError {
    if (isTimeout(e)) return new ScmError(`GitHub ${what}: no answer within ${this.timeoutMs / 1000} s`, 0, false, null);
    return toScmError(e, this.token, what);
  }

  private async gql<T>(what: string, query: string, variables: Record<string, unknown>, allowMissingPr = false): Promise<T> {
    let data: unknown;
    try {
      // The answer parsed natively (see HttpResponse.body), not by octokit's parser in JavaScript.
      data = await (await this.octokit()).graphql<T>(query, { ...variables, request: { parseSuccessResponseBody: false } });
    } catch (e) {
      const partial = allowMissingPr ? onlyMissingPrs(e) : undefined;
      if (partial) return partial as T;
      throw this.failure(e, what);
    }
    // Octokit hands back the raw text of a body that is not JSON, and graphql() then finds no
    // `data` in it: a cut-short or garbled answer, never a fact.
    if (data === null || typeof data !== "object") throw new ScmError(`GitHub ${what}: malformed response (not a GraphQL answer)`, 200, false, null);
    return data as T;
  }

  private async rest<T>(what: string, call: () => Promise<{ data: T }>): Promise<T> {
    try {
      return (await call()).data;
    } catch (e) {
      throw this.failure(e, what);
    }
  }

  async fetchPrs(repo: string, queries: PrQuery[]): Promise<{ prs: Map<string, PrFacts | null>; rateLimit?: RateLimit }> {
    const [owner, name] = splitRepo(repo);
    const prs = new Map<string, PrFacts | null>();
    let rateLimit: RateLimit | undefined;
    // One round trip per repository, unless GitHub's node limit makes it two or more.
    for (const chunk of splitByNodes(queries)) {
      const { query, variables } = prsDocument(chunk);
      type Answer = Record<string, RepoNode | null> & { rateLimit?: RateLimit | null };
      const data = await this.gql<Answer>(`PRs of ${repo}`, query, { owner, name, ...variables }, true);
      if (data.rateLimit) rateLimit = data.rateLimit;
      for (const [i, q] of chunk.entries()) {
        const node = data[`s${i}`];
        if (!node) throw new ScmError(`GitHub PRs of ${repo}: repository not found`, 404, false, null);
        const pr = q.prNumber !== undefined ? (node.pullRequest && fromRepo(node.pullRequest, repo) ? node.pullRequest : null) : await ownedPr(node.pullRequests?.nodes ?? [], repo, q);
        if (!pr) {
          prs.set(q.id, null);
          continue;
        }
        const facts = toPrFacts(pr);
        const page = pr.reviewThreads.pageInfo;
        if (page.hasNextPage) facts.unresolvedThreads += await this.countUnresolved(owner, name, pr.number, page.endCursor);
        prs.set(q.id, facts);
      }
    }
    return rateLimit ? { prs, rateLimit } : { prs };
  }

  /** Follow-up pages of review threads, for the rare PR with more than 100. */
  private async threadPages<T extends { isResolved: boolean }>(owner: string, name: string, number: number, after: string | null, query: string): Promise<T[]> {
    const out: T[] = [];
    type Answer = { repository: { pullRequest: { reviewThreads: { nodes: T[]; pageInfo: PageInfo } } | null } | null };
    for (let cursor = after, more = true; more; ) {
      const data = await this.gql<Answer>(`review threads of ${owner}/${name}#${number}`, query, { owner, name, number, after: cursor });
      const threads = data.repository?.pullRequest?.reviewThreads;
      if (!threads) break;
      out.push(...threads.nodes);
      more = threads.pageInfo.hasNextPage && threads.pageInfo.endCursor !== cursor;
      cursor = threads.pageInfo.endCursor;
    }
    return out;
  }

  private async countUnresolved(owner: string, name: string, number: number, after: string | null): Promise<number> {
    const nodes = await this.threadPages<{ isResolved: boolean }>(owner, name, number, after, THREAD_COUNTS);
    return nodes.filter((t) => !t.isResolved).length;
  }

  async merge(repo: string, prNumber: number, method: "merge" | "squash" | "rebase", sha?: string): Promise<{ sha: string }> {
    const [owner, name] = splitRepo(repo);
    const data = await this.rest(`merge of ${repo}#${prNumber}`, async () =>
      (await this.octokit()).rest.pulls.merge({ owner, repo: name, pull_number: prNumber, merge_method: method, ...(sha ? { sha } : {}) }),
    );
    return { sha: data.sha };
  }

  async prDetails(repo: string, prNumber: number): Promise<PrDetails> {
    const [owner, name] = splitRepo(repo);
    type Answer = { repository: { pullRequest: { headRefOid: string; commits: { nodes: Array<{ commit: { statusCheckRollup: { contexts: { nodes: Context[] } } | null } }> } } | null } | null };
    // Either half may fail alone; what was read still goes out, with what was not named.
    const [checksRead, threadsRead] = await Promise.allSettled([
      this.gql<Answer>(`checks of ${repo}#${prNumber}`, CHECK_DETAILS, { owner, name, number: prNumber }),
      this.threadPages<ThreadNode>(owner, name, prNumber, null, THREAD_DETAILS),
    ]);
    if (checksRead.status === "rejected") throw checksRead.reason;
    const checks = checksRead.value;
    const unreadable: string[] = [];
    let threads: ThreadNode[] = [];
    if (threadsRead.status === "fulfilled") threads = threadsRead.value;
    else unreadable.push(`review threads (${(threadsRead.reason as Error).message})`);
    const pr = checks.repository?.pullRequest;
    if (!pr) throw new ScmError(`GitHub: ${repo}#${prNumber} not found`, 404, false, null);
    const contexts = pr.commits.nodes[0]?.commit.statusCheckRollup?.contexts.nodes ?? [];
    const failing = contexts.filter((c) => FAILING.has((c.__typename === "CheckRun" ? c.conclusion : c.state) ?? ""));
    const failingChecks = await Promise.all(failing.map((c) => this.checkDetails(owner, name, c)));
    const unresolvedThreads = threads
      .filter((t) => !t.isResolved)
      .map((t) => {
        const first = t.comments.nodes[0];
        return { id: t.id, path: t.path, line: t.line, author: first?.author?.login ?? "ghost", body: first?.body ?? "", url: first?.url ?? "" };
      });
    return { failingChecks, unresolvedThreads, headSha: pr.headRefOid, ...(unreadable.length ? { unreadable } : {}) };
  }

  private async checkDetails(owner: string, repo: string, c: Context): Promise<PrDetails["failingChecks"][number]> {
    if (c.__typename === "StatusContext") return { name: c.context, conclusion: c.state.toLowerCase(), ...(c.targetUrl ? { url: c.targetUrl } : {}) };
    const out: PrDetails["failingChecks"][number] = { name: c.name, conclusion: (c.conclusion ?? "").toLowerCase(), ...(c.detailsUrl ? { url: c.detailsUrl } : {}) };
    const id = c.databaseId;
    // A check run without an id (GitHub sends null for some apps) has no annotations or log
    // to fetch; the check is still failing, and the message says what is missing.
    if (typeof id !== "number") return { ...out, unreadable: "the check run has no id" };
    try {
      const annotations = await this.rest(`annotations of check ${c.name}`, async () =>
        (await this.octokit()).rest.checks.listAnnotations({ owner, repo, check_run_id: id, per_page: 50 }),
      );
      if (!Array.isArray(annotations)) throw new ScmError(`GitHub annotations of check ${c.name}: malformed response`, 200, false, null);
      if (annotations.length) out.annotations = annotations.map((a) => `${a.path}:${a.start_line}: ${a.message ?? ""}`);
    } catch (e) {
      out.unreadable = (e as Error).message;
    }
    // For GitHub Actions the check run id is the job id. Logs expire or may be forbidden to
    // this token; the check is still failing without them.
    if (c.checkSuite?.app?.slug === "github-actions") {
      try {
        const { data } = await (await this.octokit()).rest.actions.downloadJobLogsForWorkflowRun({ owner, repo, job_id: id });
        const text = typeof data === "string" ? data : new TextDecoder().decode(data as ArrayBuffer);
        if (text.trim()) out.logTail = logTail(text);
      } catch {
        /* no log: the annotations and the link still say what failed */
      }
    }
    return out;
  }
}
