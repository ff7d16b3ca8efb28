// A fake GitHub for ao's tests and demo: a real HTTP server on 127.0.0.1 that speaks the subset
// of REST and GraphQL ao uses, with GitHub's JSON shapes and rate-limit headers, answered from
// an in-memory state that tests and the demo script drive.
//
//   const gh = await startFakeGitHub();
//   new Octokit({ baseUrl: gh.baseUrl });  // REST at /api/v3, GraphQL at /api/graphql (as on GHES)
//   const n = gh.state.openPr({ repo: "org/app", branch: "feat/x" });
//   gh.state.setCi("org/app", n, "failure", [{ name: "test", log: "…" }]);
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type * as GraphqlSide from "./fake-github/graphql.js";
import { FakeGitHubState } from "./fake-github/state.js";
import type { FakeIssue, FakePr } from "./fake-github/state.js";

export { FakeGitHubState } from "./fake-github/state.js";
export type { FailingInput, FakeCheck, FakeIssue, FakePr, FakeThread, LoggedRequest } from "./fake-github/state.js";

export interface FakeGitHub {
  /** Web root: PR and issue URLs live under it (`<url>/org/app/pull/1`). */
  url: string;
  /** What Octokit's `baseUrl` takes. */
  baseUrl: string;
  state: FakeGitHubState;
  close(): Promise<void>;
}

export interface FakeGitHubOptions {
  /** When set, requests must carry this token (else 401 Bad credentials). */
  token?: string;
  port?: number;
  /**
   * When GitHub's schema is loaded and built (graphql-js and the published schema: a few hundred
   * ms of this process's time). "start", the default: before the server listens, so no request
   * and its deadline pays for it. "first-request": by the first GraphQL request, for the demo,
   * whose dashboard draws its first frame in this same process before it asks GitHub anything.
   */
  schema?: "start" | "first-request";
}

type GraphqlModule = typeof GraphqlSide;
let graphql: Promise<GraphqlModule> | undefined;
/** The GraphQL side, loaded once per process with its schema built. */
function graphqlModule(): Promise<GraphqlModule> {
  return (graphql ??= import("./fake-github/graphql.js").then((m) => {
    m.githubSchema();
    return m;
  }));
}

const DOCS = "https://docs.github.com/rest";
type Reply = { status: number; body?: unknown; headers?: Record<string, string>; text?: string };

function issueJson(gh: FakeGitHub, i: FakeIssue): unknown {
  return {
    id: i.number,
    number: i.number,
    title: i.title,
    body: i.body,
    state: i.state,
    labels: i.labels.map((name, id) => ({ id, name })),
    html_url: `${gh.url}/${i.repo}/issues/${i.number}`,
    url: `${gh.baseUrl}/repos/${i.repo}/issues/${i.number}`,
  };
}

function pullJson(gh: FakeGitHub, p: FakePr): unknown {
  const owner = p.repo.split("/")[0];
  return {
    id: p.number,
    number: p.number,
    title: p.title,
    body: p.body,
    state: p.state === "OPEN" ? "open" : "closed",
    draft: p.draft,
    merged: p.state === "MERGED",
    merged_at: p.mergedAt,
    closed_at: p.closedAt,
    created_at: p.createdAt,
    html_url: gh.state.prUrl(p),
    url: `${gh.baseUrl}/repos/${p.repo}/pulls/${p.number}`,
    user: { login: p.author },
    head: { ref: p.head, sha: p.headSha, label: `${owner}:${p.head}` },
    base: { ref: p.base },
  };
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? JSON.parse(text) : {};
}

