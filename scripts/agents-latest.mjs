// `npm run test:agents-latest`: ao's agent tests against the newest agent CLIs this Node runs.
//
// The agent tests run the CLIs pinned in package.json, the versions the captures were recorded
// with. Users install newer ones; this installs, in a folder of its own (never node_modules), the
// newest release of each whose `engines` this Node satisfies, and runs the same tests on them
// (AO_TEST_AGENT_BIN). It prints which versions it took and why others were passed by.
/* global fetch, AbortSignal */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PACKAGES = ["@anthropic-ai/claude-code", "@openai/codex", "@google/gemini-cli"];
const TESTS = ["test/e2e/agent-claude.test.ts", "test/e2e/agent-codex-gemini.test.ts", "test/e2e/hosts-agent.test.ts"];
const node = process.versions.node.split(".").map(Number);

/** Whether this Node satisfies an engines range of the forms packages use (`>=20`, `>=18.0.0`, `^20 || >=22`). */
function nodeFits(range) {
  if (!range || range.trim() === "*") return true;
  return range.split("||").some((part) =>
    part.trim().split(/\s+/).every((cond) => {
      const m = /^(>=|>|\^|~|<=|<|=)?v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(cond);
      if (!m) return false; // a form not read here: not taken
      const want = [Number(m[2]), Number(m[3] ?? 0), Number(m[4] ?? 0)];
      const cmp = node[0] - want[0] || node[1] - want[1] || node[2] - want[2];
      switch (m[1] ?? "=") {
        case ">=": return cmp >= 0;
        case ">": return cmp > 0;
        case "<=": return cmp <= 0;
        case "<": return cmp < 0;
        case "^": return node[0] === want[0] && cmp >= 0;
        case "~": return node[0] === want[0] && node[1] === want[1] && cmp >= 0;
        default: return cmp === 0 || (m[3] === undefined && node[0] === want[0]);
      }
    }),
  );
}

const registry = execFileSync("npm", ["config", "get", "registry"], { encoding: "utf8" }).trim().replace(/\/?$/, "/");
const pinned = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).devDependencies;
const picks = [];
for (const name of PACKAGES) {
  const res = await fetch(`${registry}${name.replace("/", "%2f")}`, {
    headers: { accept: "application/vnd.npm.install-v1+json" },
    signal: AbortSignal.timeout(20_000),
  });
  if (!res.ok) throw new Error(`${name}: the registry answered ${res.status}`);
  const doc = await res.json();
  // Newest first, by version number (the registry lists them in no such order), from the one tagged latest down.
  const parts = (v) => v.split(".").map(Number);
  const newer = (a, b) => parts(b).reduce((d, n, i) => d || n - parts(a)[i], 0);
  const latest = doc["dist-tags"].latest;
  const releases = Object.keys(doc.versions).filter((v) => !v.includes("-") && newer(v, latest) >= 0).sort(newer);
  const order = [latest, ...releases.filter((v) => v !== latest)];
  const pick = order.find((v) => nodeFits(doc.versions[v]?.engines?.node));
  if (!pick) throw new Error(`${name}: no release runs on Node ${process.versions.node}`);
  const why = pick === latest ? "latest" : `latest ${latest} needs Node ${doc.versions[latest].engines.node}`;
  console.log(`${name}: ${pick} (pinned ${pinned[name]}; ${why})`);
  picks.push(`${name}@${pick}`);
}

const dir = mkdtempSync(path.join(tmpdir(), "ao-agents-latest-"));
console.log(`installing into ${dir}`);
execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefix", dir, ...picks], { stdio: "inherit" });
const r = spawnSync(path.join(ROOT, "node_modules/.bin/vitest"), ["run", ...TESTS], {
  cwd: ROOT,
  stdio: "inherit",
  env: { ...process.env, AO_TEST_AGENT_BIN: path.join(dir, "node_modules/.bin") },
});
process.exit(r.status ?? 1);
