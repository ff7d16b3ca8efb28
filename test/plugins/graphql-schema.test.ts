// Every GraphQL document ao sends, validated against GitHub's published schema. The documents are
// captured from real traffic to the fake GitHub (which executes them against the same schema),
// so a new or changed query cannot skip this check.
import { schema } from "@octokit/graphql-schema";
import { buildClientSchema, parse, validate } from "graphql";
import type { IntrospectionQuery } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGitHub } from "../../demo/fake-github.js";
import type { FakeGitHub } from "../../demo/fake-github.js";
import { GitHubScm } from "../../src/plugins/scm/github.js";

const TOKEN = "ghp_fakeTokenForSchema0123456789abcdef";
const REPO = "schema/app";
let gh: FakeGitHub;
/** Operation name → the distinct documents sent under it. */
const sent = new Map<string, Set<string>>();

beforeAll(async () => {
  gh = await startFakeGitHub({ token: TOKEN });
  const scm = new GitHubScm({ token: TOKEN, baseUrl: gh.baseUrl });
  const { state } = gh;

  const plain = state.openPr({ repo: REPO, branch: "feat/plain" });
  const busy = state.openPr({ repo: REPO, branch: "feat/busy" });
  state.setCi(REPO, busy, "failure", [
    { name: "test", annotations: [{ path: "a.ts", line: 1, message: "boom" }], log: "2026-01-01T00:00:00Z failed\n" },
    { name: "ci/legacy", type: "status" },
  ]);
  // More than 100 threads: fetchPrs follows up with the thread-count page, prDetails with detail pages.
  state.requestChanges(REPO, busy, { reviewer: "bob", threads: Array.from({ length: 130 }, (_, i) => ({ path: "a.ts", line: i, body: `t${i}` })) });

  // Branch and number variants, alone and mixed in one document, and a PR that does not exist.
  await scm.fetchPrs(REPO, [{ id: "a", branch: "feat/plain" }]);
  await scm.fetchPrs(REPO, [{ id: "b", branch: "feat/plain", prNumber: plain }]);
  await scm.fetchPrs(REPO, [
    { id: "c", branch: "feat/busy" },
    { id: "d", branch: "feat/plain", prNumber: plain },
    { id: "e", branch: "feat/none" },
    { id: "f", branch: "feat/gone", prNumber: 999 },
  ]);
  await scm.prDetails(REPO, busy);

  for (const r of state.requests) {
    if (r.query === undefined) continue;
    const op = r.operation ?? "anonymous";
    if (!sent.has(op)) sent.set(op, new Set());
    sent.get(op)?.add(r.query);
  }
});
afterAll(() => gh.close());

describe("GitHub GraphQL schema", () => {
  it("captured every document ao sends", () => {
    expect([...sent.keys()].sort()).toEqual(["AoPrChecks", "AoPrs", "AoThreadCounts", "AoThreadDetails"]);
    expect(sent.get("AoPrs")?.size).toBe(3);
  });

  it("every document validates against GitHub's schema", () => {
    const github = buildClientSchema(schema.json as unknown as IntrospectionQuery);
    const documents = [...sent.entries()].flatMap(([op, docs]) => [...docs].map((query) => ({ op, query })));
    expect(documents.length).toBeGreaterThanOrEqual(6);
    for (const { op, query } of documents) {
      const errors = validate(github, parse(query)).map((e) => e.message);
      expect({ op, errors }).toEqual({ op, errors: [] });
    }
  });
});

describe("the demo's fake GitHub, its schema loaded by the first GraphQL request", () => {
  it("answers as one that loaded it at start, and still refuses a field GitHub does not have", async () => {
    const late = await startFakeGitHub({ token: TOKEN, schema: "first-request" });
    try {
      const number = late.state.openPr({ repo: REPO, branch: "feat/late" });
      const scm = new GitHubScm({ token: TOKEN, baseUrl: late.baseUrl });
      const found = await scm.fetchPrs(REPO, [{ id: "a", branch: "feat/late" }]);
      expect(found.prs.get("a")?.number).toBe(number);
      const res = await fetch(`${late.baseUrl}/graphql`, {
        method: "POST",
        headers: { authorization: `bearer ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ query: "query { viewer { login notAGitHubField } }" }),
      });
      const body = (await res.json()) as { errors?: Array<{ message: string }> };
      expect(body.errors?.map((e) => e.message).join("\n")).toMatch(/notAGitHubField/);
    } finally {
      await late.close();
    }
  });
});