/** REST routes; `path` has the /api/v3 prefix removed. */
async function rest(gh: FakeGitHub, req: IncomingMessage, path: string, query: URLSearchParams): Promise<Reply> {
  const { state } = gh;
  const m = /^\/repos\/([^/]+\/[^/]+)\/(.*)$/.exec(path);
  const notFound: Reply = { status: 404, body: { message: "Not Found", documentation_url: DOCS, status: "404" } };
  if (!m) return notFound;
  const [, repo = "", rest = ""] = m;
  let r: RegExpExecArray | null;

  if (req.method === "GET" && (r = /^issues\/(\d+)$/.exec(rest))) {
    const n = Number(r[1]);
    const issue = state.issues.find((i) => i.repo === repo && i.number === n);
    if (issue) return { status: 200, body: issueJson(gh, issue) };
    const pr = state.prs.find((p) => p.repo === repo && p.number === n);
    if (!pr) return notFound;
    const asIssue: FakeIssue = { repo, number: n, title: pr.title, body: pr.body, labels: [], state: pr.state === "OPEN" ? "open" : "closed" };
    return { status: 200, body: { ...(issueJson(gh, asIssue) as object), pull_request: { url: `${gh.baseUrl}/repos/${repo}/pulls/${n}` } } };
  }
  if (req.method === "GET" && rest === "issues") {
    // As GitHub does, the issues list holds pull requests too (marked with `pull_request`).
    const want = query.get("state") ?? "open";
    const open = (s: string) => want === "all" || (want === "open") === (s === "open" || s === "OPEN");
    const issues = state.issues.filter((i) => i.repo === repo && open(i.state)).map((i) => ({ n: i.number, body: issueJson(gh, i) }));
    const prs = state.prs
      .filter((p) => p.repo === repo && open(p.state))
      .map((p) => ({ n: p.number, body: { ...(issueJson(gh, { repo, number: p.number, title: p.title, body: p.body, labels: [], state: "open" }) as object), pull_request: { url: `${gh.baseUrl}/repos/${repo}/pulls/${p.number}` } } }));
    return { status: 200, body: [...issues, ...prs].sort((a, b) => b.n - a.n).map((x) => x.body) };
  }
  if (req.method === "GET" && rest === "pulls") {
    const want = query.get("state") ?? "open";
    const head = query.get("head")?.split(":").pop();
    const list = state.prs.filter(
      (p) => p.repo === repo && (!head || p.head === head) && (want === "all" || (want === "open") === (p.state === "OPEN")),
    );
    return { status: 200, body: list.sort((a, b) => b.number - a.number).map((p) => pullJson(gh, p)) };
  }
  if (req.method === "POST" && rest === "pulls") {
    const body = (await readBody(req)) as { head?: string; base?: string; title?: string; body?: string; draft?: boolean };
    const branch = body.head?.split(":").pop();
    if (!branch || !body.base) return { status: 422, body: { message: "Validation Failed", errors: [{ resource: "PullRequest", code: "missing_field", field: branch ? "base" : "head" }], documentation_url: DOCS } };
    const owner = repo.split("/")[0];
    if (state.prs.some((p) => p.repo === repo && p.head === branch && p.state === "OPEN")) {
      return { status: 422, body: { message: "Validation Failed", errors: [{ resource: "PullRequest", code: "custom", message: `A pull request already exists for ${owner}:${branch}.` }], documentation_url: DOCS } };
    }
    const n = state.openPr({ repo, branch, base: body.base, ...(body.title ? { title: body.title } : {}), ...(body.body ? { body: body.body } : {}), draft: body.draft ?? false });
    return { status: 201, body: pullJson(gh, state.pr(repo, n)) };
  }
  if (req.method === "PUT" && (r = /^pulls\/(\d+)\/merge$/.exec(rest))) {
    // As GitHub answers: 405 when the PR cannot be merged, 409 when the head moved, 422 for a bad method.
    const pr = state.prs.find((p) => p.repo === repo && p.number === Number(r?.[1]));
    if (!pr) return notFound;
    const body = (await readBody(req)) as { merge_method?: string; sha?: string };
    const method = body.merge_method ?? "merge";
    if (!["merge", "squash", "rebase"].includes(method)) return { status: 422, body: { message: "Validation Failed", errors: [{ resource: "PullRequest", code: "invalid", field: "merge_method" }], documentation_url: DOCS } };
    if (pr.state !== "OPEN" || pr.mergeable === false || pr.draft) return { status: 405, body: { message: "Pull Request is not mergeable", documentation_url: DOCS } };
    if (body.sha && body.sha !== pr.headSha) return { status: 409, body: { message: "Head branch was modified. Review and try the merge again.", documentation_url: DOCS } };
    state.merge(repo, pr.number);
    state.mergeMethods.set(`${repo}#${pr.number}`, method);
    return { status: 200, body: { sha: `merge${pr.headSha}`.slice(0, 40), merged: true, message: "Pull Request successfully merged" } };
  }
  if (req.method === "GET" && (r = /^pulls\/(\d+)$/.exec(rest))) {
    const pr = state.prs.find((p) => p.repo === repo && p.number === Number(r?.[1]));
    return pr ? { status: 200, body: pullJson(gh, pr) } : notFound;
  }
  if (req.method === "GET" && (r = /^check-runs\/(\d+)\/annotations$/.exec(rest))) {
    const check = state.findCheck(repo, Number(r[1]));
    if (!check) return notFound;
    const body = check.annotations.map((a) => ({
      path: a.path,
      start_line: a.line,
      end_line: a.line,
      annotation_level: "failure",
      title: check.name,
      message: a.message,
      raw_details: null,
    }));
    return { status: 200, body };
  }
  if (req.method === "GET" && (r = /^actions\/jobs\/(\d+)\/logs$/.exec(rest))) {
    const check = state.findCheck(repo, Number(r[1]));
    if (!check?.log) return notFound;
    return { status: 302, headers: { location: `${gh.url}/_logs/${repo}/jobs/${check.id}.txt` } };
  }
  return notFound;
}

