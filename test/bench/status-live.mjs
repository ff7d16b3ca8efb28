import { rmSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { liveWorkspace, stillFor, TOKEN } from "./live.mjs";
import { loadLine, median, RUNS, timeAsync, vs } from "./util.mjs";

const SIZES = [100, 500];
const countSpawns = (stderr) => stderr.split("\n").filter((l) => l.startsWith("$ ")).length;
const countTmux = (stderr) => stderr.split("\n").filter((l) => l.startsWith("$ tmux ")).length;

/**
 * Each command run in turn, `runs` rounds: bare node, ls and status see the same moment's load,
 * so their ratios hold up on a shared machine even when the times do not.
 */
async function interleaved(runs, commands, env, gh) {
  const samples = commands.map(() => []);
  const requests = commands.map(() => 0);
  for (let i = 0; i < runs; i++) {
    for (const [k, args] of commands.entries()) {
      const before = gh.state.requests.length;
      samples[k].push(await timeAsync(args, env));
      requests[k] += gh.state.requests.length - before;
    }
  }
  return samples.map((xs, k) => ({ ms: median(xs.map((s) => s.ms)), spawns: median(xs.map((s) => countSpawns(s.stderr))), tmux: median(xs.map((s) => countTmux(s.stderr))), requests: requests[k] / runs }));
}

/**
 * The fake GitHub answers in this process, on the same two cores: its first GraphQL documents run
 * graphql-js's validation and execution cold (~0.4 s each here), which GitHub's servers never
 * are. One document of the same shape per repository beforehand, so a first status measures ao
 * and a server that has answered before, not this process's JIT warming up.
 */
async function warmGitHub(root, live) {
  const { GitHubScm } = await import(pathToFileURL(path.join(root, "dist/src/plugins/scm/github.js")).href);
  const scm = new GitHubScm({ token: TOKEN, baseUrl: live.gh.baseUrl });
  const byRepo = new Map();
  for (const { id, repo, branch } of live.sessions) byRepo.set(repo, [...(byRepo.get(repo) ?? []), { id, branch }]);
  await Promise.all([...byRepo].map(([repo, queries]) => scm.fetchPrs(repo, queries)));
}

/**
 * `ao session ls --json` and `ao status --json` over 100 and 500 live tmux sessions whose PRs are
 * on the fake GitHub: the first call (every pane newly still, no PR facts yet), then calls with
 * nothing changed and the shared PR snapshot fresh, as when the dashboard or `ao watch` runs.
 */
export async function benchStatusLive(root) {
  const ao = path.join(root, "bin/ao.js");
  const at = {};

  for (const n of SIZES) {
    const live = await liveWorkspace(root, n);
    try {
      await stillFor(3000);
      const { env, gh } = live;
      // The config cache is warm for a user after their first call: one call that records nothing
      // (ls reads the screens, so its pane cache goes, and the status reads every screen again).
      await timeAsync([ao, "session", "ls", "--json"], env);
      rmSync(live.paneCache, { force: true });
      await warmGitHub(root, live);
      const requestsBefore = gh.state.requests.length;
      const t = process.hrtime.bigint();
      const first = await timeAsync([ao, "status", "--json", "--verbose"], env);
      const firstMs = Number(process.hrtime.bigint() - t) / 1e6;
      const firstRequests = gh.state.requests.length - requestsBefore;
      const [bare, ls, status] = await interleaved(RUNS, [["-e", "0"], [ao, "session", "ls", "--json", "--verbose"], [ao, "status", "--json", "--verbose"]], env, gh);
      at[n] = { bare: bare.ms, ls, status, first: { ms: firstMs, spawns: countSpawns(first.stderr), tmux: countTmux(first.stderr), requests: firstRequests } };
    } finally {
      await live.close();
    }
  }
  console.log(`\nao session ls / status --json over live tmux sessions with PRs on the fake GitHub (5 repositories; medians of ${RUNS}, the three commands taken in turn):`);
  console.log(`  machine: ${await loadLine()}`);
  for (const n of SIZES) {
    const r = at[n];
    console.log(`  ${n} sessions (bare node -e 0: ${r.bare.toFixed(1)} ms)`);
    const firstMs = n === 500 ? vs(r.first.ms, 1000, "ms", 0) : `${r.first.ms.toFixed(0)} ms`;
    console.log(`    first status (every pane newly still, PRs unknown, the fake GitHub warm): ${firstMs}; ${r.first.tmux} tmux process(es) (AO-style, one per session: ${n + 1}), ${r.first.spawns} processes in all; ${r.first.requests} HTTP requests`);
    console.log(`    ls --json                     ${r.ls.ms.toFixed(1)} ms = ${vs(r.ls.ms / r.bare, 2, "× bare", 2)}; ${r.ls.tmux} tmux process(es), ${r.ls.spawns} in all`);
    console.log(`    status --json, snapshot fresh ${r.status.ms.toFixed(1)} ms = ${vs(r.status.ms / r.bare, 3, "× bare", 2)}; ${r.status.tmux} tmux process(es), ${r.status.spawns} in all (git: the conflict radar), ${r.status.requests} HTTP requests a call`);
  }
  const [a, b] = SIZES;
  const per = (k) => (at[b][k].ms - at[a][k].ms) / (b - a);
  console.log(`  cost per extra session, ${a} → ${b}: ls ${vs(per("ls"), 0.2, "ms", 3)}; status ${vs(per("status"), 0.2, "ms", 3)}`);
}
