// The in-memory world of the fake GitHub: pull requests, checks, reviews, issues, and the
// switches tests flip to simulate outages. Plain data and methods; no HTTP here.

export type CheckConclusion = "SUCCESS" | "FAILURE" | "ERROR" | "TIMED_OUT" | "CANCELLED" | "ACTION_REQUIRED" | "STARTUP_FAILURE" | "NEUTRAL" | "SKIPPED";

export interface FakeCheck {
  /** Check run id; for GitHub Actions also the job id (as on GitHub). */
  id: number;
  /** A check run (Checks API) or a commit status (Statuses API). */
  type: "check_run" | "status";
  name: string;
  /** null while the check is still running. */
  conclusion: CheckConclusion | "PENDING" | null;
  app: string;
  summary?: string;
  annotations: Array<{ path: string; line: number; message: string }>;
  log?: string;
  noDatabaseId?: boolean;
}

export interface FakeThread {
  id: string;
  path: string;
  line: number | null;
  author: string;
  body: string;
  resolved: boolean;
  commentId: number;
}

export interface FakePr {
  repo: string;
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  draft: boolean;
  state: "OPEN" | "CLOSED" | "MERGED";
  mergeable: boolean | null;
  headSha: string;
  /** The statusCheckRollup state; null = no checks reported on the head commit. */
  rollupState: "SUCCESS" | "FAILURE" | "ERROR" | "PENDING" | "EXPECTED" | null;
  checks: FakeCheck[];
  reviewDecision: "APPROVED" | "CHANGES_REQUESTED" | "REVIEW_REQUIRED" | null;
  /** The latest review state per reviewer. */
  reviews: Map<string, "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED">;
  threads: FakeThread[];
  author: string;
  /** The fork the PR comes from (owner/name); absent for a branch of the repository itself. */
  fork?: string;
  createdAt: string;
  mergedAt: string | null;
  closedAt: string | null;
}

export interface FakeIssue {
  repo: string;
  number: number;
  title: string;
  body: string;
  labels: string[];
  state: "open" | "closed";
}

export interface FailingInput {
  name: string;
  conclusion?: string;
  summary?: string;
  annotations?: Array<{ path: string; line: number; message: string }>;
  log?: string;
  /** "status" makes it a commit status (StatusContext) instead of a check run. */
  type?: "check_run" | "status";
  /** A check run GitHub reports without a databaseId (null), as some apps' runs come. */
  noDatabaseId?: boolean;
  /** The check's app; GitHub Actions ("github-actions") unless given. */
  app?: string;
}

export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  /** GraphQL operation name, when the body was a GraphQL document. */
  operation?: string;
  /** Number of aliased `repository` sub-queries in the document. */
  aliases?: number;
  /** The GraphQL document's text, as sent. */
  query?: string;
  /** The repository a GraphQL document asked about (its `$owner`/`$name` variables). */
  repo?: string;
  /** Whether an Authorization header came with the request (its value is never kept). */
  auth: boolean;
}

interface Outage {
  count: number;
  status: 403 | 429 | 500;
  headers: Record<string, string>;
  message?: string;
}

let sha = 0x1000;
const nextSha = () => (sha++).toString(16).padStart(40, "a");

export class FakeGitHubState {
  readonly prs: FakePr[] = [];
  readonly issues: FakeIssue[] = [];
  readonly requests: LoggedRequest[] = [];
  /** How each merged PR was merged (`org/app#3` → squash), as the REST merge endpoint was asked. */
  readonly mergeMethods = new Map<string, string>();
  /** API calls left in the current rate-limit window (reported in x-ratelimit-* headers). */
  rateRemaining = 5000;
  readonly rateLimit = 5000;
  rateResetAt = Math.floor(Date.now() / 1000) + 3600;
  private outages: Outage[] = [];
  private delays: Array<{ count: number; ms: number }> = [];
  private malformed = 0;
  private nextId = 1000;

  constructor(readonly webUrl: () => string) {}

  pr(repo: string, number: number): FakePr {
    const pr = this.prs.find((p) => p.repo === repo && p.number === number);
    if (!pr) throw new Error(`fake GitHub: no PR ${repo}#${number}`);
    return pr;
  }

  private nextNumber(repo: string): number {
    const used = [...this.prs, ...this.issues].filter((x) => x.repo === repo).map((x) => x.number);
    return Math.max(0, ...used) + 1;
  }

  prUrl(pr: { repo: string; number: number }): string {
    return `${this.webUrl()}/${pr.repo}/pull/${pr.number}`;
  }

  openPr(opts: { repo: string; branch: string; title?: string; body?: string; base?: string; draft?: boolean; author?: string; fork?: string; createdAt?: string; headSha?: string }): number {
    const number = this.nextNumber(opts.repo);
    this.prs.push({
      repo: opts.repo,
      number,
      title: opts.title ?? opts.branch,
      body: opts.body ?? "",
      head: opts.branch,
      base: opts.base ?? "main",
      draft: opts.draft ?? false,
      state: "OPEN",
      mergeable: true,
      headSha: opts.headSha ?? nextSha(),
      rollupState: null,
      checks: [],
      reviewDecision: null,
      reviews: new Map(),
      threads: [],
      author: opts.author ?? "ao-agent",
      ...(opts.fork ? { fork: opts.fork } : {}),
      createdAt: opts.createdAt ?? new Date().toISOString(),
      mergedAt: null,
      closedAt: null,
    });
    return number;
  }

