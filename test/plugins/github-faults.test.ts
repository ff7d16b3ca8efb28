// GitHub misbehaving in ways other than an HTTP error: a body cut short, an answer that is slow
// or never comes. Each must end as an error (a stale snapshot keeping the last facts), never as
// a fact about CI or review.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGitHub } from "../../demo/fake-github.js";
import type { FakeGitHub } from "../../demo/fake-github.js";
import { GitHubScm, REQUEST_TIMEOUT_MS, ScmError } from "../../src/plugins/scm/github.js";
import { PrFactsService } from "../../src/services/pr-facts.js";
import type { PrGroup } from "../../src/services/pr-facts.js";

const TOKEN = "ghp_fakeTokenForFaults0123456789abcdef";
let gh: FakeGitHub;
let dir: string;
let seq = 0;

beforeAll(async () => {
  gh = await startFakeGitHub({ token: TOKEN });
  dir = await mkdtemp(path.join(tmpdir(), "ao-gh-faults-"));
});
afterAll(async () => {
  await gh.close();
  await rm(dir, { recursive: true, force: true });
});

/** A repository with one failing, changes-requested PR, a service over it with a hand-moved clock. */
function world(timeoutMs?: number) {
  const repo = `faults/repo${++seq}`;
  const n = gh.state.openPr({ repo, branch: "feat/a" });
  gh.state.setCi(repo, n, "failure", [{ name: "test" }]);
  gh.state.requestChanges(repo, n, { reviewer: "bob", threads: [{ path: "a.ts", line: 1, body: "fix" }] });
  const scm = new GitHubScm({ token: TOKEN, baseUrl: gh.baseUrl, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
  const clock = { now: Date.parse("2026-01-01T12:00:00Z") };
  const service = new PrFactsService({ scm: async () => scm, cacheFile: path.join(dir, `cache-${seq}.json`), now: () => clock.now });
  const groups: PrGroup[] = [{ repo, queries: [{ id: "known", branch: "feat/a" }] }];
  /** Past any backoff the last failure earned. */
  const later = () => (clock.now += 11 * 60_000);
  return { repo, n, scm, service, groups, later };
}

describe("malformed JSON", () => {
  it("fetchPrs rejects a 200 with a truncated JSON body", async () => {
    const { repo, scm } = world();
    gh.state.malformedNext(1);
    const e = await scm.fetchPrs(repo, [{ id: "x", branch: "feat/a" }]).then(() => null, (err: unknown) => err);
    expect(e).toBeInstanceOf(ScmError);
    expect((e as ScmError).message).toMatch(/malformed/);
    expect((e as ScmError).rateLimited).toBe(false);
  });

  it("PrFactsService.refresh goes stale and keeps the last facts; a new session gets no fact", async () => {
    const w = world();
    const good = await w.service.refresh(w.groups);
    expect(good.stale).toBe(false);
    expect(good.prs.known).toMatchObject({ ci: "failure", reviewDecision: "changes_requested", unresolvedThreads: 1 });

    // Meanwhile CI went green and the review was approved: a malformed answer must not say so,
    // nor say anything else.
    gh.state.setCi(w.repo, w.n, "success");
    gh.state.resolveThreads(w.repo, w.n);
    gh.state.approve(w.repo, w.n, "bob");
    w.later();
    gh.state.malformedNext(1);
    const groups: PrGroup[] = [{ repo: w.repo, queries: [...(w.groups[0]?.queries ?? []), { id: "new", branch: "feat/a" }] }];
    const bad = await w.service.refresh(groups);
    expect(bad.stale).toBe(true);
    expect(bad.error).toMatch(/malformed/);
    expect(bad.prs.known).toEqual(good.prs.known);
    expect("new" in bad.prs).toBe(false);
    expect(bad.fetchedAt).toBe(good.fetchedAt);
    expect(bad.backoffUntil).not.toBeNull();

    w.later();
    const healed = await w.service.refresh(groups);
    expect(healed.stale).toBe(false);
    expect(healed.prs.known).toMatchObject({ ci: "success", reviewDecision: "approved", unresolvedThreads: 0 });
  });
});

describe("slow answers", () => {
  it("requests have a deadline of about 20 s by default", () => {
    expect(REQUEST_TIMEOUT_MS).toBe(20_000);
  });

  it("a slow answer within the deadline still succeeds", async () => {
    const w = world();
    gh.state.slowNext(1, 400);
    const snap = await w.service.refresh(w.groups);
    expect(snap).toMatchObject({ stale: false, error: null });
    expect(snap.prs.known).toMatchObject({ ci: "failure", reviewDecision: "changes_requested" });
  });

  it("an answer past the deadline is a timeout: a stale snapshot with the last facts", async () => {
    const w = world(2000);
    const good = await w.service.refresh(w.groups);
    expect(good.stale).toBe(false);
    gh.state.setCi(w.repo, w.n, "success");
    w.later();
    gh.state.slowNext(1, 8000);
    const snap = await w.service.refresh(w.groups);
    // The deadline, not the slow answer, ended the request: its error says so.
    expect(snap.stale).toBe(true);
    expect(snap.error).toMatch(/no answer within 2 s/);
    expect(snap.prs.known).toEqual(good.prs.known);
    const e = await w.scm.prDetails(w.repo, w.n).then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBeNull(); // the slow answer was one request only: the next ones are prompt
  });
});

describe("no connection at all", () => {
  /** A port on 127.0.0.1 that nothing listens on (it did a moment ago). */
  async function closedPort(): Promise<number> {
    const { createServer } = await import("node:net");
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
  }

  // Octokit reports a request that never reached a server as status 500: "(HTTP 500)" read as
  // GitHub's own error when GitHub (or the fake) was simply not there.
  it("a refused connection says so, and names no HTTP status GitHub never sent", async () => {
    const base = `http://127.0.0.1:${await closedPort()}/api/v3`;
    const scm = new GitHubScm({ token: TOKEN, baseUrl: base });
    const e = await scm.fetchPrs("org/app", [{ id: "x", branch: "feat/a" }]).then(() => null, (err: unknown) => err);
    expect(e).toBeInstanceOf(ScmError);
    expect((e as ScmError).message).toMatch(/^GitHub PRs of org\/app: no connection \(connect ECONNREFUSED 127\.0\.0\.1:\d+\)$/);
    expect((e as ScmError).status).toBe(0);
    const { GitHubTracker } = await import("../../src/plugins/tracker/github.js");
    const issue = await new GitHubTracker({ token: TOKEN, baseUrl: base }).getIssue("org/app", "7").then(() => null, (err: unknown) => err as Error);
    expect(issue?.message).toMatch(/^GitHub issue org\/app#7: no connection \(connect ECONNREFUSED 127\.0\.0\.1:\d+\)$/);
  });
});
