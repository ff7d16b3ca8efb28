import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGitHub } from "../../demo/fake-github.js";
import type { FakeGitHub } from "../../demo/fake-github.js";
import { answerGraphql, queryWeight } from "../../demo/fake-github/graphql.js";
import { GitHubScm, resolveGitHubToken, ScmError } from "../../src/plugins/scm/github.js";
import { NODE_LIMIT, nodesOf, prsDocument } from "../../src/plugins/scm/pr-documents.js";
import type { PrQuery } from "../../src/plugins/types.js";

const TOKEN = "ghp_fakeTokenForTests0123456789abcdef";
let gh: FakeGitHub;
let scm: GitHubScm;
let repoSeq = 0;
/** A fresh repository per test: state never leaks between tests. */
const newRepo = () => `org/repo${++repoSeq}`;

async function one(repo: string, q: Omit<PrQuery, "id">) {
  const { prs } = await scm.fetchPrs(repo, [{ id: "s", ...q }]);
  return prs.get("s");
}

async function failure(p: Promise<unknown>): Promise<ScmError> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(ScmError);
  return e as ScmError;
}

beforeAll(async () => {
  gh = await startFakeGitHub({ token: TOKEN });
  scm = new GitHubScm({ token: TOKEN, baseUrl: gh.baseUrl });
});
afterAll(() => gh.close());