  setCi(repo: string, number: number, ci: "pending" | "failure" | "success" | "none", failing: FailingInput[] = []): void {
    const pr = this.pr(repo, number);
    const check = (f: FailingInput, conclusion: FakeCheck["conclusion"]): FakeCheck => ({
      id: this.nextId++,
      type: f.type ?? "check_run",
      name: f.name,
      conclusion,
      app: f.app ?? "github-actions",
      annotations: f.annotations ?? [],
      ...(f.summary !== undefined ? { summary: f.summary } : {}),
      ...(f.log !== undefined ? { log: f.log } : {}),
      ...(f.noDatabaseId ? { noDatabaseId: true } : {}),
    });
    const build: FailingInput = { name: "build" };
    if (ci === "none") {
      pr.rollupState = null;
      pr.checks = [];
    } else if (ci === "pending") {
      pr.rollupState = "PENDING";
      pr.checks = [check(build, null)];
    } else if (ci === "success") {
      pr.rollupState = "SUCCESS";
      pr.checks = [check(build, "SUCCESS")];
    } else {
      pr.rollupState = "FAILURE";
      const list = failing.length ? failing : [build];
      pr.checks = list.map((f) => check(f, (f.conclusion?.toUpperCase() ?? "FAILURE") as CheckConclusion));
    }
  }

  requestReview(repo: string, number: number, _reviewer?: string): void {
    this.pr(repo, number).reviewDecision = "REVIEW_REQUIRED";
  }

  requestChanges(repo: string, number: number, opts: { reviewer: string; threads?: Array<{ path: string; line: number | null; body: string }> }): void {
    const pr = this.pr(repo, number);
    pr.reviews.set(opts.reviewer, "CHANGES_REQUESTED");
    pr.reviewDecision = "CHANGES_REQUESTED";
    for (const t of opts.threads ?? []) {
      const commentId = this.nextId++;
      pr.threads.push({ id: `PRRT_${commentId}`, path: t.path, line: t.line, author: opts.reviewer, body: t.body, resolved: false, commentId });
    }
  }

  resolveThreads(repo: string, number: number): void {
    for (const t of this.pr(repo, number).threads) t.resolved = true;
  }

  approve(repo: string, number: number, reviewer: string): void {
    const pr = this.pr(repo, number);
    pr.reviews.set(reviewer, "APPROVED");
    pr.reviewDecision = [...pr.reviews.values()].includes("CHANGES_REQUESTED") ? "CHANGES_REQUESTED" : "APPROVED";
  }

  setMergeable(repo: string, number: number, mergeable: boolean | null): void {
    this.pr(repo, number).mergeable = mergeable;
  }

  merge(repo: string, number: number): void {
    const pr = this.pr(repo, number);
    pr.state = "MERGED";
    pr.mergedAt = pr.closedAt = new Date().toISOString();
  }

  close(repo: string, number: number): void {
    const pr = this.pr(repo, number);
    pr.state = "CLOSED";
    pr.closedAt = new Date().toISOString();
  }

  addIssue(issue: { repo: string; number?: number; title: string; body?: string; labels?: string[]; state?: "open" | "closed" }): number {
    const number = issue.number ?? this.nextNumber(issue.repo);
    this.issues.push({ repo: issue.repo, number, title: issue.title, body: issue.body ?? "", labels: issue.labels ?? [], state: issue.state ?? "open" });
    return number;
  }

  closeIssue(repo: string, number: number): void {
    const issue = this.issues.find((i) => i.repo === repo && i.number === number);
    if (!issue) throw new Error(`fake GitHub: no issue ${repo}#${number}`);
    issue.state = "closed";
  }

  /** The next `count` API requests fail with `status` (and these headers) instead of answering. */
  failNext(count: number, status: 403 | 429 | 500, headers: Record<string, string> = {}, message?: string): void {
    this.outages.push({ count, status, headers, ...(message !== undefined ? { message } : {}) });
  }

  /** Used by the server: the outage that applies to this request, if any. */
  takeOutage(): Omit<Outage, "count"> | null {
    const o = this.outages[0];
    if (!o) return null;
    if (--o.count <= 0) this.outages.shift();
    return o;
  }

  /** The next `count` API requests are answered only after `ms` milliseconds. */
  slowNext(count: number, ms: number): void {
    this.delays.push({ count, ms });
  }

  /** The next `count` API requests get status 200, a JSON content-type and a truncated JSON body. */
  malformedNext(count: number): void {
    this.malformed += count;
  }

  private holds: Array<{ count: number; gate: Promise<void> }> = [];
  /** Requests being held unanswered right now (see holdNext). */
  heldNow = 0;

  /** The next `count` API requests hang, unanswered, until the returned function is called. */
  holdNext(count: number): () => void {
    let release = () => {};
    const gate = new Promise<void>((r) => (release = r));
    this.holds.push({ count, gate });
    return release;
  }

  /** Used by the server: what this request must wait for before it is answered, if anything. */
  takeHold(): Promise<void> | null {
    const h = this.holds[0];
    if (!h) return null;
    if (--h.count <= 0) this.holds.shift();
    return h.gate;
  }

  /** Used by the server: how long to hold this request's answer back (0: not at all). */
  takeDelay(): number {
    const d = this.delays[0];
    if (!d) return 0;
    if (--d.count <= 0) this.delays.shift();
    return d.ms;
  }

  /** Used by the server: whether this request gets a malformed body. */
  takeMalformed(): boolean {
    if (this.malformed <= 0) return false;
    this.malformed--;
    return true;
  }

  findCheck(repo: string, id: number): FakeCheck | undefined {
    for (const pr of this.prs) if (pr.repo === repo) for (const c of pr.checks) if (c.id === id) return c;
    return undefined;
  }

  /** How many GraphQL documents with this operation name were sent. */
  graphqlCount(operation?: string): number {
    return this.requests.filter((r) => r.operation !== undefined && (operation === undefined || r.operation === operation)).length;
  }
}