async function route(gh: FakeGitHub, req: IncomingMessage, opts: FakeGitHubOptions): Promise<Reply & { log: { operation?: string; aliases?: number; query?: string; repo?: string } }> {
  const { state } = gh;
  const url = new URL(req.url ?? "/", gh.url);
  const path = url.pathname.replace(/^\/api\/v3(?=\/)/, "");

  // Job logs are served from "blob storage": no API headers, no rate limit, no outages.
  const log = /^\/_logs\/([^/]+\/[^/]+)\/jobs\/(\d+)\.txt$/.exec(path);
  if (log) {
    const check = state.findCheck(log[1] ?? "", Number(log[2]));
    return check?.log !== undefined ? { status: 200, text: check.log, log: {} } : { status: 404, text: "not found", log: {} };
  }

  const auth = req.headers.authorization;
  if (opts.token && auth !== `token ${opts.token}` && auth !== `bearer ${opts.token}` && auth !== `Bearer ${opts.token}`) {
    return { status: 401, body: { message: "Bad credentials", documentation_url: DOCS, status: "401" }, log: {} };
  }
  const isGraphql = req.method === "POST" && (path === "/graphql" || path === "/api/graphql");
  const body = isGraphql ? ((await readBody(req)) as { query?: string; variables?: Record<string, unknown> }) : undefined;
  const gql = isGraphql ? await graphqlModule() : undefined;
  const vars = body?.variables ?? {};
  const repo = typeof vars.owner === "string" && typeof vars.name === "string" ? { repo: `${vars.owner}/${vars.name}` } : {};
  const described = gql && body?.query ? { ...gql.describe(body.query), query: body.query, ...repo } : {};

  const delay = state.takeDelay();
  if (delay > 0) await sleep(delay);
  const hold = state.takeHold();
  if (hold) {
    state.heldNow++;
    await hold;
    state.heldNow--;
  }
  const outage = state.takeOutage();
  if (outage) {
    const limited = outage.status !== 500;
    const message = outage.message ?? (limited ? "API rate limit exceeded for user ID 1." : "Server Error");
    const headers = limited && !Object.keys(outage.headers).some((h) => h.startsWith("x-ratelimit-"))
      ? { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(state.rateResetAt), ...outage.headers }
      : outage.headers;
    return { status: outage.status, body: { message, documentation_url: DOCS, status: String(outage.status) }, headers, log: described };
  }
  if (state.takeMalformed()) {
    // A proxy that cut the body short: GitHub's status and headers, half a JSON document.
    return { status: 200, text: '{"data":{"s0":{"pullRequests":{"nodes":[{"number":1,"sta', headers: { "content-type": "application/json; charset=utf-8" }, log: described };
  }
  state.rateRemaining = Math.max(0, state.rateRemaining - 1);
  if (gql) return { status: 200, body: gql.answerGraphql(state, body?.query ?? "", body?.variables ?? {}), log: described };
  return { ...(await rest(gh, req, path, url.searchParams)), log: {} };
}

function send(res: ServerResponse, gh: FakeGitHub, reply: Reply): void {
  const { state } = gh;
  const headers: Record<string, string> = {
    "x-ratelimit-limit": String(state.rateLimit),
    "x-ratelimit-remaining": String(state.rateRemaining),
    "x-ratelimit-reset": String(state.rateResetAt),
    "x-ratelimit-used": String(state.rateLimit - state.rateRemaining),
    "x-ratelimit-resource": "core",
    "x-github-request-id": `FAKE:${state.requests.length}`,
    ...(reply.text !== undefined ? { "content-type": "text/plain; charset=utf-8" } : reply.body !== undefined ? { "content-type": "application/json; charset=utf-8" } : {}),
    ...reply.headers,
  };
  res.writeHead(reply.status, headers);
  res.end(reply.text ?? (reply.body !== undefined ? JSON.stringify(reply.body) : undefined));
}

export async function startFakeGitHub(opts: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  if (opts.schema !== "first-request") await graphqlModule();
  const gh = { url: "", baseUrl: "" } as FakeGitHub;
  gh.state = new FakeGitHubState(() => gh.url);
  const server = createServer((req, res) => {
    route(gh, req, opts)
      .then((reply) => {
        gh.state.requests.push({ method: req.method ?? "GET", path: req.url ?? "/", status: reply.status, auth: Boolean(req.headers.authorization), ...reply.log });
        send(res, gh, reply);
      })
      .catch((e: unknown) => send(res, gh, { status: 500, body: { message: `fake GitHub: ${e instanceof Error ? e.message : String(e)}` } }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  gh.url = `http://127.0.0.1:${port}`;
  gh.baseUrl = `${gh.url}/api/v3`;
  gh.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return gh;
}