describe("fetchPrs", () => {
  it("finds the newest PR by branch, and a PR by number; no PR is null", async () => {
    const repo = newRepo();
    gh.state.openPr({ repo, branch: "feat/a" });
    gh.state.close(repo, 1);
    const newest = gh.state.openPr({ repo, branch: "feat/a", draft: true });
    const other = gh.state.openPr({ repo, branch: "feat/b" });
    const { prs, rateLimit } = await scm.fetchPrs(repo, [
      { id: "a", branch: "feat/a" },
      { id: "b", branch: "ignored", prNumber: other },
      { id: "c", branch: "feat/none" },
      { id: "d", branch: "feat/gone", prNumber: 999 },
    ]);
    expect(prs.get("a")).toEqual({
      number: newest,
      url: `${gh.url}/${repo}/pull/${newest}`,
      state: "open",
      isDraft: true,
      mergeable: true,
      ci: "none",
      failingChecks: [],
      reviewDecision: "none",
      reviewers: [],
      unresolvedThreads: 0,
    });
    expect(prs.get("b")?.number).toBe(other);
    expect(prs.get("c")).toBeNull();
    expect(prs.get("d")).toBeNull();
    expect(rateLimit).toMatchObject({ cost: 1, remaining: expect.any(Number), resetAt: expect.any(String) });
  });

  it("passes branch names as variables, whatever characters they hold", async () => {
    const repo = newRepo();
    const branch = 'feat/"quote"){ x }\\';
    const n = gh.state.openPr({ repo, branch });
    expect((await one(repo, { branch }))?.number).toBe(n);
  });

  it("maps PR state", async () => {
    const repo = newRepo();
    const [a, b, c] = [gh.state.openPr({ repo, branch: "a" }), gh.state.openPr({ repo, branch: "b" }), gh.state.openPr({ repo, branch: "c" })];
    gh.state.merge(repo, b);
    gh.state.close(repo, c);
    expect((await one(repo, { branch: "a", prNumber: a }))?.state).toBe("open");
    expect((await one(repo, { branch: "b" }))?.state).toBe("merged");
    expect((await one(repo, { branch: "c" }))?.state).toBe("closed");
  });

  it("maps every statusCheckRollup state, and names only failing checks", async () => {
    const repo = newRepo();
    const n = gh.state.openPr({ repo, branch: "ci" });
    const ci = async () => (await one(repo, { branch: "ci" }))?.ci;
    expect(await ci()).toBe("none");
    gh.state.setCi(repo, n, "pending");
    expect(await ci()).toBe("pending");
    gh.state.pr(repo, n).rollupState = "EXPECTED";
    expect(await ci()).toBe("pending");
    gh.state.setCi(repo, n, "success");
    expect(await ci()).toBe("success");
    gh.state.pr(repo, n).rollupState = "ERROR";
    expect(await ci()).toBe("failure");
    gh.state.setCi(repo, n, "failure", [
      { name: "test" },
      { name: "e2e", conclusion: "timed_out" },
      { name: "lint", conclusion: "NEUTRAL" },
      { name: "deploy", conclusion: "cancelled" },
      { name: "ci/jenkins", conclusion: "ERROR", type: "status" },
      { name: "setup", conclusion: "STARTUP_FAILURE" },
      { name: "gate", conclusion: "ACTION_REQUIRED" },
    ]);
    const facts = await one(repo, { branch: "ci" });
    expect(facts?.ci).toBe("failure");
    expect(facts?.failingChecks.map((c) => [c.name, c.conclusion])).toEqual([
      ["test", "failure"],
      ["e2e", "timed_out"],
      ["deploy", "cancelled"],
      ["ci/jenkins", "error"],
      ["setup", "startup_failure"],
      ["gate", "action_required"],
    ]);
    expect(facts?.failingChecks[0]?.url).toContain(`/${repo}/actions/runs/`);
  });

  it("maps review decisions and who requested changes", async () => {
    const repo = newRepo();
    const n = gh.state.openPr({ repo, branch: "r" });
    const facts = () => one(repo, { branch: "r" });
    expect((await facts())?.reviewDecision).toBe("none");
    gh.state.requestReview(repo, n, "alice");
    expect((await facts())?.reviewDecision).toBe("review_required");
    gh.state.requestChanges(repo, n, { reviewer: "bob", threads: [{ path: "a.ts", line: 3, body: "rename" }] });
    expect(await facts()).toMatchObject({ reviewDecision: "changes_requested", reviewers: ["bob"], unresolvedThreads: 1 });
    gh.state.resolveThreads(repo, n);
    gh.state.approve(repo, n, "bob");
    expect(await facts()).toMatchObject({ reviewDecision: "approved", reviewers: [], unresolvedThreads: 0 });
  });

  it("maps mergeable", async () => {
    const repo = newRepo();
    const n = gh.state.openPr({ repo, branch: "m" });
    const mergeable = async () => (await one(repo, { branch: "m" }))?.mergeable;
    expect(await mergeable()).toBe(true);
    gh.state.setMergeable(repo, n, false);
    expect(await mergeable()).toBe(false);
    gh.state.setMergeable(repo, n, null);
    expect(await mergeable()).toBeNull();
  });

  it("counts unresolved threads past 100 with follow-up pages for that PR only", async () => {
    const repo = newRepo();
    const big = gh.state.openPr({ repo, branch: "big" });
    gh.state.openPr({ repo, branch: "small" });
    const threads = Array.from({ length: 250 }, (_, i) => ({ path: `f${i}.ts`, line: i, body: `t${i}` }));
    gh.state.requestChanges(repo, big, { reviewer: "carol", threads });
    for (const t of gh.state.pr(repo, big).threads.slice(0, 20)) t.resolved = true;
    for (const t of gh.state.pr(repo, big).threads.slice(240)) t.resolved = true;
    const before = gh.state.graphqlCount("AoThreadCounts");
    const { prs } = await scm.fetchPrs(repo, [{ id: "big", branch: "big" }, { id: "small", branch: "small" }]);
    expect(prs.get("big")?.unresolvedThreads).toBe(220);
    expect(prs.get("small")?.unresolvedThreads).toBe(0);
    expect(gh.state.graphqlCount("AoThreadCounts") - before).toBe(2);
  });

  it("sends one GraphQL document per repository, however many sessions it has", async () => {
    const repo = newRepo();
    const numbered = gh.state.openPr({ repo, branch: "b0" });
    gh.state.openPr({ repo, branch: "b119" });
    const queries: PrQuery[] = Array.from({ length: 120 }, (_, i) => (i === 0 ? { id: "s0", branch: "b0", prNumber: numbered } : { id: `s${i}`, branch: `b${i}` }));
    const start = gh.state.requests.length;
    const { prs } = await scm.fetchPrs(repo, queries);
    const sent = gh.state.requests.slice(start);
    expect(sent.map((r) => [r.operation, r.aliases, r.repo])).toEqual([["AoPrs", 120, repo]]);
    expect(prs.size).toBe(120);
    expect(prs.get("s0")?.number).toBe(numbered);
    expect(prs.get("s119")?.number).toBe(2);
    expect(prs.get("s1")).toBeNull();
  });

  it("splits a repository's sessions only where GitHub's node limit would refuse the document", async () => {
    const repo = newRepo();
    gh.state.openPr({ repo, branch: "b449" });
    // 450 sessions by branch may return 567,000 nodes: over the limit in one document.
    const queries = Array.from({ length: 450 }, (_, i) => ({ id: `s${i}`, branch: `b${i}` }));
    const start = gh.state.requests.length;
    const { prs } = await scm.fetchPrs(repo, queries);
    const sent = gh.state.requests.slice(start);
    expect(sent.map((r) => r.status)).toEqual([200, 200]);
    expect(sent.reduce((n, r) => n + (r.aliases ?? 0), 0)).toBe(450);
    for (const r of sent) expect(queryWeight(r.query ?? "").nodes).toBeLessThanOrEqual(NODE_LIMIT);
    expect(prs.size).toBe(450);
    expect(prs.get("s449")?.number).toBe(1);
  });

  it("counts a document's nodes as GitHub does, and the fake refuses one over the limit", () => {
    const byBranch = { id: "a", branch: "x" };
    const byNumber = { id: "b", branch: "y", prNumber: 7 };
    expect(queryWeight(prsDocument([byBranch]).query).nodes).toBe(nodesOf(byBranch));
    expect(queryWeight(prsDocument([byNumber]).query).nodes).toBe(nodesOf(byNumber));
    const tooMany = prsDocument(Array.from({ length: 400 }, (_, i) => ({ id: `s${i}`, branch: `b${i}` })));
    const answer = answerGraphql(gh.state, tooMany.query, { owner: "org", name: "none", ...tooMany.variables });
    expect(answer.errors?.[0]?.type).toBe("MAX_NODE_LIMIT_EXCEEDED");
    expect(answer.data).toBeUndefined();
  });
});

