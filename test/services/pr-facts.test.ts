import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeGitHub } from "../../demo/fake-github.js";
import type { FakeGitHub } from "../../demo/fake-github.js";
import { GitHubScm } from "../../src/plugins/scm/github.js";
import type { ScmPlugin } from "../../src/plugins/types.js";
import { NO_TOKEN, PrFactsService } from "../../src/services/pr-facts.js";

const TOKEN = "ghp_prFactsToken0123456789abcdefghij";
const T0 = Date.parse("2025-01-01T00:00:00Z");
let gh: FakeGitHub;
let dir: string;
let cacheFile: string;
let clock: number;

beforeAll(async () => {
  gh = await startFakeGitHub({ token: TOKEN });
});
afterAll(() => gh.close());
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "ao-prfacts-"));
  cacheFile = path.join(dir, "ao-home", "cache", "prs-test.json");
  clock = T0;
  gh.state.prs.length = 0;
  gh.state.requests.length = 0;
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function service(scm: ScmPlugin | null = new GitHubScm({ token: TOKEN, baseUrl: gh.baseUrl })): PrFactsService {
  return new PrFactsService({ scm: async () => scm, cacheFile, now: () => clock });
}
const later = (ms: number) => (clock += ms);

describe("refresh", () => {
  it("makes one HTTP request per repository in a refresh of 300 sessions across three", async () => {
    const repos = ["org/one", "org/two", "org/three"];
    const groups = repos.map((repo) => ({ repo, queries: Array.from({ length: 100 }, (_, i) => ({ id: `${repo}-${i}`, branch: `b${i}` })) }));
    for (const repo of repos) gh.state.openPr({ repo, branch: "b99" });
    const snap = await service().refresh(groups);
    const perRepo = new Map<string, number>();
    for (const r of gh.state.requests) perRepo.set(r.repo ?? "(none)", (perRepo.get(r.repo ?? "(none)") ?? 0) + 1);
    expect(Object.fromEntries(perRepo)).toEqual({ "org/one": 1, "org/two": 1, "org/three": 1 });
    expect(Object.keys(snap.prs)).toHaveLength(300);
    expect(snap.prs["org/two-99"]).toMatchObject({ number: 1 });
  });

  it("fetches each repository's group with one document, and merges into the cache", async () => {
    const a = gh.state.openPr({ repo: "org/app", branch: "feat/a" });
    gh.state.setCi("org/app", a, "pending");
    gh.state.openPr({ repo: "org/api", branch: "feat/b" });
    const prs = service();
    const snap = await prs.refresh([
      { repo: "org/app", queries: [{ id: "fe-1", branch: "feat/a" }, { id: "fe-2", branch: "feat/none" }] },
      { repo: "org/api", queries: [{ id: "api-1", branch: "feat/b" }] },
    ]);
    expect(gh.state.requests.map((r) => r.operation)).toEqual(["AoPrs", "AoPrs"]);
    expect(snap).toMatchObject({ fetchedAt: new Date(T0).toISOString(), stale: false, error: null, backoffUntil: null });
    expect(snap.rateLimit?.remaining).toBeGreaterThan(0);
    expect(snap.prs["fe-1"]).toMatchObject({ number: a, ci: "pending" });
    expect(snap.prs["fe-2"]).toBeNull();
    expect(snap.prs["api-1"]).toMatchObject({ number: 1, state: "open" });

    // A later refresh of one group keeps what it did not ask about.
    gh.state.setCi("org/app", a, "success");
    const next = await prs.refresh([{ repo: "org/app", queries: [{ id: "fe-1", branch: "feat/a" }] }]);
    expect(next.prs["fe-1"]?.ci).toBe("success");
    expect(next.prs["api-1"]).toMatchObject({ number: 1 });
    expect(next.prs).not.toHaveProperty("fe-3");
    expect(await readdir(path.dirname(cacheFile))).toEqual(["prs-test.json"]);
  });
});

