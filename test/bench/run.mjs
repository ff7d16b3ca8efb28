// `npm run bench`: figures for what users feel on every call. Prints, never asserts.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const AO = path.join(ROOT, "bin/ao.js");
const RUNS = Number(process.env.BENCH_RUNS ?? 21);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(args, env) {
  const samples = [];
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { env, stdio: ["ignore", "ignore", "pipe"] });
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  }
  return median(samples);
}

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

execFileSync("npm", ["run", "-s", "build"], { cwd: ROOT, stdio: "inherit" });
const root = seedStore(5, 100);
const env = { PATH: process.env.PATH, HOME: path.join(root, "home"), AO_HOME: path.join(root, "ao-home"), AO_CONFIG_PATH: path.join(root, "agent-orchestrator.yaml") };
try {
  // One run first so the validated config is cached, as it is for a user after their first call.
  spawnSync(process.execPath, [AO, "session", "ls", "--json"], { env, stdio: "ignore" });
  const bare = time(["-e", "0"], env);
  const ls = time([AO, "session", "ls", "--json"], env);
  const status = time([AO, "status"], env);
  console.log(`ao start-up, 500 sessions in 5 projects (median of ${RUNS} cold processes):`);
  console.log(`  node -e 0                ${bare.toFixed(1)} ms`);
  console.log(`  ao session ls --json     ${ls.toFixed(1)} ms  (${(ls / bare).toFixed(2)}× bare node; aim ≤ 2×)`);
  console.log(`  ao status                ${status.toFixed(1)} ms  (${(status / bare).toFixed(2)}× bare node)`);
} finally {
  if (process.env.BENCH_KEEP) console.log(`kept ${root}`);
  else rmSync(root, { recursive: true, force: true });
}