describe("GraphQL answers", () => {
  it("are parsed by the native parser: octokit is asked for the body as it came (see httpFetch)", async () => {
    const asked: Array<Record<string, unknown>> = [];
    const probe = new GitHubScm({ token: TOKEN, baseUrl: gh.baseUrl });
    // The octokit the plugin makes, with its graphql() recorded on the way through.
    const real = (probe as unknown as { octokit: () => Promise<{ graphql: (q: string, o: Record<string, unknown>) => Promise<unknown> }> }).octokit;
    (probe as unknown as { octokit: () => Promise<unknown> }).octokit = async () => {
      const o = await real();
      return { ...o, graphql: (q: string, opts: Record<string, unknown>) => (asked.push(opts), o.graphql(q, opts)) };
    };
    const repo = newRepo();
    const n = gh.state.openPr({ repo, branch: "feat/native" });
    const { prs } = await probe.fetchPrs(repo, [{ id: "x", branch: "feat/native" }]);
    expect(prs.get("x")?.number).toBe(n);
    expect(asked.length).toBeGreaterThan(0);
    for (const opts of asked) expect(opts.request).toEqual({ parseSuccessResponseBody: false });
  });
});

describe("errors", () => {
  it("429 with retry-after is a rate limit with its wait", async () => {
    gh.state.failNext(1, 429, { "retry-after": "60" });
    const e = await failure(scm.fetchPrs(newRepo(), [{ id: "x", branch: "x" }]));
    expect(e).toMatchObject({ status: 429, rateLimited: true, retryAfterMs: 60_000 });
  });

  it("403 with an exhausted budget waits until x-ratelimit-reset", async () => {
    const reset = Math.floor(Date.now() / 1000) + 600;
    gh.state.failNext(1, 403, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) });
    const e = await failure(scm.fetchPrs(newRepo(), [{ id: "x", branch: "x" }]));
    expect(e.rateLimited).toBe(true);
    expect(e.status).toBe(403);
    expect(e.retryAfterMs).toBeGreaterThan(590_000);
    expect(e.retryAfterMs).toBeLessThanOrEqual(600_000);
  });

  it("500 is an error, not a rate limit and not a fact", async () => {
    gh.state.failNext(1, 500);
    const e = await failure(scm.fetchPrs(newRepo(), [{ id: "x", branch: "x" }]));
    expect(e).toMatchObject({ status: 500, rateLimited: false, retryAfterMs: null });
    expect(e.message).toContain("Server Error");
  });

  it("redacts the token from error messages", async () => {
    gh.state.failNext(1, 500, {}, `proxy rejected token ${TOKEN}`);
    const e = await failure(scm.fetchPrs(newRepo(), [{ id: "x", branch: "x" }]));
    expect(e.message).not.toContain(TOKEN);
    expect(e.message).toContain("***");
    const bad = new GitHubScm({ token: "ghp_wrongwrongwrongwrongwrong1234", baseUrl: gh.baseUrl });
    const e2 = await failure(bad.fetchPrs(newRepo(), [{ id: "x", branch: "x" }]));
    expect(e2).toMatchObject({ status: 401, rateLimited: false });
    expect(e2.message).toContain("Bad credentials");
  });
});

