import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const SESSIONS = 100;
const REPOS = 4;
const INTERVAL_S = 30;

/**
 * One PrFactsService.refresh for 100 sessions across 4 repositories, against the fake GitHub:
 * HTTP requests made, and the GraphQL rate-limit points that would cost per hour at the
 * dashboard's default 30 s interval (GitHub's budget is 5,000 points an hour).
 */
export async function benchGitHub(root) {
  const dist = (p) => import(pathToFileURL(path.join(root, "dist", p)).href);
  const [{ startFakeGitHub }, { queryCost }, { GitHubScm }, { PrFactsService }] = await Promise.all([
    dist("demo/fake-github.js"),
    dist("demo/fake-github/graphql.js"),
    dist("src/plugins/scm/github.js"),
    dist("src/services/pr-facts.js"),
  ]);
  const token = "ghp_benchToken0123456789abcdefghijkl";
  const gh = await startFakeGitHub({ token });
  const dir = mkdtempSync(path.join(tmpdir(), "ao-bench-gh-"));
  try {
    const groups = Array.from({ length: REPOS }, (_, r) => ({ repo: `org/repo${r}`, queries: [] }));
    for (let i = 0; i < SESSIONS; i++) {
      const group = groups[i % REPOS];
      const branch = `ao/s${i}`;
      // Most sessions have a PR, in every state ao shows; some are still working without one.
      if (i % 5 !== 0) {
        const n = gh.state.openPr({ repo: group.repo, branch });
        const ci = ["success", "failure", "pending", "none"][i % 4];
        gh.state.setCi(group.repo, n, ci, ci === "failure" ? [{ name: "test" }, { name: "lint" }] : []);
        if (i % 3 === 0) gh.state.requestChanges(group.repo, n, { reviewer: "rev", threads: [{ path: "a.ts", line: 1, body: "x" }] });
        group.queries.push(i % 2 ? { id: `s${i}`, branch, prNumber: n } : { id: `s${i}`, branch });
      } else {
        group.queries.push({ id: `s${i}`, branch });
      }
    }
    const scm = new GitHubScm({ token, baseUrl: gh.baseUrl });
    const service = new PrFactsService({ scm: async () => scm, cacheFile: path.join(dir, "pr-cache.json") });
    const before = gh.state.requests.length;
    const t = process.hrtime.bigint();
    const snap = await service.refresh(groups);
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    const sent = gh.state.requests.slice(before);
    const graphql = sent.filter((r) => r.query !== undefined);
    const points = graphql.reduce((sum, r) => sum + queryCost(r.query), 0);
    const perHour = points * (3600 / INTERVAL_S);
    const known = Object.values(snap.prs).filter((p) => p !== null).length;
    console.log(`\nGitHub refresh, ${SESSIONS} sessions in ${REPOS} repositories (one PrFactsService.refresh against the fake):`);
    console.log(`  HTTP requests            ${sent.length} (${graphql.length} GraphQL: ${graphql.map((r) => `${r.operation}×${r.aliases}`).join(", ")}; aim ≤ 1 per repository = ${REPOS})`);
    console.log(`  GraphQL points           ${points} per refresh (GitHub's rule: connection requests / 100, min 1 per document)`);
    console.log(`  points per hour          ${perHour} at one refresh per ${INTERVAL_S} s (aim ≤ 500; budget 5,000)`);
    console.log(`  wall time                ${ms.toFixed(0)} ms; ${known} PRs found, stale=${snap.stale}`);
  } finally {
    await gh.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
