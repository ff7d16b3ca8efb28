// `npm run bench`: the figures users feel. Prints, never asserts. BENCH_RUNS sets repetitions.
// `node test/bench/run.mjs NAME` runs one: startup, status, send, github, ui, ui-live, ui-working, demo, attention or hosts.
// BENCH_IDLE_S shortens ui-live's minute of idle CPU; BENCH_SETTLE_S (10) and BENCH_IDLE_FROM_S (70,
// from launch) say when it starts at the earliest. BENCH_UI_STEADY_S (65; 0: none) is when the in-process
// ui bench samples again, past ao ui's first minute.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { benchAttention } from "./attention.mjs";
import { benchGitHub } from "./github.mjs";
import { benchHosts } from "./hosts.mjs";
import { benchSend } from "./send.mjs";
import { benchStartup } from "./startup.mjs";
import { benchStatusLive } from "./status-live.mjs";
import { benchUi } from "./ui.mjs";
import { benchDemo, benchUiLive } from "./ui-live.mjs";
import { benchUiWorking } from "./ui-working.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const BENCHES = { startup: benchStartup, status: benchStatusLive, send: benchSend, github: benchGitHub, ui: benchUi, "ui-live": benchUiLive, "ui-working": benchUiWorking, demo: benchDemo, attention: benchAttention, hosts: benchHosts };
const only = process.argv[2];
if (only && !(only in BENCHES)) {
  console.error(`unknown bench "${only}"; one of: ${Object.keys(BENCHES).join(", ")}`);
  process.exit(2);
}
execFileSync(process.execPath, [path.join(ROOT, "scripts/build.mjs"), "--if-stale"], { cwd: ROOT, stdio: "inherit" });
// The in-process dashboard bench measures its own peak RSS: it runs in a process of its own, not
// after benches that loaded other things into this one (the github bench's fake GitHub).
const alone = new Set(["ui"]);
for (const [name, bench] of Object.entries(BENCHES)) {
  if (only && only !== name) continue;
  if (!only && alone.has(name)) execFileSync(process.execPath, [fileURLToPath(import.meta.url), name], { cwd: ROOT, stdio: "inherit" });
  else await bench(ROOT);
}