describe("when GitHub cannot be read", () => {
  const group = [{ repo: "org/app", queries: [{ id: "fe-1", branch: "feat/a" }] }];

  it.each([429, 403] as const)("%i with retry-after: last data kept, stale, and no request before the backoff ends", async (status) => {
    const n = gh.state.openPr({ repo: "org/app", branch: "feat/a" });
    gh.state.setCi("org/app", n, "pending");
    const prs = service();
    await prs.refresh(group);

    gh.state.failNext(1, status, { "retry-after": "120" });
    later(1000);
    const stale = await prs.refresh(group);
    expect(stale).toMatchObject({ stale: true, backoffUntil: new Date(clock + 120_000).toISOString(), fetchedAt: new Date(T0).toISOString() });
    expect(stale.error).toMatch(/rate limit/i);
    expect(stale.prs["fe-1"]).toMatchObject({ number: n, ci: "pending" });

    const sent = gh.state.requests.length;
    later(60_000);
    const waiting = await prs.refresh(group);
    expect(waiting.stale).toBe(true);
    expect(waiting.prs["fe-1"]?.ci).toBe("pending");
    expect(gh.state.requests.length).toBe(sent);
    // Another process (ao session ls, a second dashboard) honours the same backoff.
    await service().refresh(group);
    expect(gh.state.requests.length).toBe(sent);

    later(61_000);
    gh.state.setCi("org/app", n, "success");
    const fresh = await prs.refresh(group);
    expect(gh.state.requests.length).toBe(sent + 1);
    expect(fresh).toMatchObject({ stale: false, error: null, backoffUntil: null });
    expect(fresh.prs["fe-1"]?.ci).toBe("success");
  });

  it("500 leaves the facts as they were (never 'failure'), backing off 30 s, then 60 s", async () => {
    const n = gh.state.openPr({ repo: "org/app", branch: "feat/a" });
    gh.state.setCi("org/app", n, "pending");
    const prs = service();
    await prs.refresh(group);
    gh.state.failNext(2, 500);
    const first = await prs.refresh(group);
    expect(first).toMatchObject({ stale: true, backoffUntil: new Date(clock + 30_000).toISOString() });
    expect(first.error).toContain("Server Error");
    expect(first.prs["fe-1"]?.ci).toBe("pending");
    later(30_001);
    const second = await prs.refresh(group);
    expect(second.backoffUntil).toBe(new Date(clock + 60_000).toISOString());
    expect(second.prs["fe-1"]).toMatchObject({ ci: "pending", failingChecks: [] });
  });

  it("a token GitHub refuses (401) is that process's own: no wait is shared, another ao with a good token reads GitHub at once", async () => {
    const n = gh.state.openPr({ repo: "org/app", branch: "feat/a" });
    gh.state.setCi("org/app", n, "pending");
    await service().refresh(group);
    gh.state.setCi("org/app", n, "failure", [{ name: "lint", conclusion: "failure" }]);
    const bad = await service(new GitHubScm({ token: "ghp_notTheRightOne0123456789abcdefgh", baseUrl: gh.baseUrl })).refresh(group);
    expect(bad).toMatchObject({ stale: true, backoffUntil: null });
    expect(bad.error).toMatch(/401/);
    expect(bad.prs["fe-1"]?.ci).toBe("pending");
    const good = await service().refresh(group);
    expect(good).toMatchObject({ stale: false, error: null });
    expect(good.prs["fe-1"]?.ci).toBe("failure");
  });

  it("with no token: the cached snapshot, stale, with what to do", async () => {
    const snap = await service(null).refresh(group);
    expect(snap).toMatchObject({ stale: true, error: NO_TOKEN, prs: {} });
    expect(NO_TOKEN).toBe("no GitHub token: set GITHUB_TOKEN or GH_TOKEN, or run gh auth login");
  });

  it("keeps the token out of the cache file", async () => {
    gh.state.failNext(1, 500, {}, `leaked ${TOKEN}`);
    const snap = await service().refresh(group);
    expect(snap.error).not.toContain(TOKEN);
    expect(await readFile(cacheFile, "utf8")).not.toContain(TOKEN);
  });
});

describe("cached", () => {
  it("reads the last snapshot with no network at all", async () => {
    gh.state.openPr({ repo: "org/app", branch: "feat/a" });
    await service().refresh([{ repo: "org/app", queries: [{ id: "fe-1", branch: "feat/a" }] }]);
    const offline = new PrFactsService({
      scm: () => Promise.reject(new Error("cached() must not reach for GitHub")),
      cacheFile,
    });
    const sent = gh.state.requests.length;
    const snap = await offline.cached();
    expect(snap.prs["fe-1"]).toMatchObject({ number: 1, state: "open" });
    expect(snap).not.toHaveProperty("failures");
    expect(gh.state.requests.length).toBe(sent);
  });

  it("with no cache file, nothing is known", async () => {
    expect(await service().cached()).toEqual({ prs: {}, owners: {}, fetchedAt: null, stale: false, error: null, rateLimit: null, backoffUntil: null });
  });
});