describe("prDetails", () => {
  it("returns annotations, the tail of an Actions log, unresolved thread bodies and the head SHA", async () => {
    const repo = newRepo();
    const n = gh.state.openPr({ repo, branch: "d" });
    const log = Array.from({ length: 100 }, (_, i) => `2024-05-01T10:00:${String(i % 60).padStart(2, "0")}.1234567Z line ${i + 1}`).join("\n") + "\n";
    gh.state.setCi(repo, n, "failure", [
      { name: "test", annotations: [{ path: "src/a.ts", line: 12, message: "expected 1 to be 2" }], log },
      { name: "external", app: "circleci", annotations: [] },
      { name: "ci/legacy", conclusion: "FAILURE", type: "status" },
      { name: "nolog", log: undefined },
    ]);
    gh.state.requestChanges(repo, n, { reviewer: "dave", threads: [{ path: "src/a.ts", line: 4, body: "Please rename this." }, { path: "b.ts", line: null, body: "done?" }] });
    gh.state.pr(repo, n).threads[1]!.resolved = true;

    const d = await scm.prDetails(repo, n);
    expect(d.headSha).toBe(gh.state.pr(repo, n).headSha);
    const test = d.failingChecks.find((c) => c.name === "test");
    expect(test?.annotations).toEqual(["src/a.ts:12: expected 1 to be 2"]);
    const tail = test?.logTail?.split("\n") ?? [];
    expect(tail).toHaveLength(40);
    expect(tail[0]).toBe("line 61");
    expect(tail[39]).toBe("line 100");
    expect(d.failingChecks.find((c) => c.name === "external")).toEqual({ name: "external", conclusion: "failure", url: expect.any(String) });
    expect(d.failingChecks.find((c) => c.name === "ci/legacy")?.conclusion).toBe("failure");
    expect(d.failingChecks.find((c) => c.name === "nolog")?.logTail).toBeUndefined();
    expect(d.unresolvedThreads).toEqual([
      { id: expect.any(String), path: "src/a.ts", line: 4, author: "dave", body: "Please rename this.", url: expect.stringContaining(`/${repo}/pull/${n}#discussion_r`) },
    ]);
  });

  it("pages through more than 100 threads", async () => {
    const repo = newRepo();
    const n = gh.state.openPr({ repo, branch: "many" });
    gh.state.requestChanges(repo, n, { reviewer: "eve", threads: Array.from({ length: 130 }, (_, i) => ({ path: "x.ts", line: i, body: `b${i}` })) });
    const d = await scm.prDetails(repo, n);
    expect(d.unresolvedThreads).toHaveLength(130);
    expect(d.unresolvedThreads[129]?.body).toBe("b129");
  });

  it("a failing API is an ScmError", async () => {
    gh.state.failNext(2, 500);
    await failure(scm.prDetails(newRepo(), 1));
  });
});

describe("resolveGitHubToken", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "ao-gh-"));
    await writeFile(path.join(dir, "gh"), "#!/bin/sh\n[ \"$1 $2\" = \"auth token\" ] && echo gho_fromGhCli && exit 0\nexit 1\n");
    await chmod(path.join(dir, "gh"), 0o755);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("prefers GITHUB_TOKEN, then GH_TOKEN, then gh auth token", async () => {
    const empty = path.join(dir, "nothing-here");
    expect(await resolveGitHubToken({ GITHUB_TOKEN: "a", GH_TOKEN: "b", PATH: dir })).toBe("a");
    expect(await resolveGitHubToken({ GITHUB_TOKEN: " ", GH_TOKEN: "b", PATH: dir })).toBe("b");
    expect(await resolveGitHubToken({ PATH: dir })).toBe("gho_fromGhCli");
    expect(await resolveGitHubToken({ PATH: empty })).toBeNull();
  });
});
