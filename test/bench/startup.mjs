import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { benchEnv, loadLine, median, RUNS, timeOnce, vs } from "./util.mjs";

/** A workspace of `projects` × `perProject` sessions, seeded straight into AO_HOME. */
function seedStore(projects, perProject) {
  const root = mkdtempSync(path.join(tmpdir(), "ao-bench-"));
  const names = Array.from({ length: projects }, (_, i) => `proj${i}`);
  const config = ["name: bench", "projects:", ...names.map((n, i) => `  ${n}: { repo: org/${n}, path: ~/code/${n}, sessionPrefix: p${i} }`)].join("\n");
  writeFileSync(path.join(root, "agent-orchestrator.yaml"), `${config}\n`);
  const statuses = ["working", "pr_open", "ci_failed", "review_pending", "approved", "killed"];
  const now = Date.now();
  names.forEach((n, pi) => {
    for (let s = 1; s <= perProject; s++) {
      const dir = path.join(root, "ao-home/sessions/bench", `p${pi}-${s}`);
      mkdirSync(dir, { recursive: true });
      const meta = {
        id: `p${pi}-${s}`,
        projectId: n,
        status: statuses[s % statuses.length],
        branch: `ao/p${pi}-${s}-some-issue-title`,
        pr: s % 2 ? `https://github.com/org/${n}/pull/${s}` : "",
        createdAt: new Date(now - s * 60_000).toISOString(),
        lastActivityAt: new Date(now - s * 1000).toISOString(),
        summary: `Working on issue ${s} of ${n}: a summary line of ordinary length`,
      };
      writeFileSync(path.join(dir, "metadata"), Object.entries(meta).map(([k, v]) => `${k}=${v}`).join("\n") + "\n");
    }
  });
  return root;
}

export async function benchStartup(root) {
  const ao = path.join(root, "bin/ao.js");
  const ws = seedStore(5, 100);
  const env = benchEnv({ HOME: path.join(ws, "home"), AO_HOME: path.join(ws, "ao-home"), AO_CONFIG_PATH: path.join(ws, "agent-orchestrator.yaml") });
  try {
    // One run first so the validated config is cached, as it is for a user after their first call.
    timeOnce([ao, "session", "ls", "--json"], env);
    // In turn, so both see the same moment's load.
    const pairs = Array.from({ length: RUNS }, () => [timeOnce(["-e", "0"], env).ms, timeOnce([ao, "session", "ls", "--json"], env).ms]);
    const bare = median(pairs.map((p) => p[0]));
    const ls = median(pairs.map((p) => p[1]));
    console.log(`\nStart-up, 500 sessions in 5 projects, no tmux server (median of ${RUNS} cold processes):`);
    console.log(`  machine: ${await loadLine()}`);
    console.log(`  node -e 0                ${bare.toFixed(1)} ms`);
    console.log(`  ao session ls --json     ${ls.toFixed(1)} ms = ${vs(ls / bare, 2, "× bare", 2)}`);
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}
