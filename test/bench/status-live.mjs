import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { median, RUNS, timeOnce } from "./util.mjs";

const N = 100;

/** `ao status --json` over 100 live tmux sessions: processes spawned per call and wall time. */
export async function benchStatusLive(root) {
  const ao = path.join(root, "bin/ao.js");
  const ws = mkdtempSync(path.join(tmpdir(), "ao-bench-live-"));
  const socket = `ao-bench-${process.pid}`;
  const tmux = (...a) => execFileSync("tmux", ["-L", socket, ...a], { stdio: "ignore" });
  writeFileSync(path.join(ws, "agent-orchestrator.yaml"), "name: live\nprojects:\n  app: { repo: org/app, path: /tmp, sessionPrefix: app, agent: generic, agentCommand: sh }\n");
  const env = { PATH: process.env.PATH, HOME: path.join(ws, "home"), AO_HOME: path.join(ws, "ao-home"), AO_CONFIG_PATH: path.join(ws, "agent-orchestrator.yaml"), AO_TMUX_SOCKET: socket };
  try {
    for (let i = 1; i <= N; i++) {
      const dir = path.join(ws, "ao-home/sessions/live", `app-${i}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, "metadata"), `id=app-${i}\nprojectId=app\nstatus=working\nagent=generic\ntmuxName=ao-live-app-${i}\ncreatedAt=${new Date().toISOString()}\n`);
      tmux("new-session", "-d", "-s", `ao-live-app-${i}`, "sh", "-c", `echo agent ${i}; exec sleep 3600`);
    }
    // Let every screen go still, so the first call has something to capture.
    spawnSync("sleep", ["3"]);
    const countSpawns = (stderr) => stderr.split("\n").filter((l) => l.startsWith("$ ")).length;
    const first = timeOnce([ao, "status", "--json", "--verbose"], env);
    const samples = Array.from({ length: RUNS }, () => timeOnce([ao, "status", "--json", "--verbose"], env));
    console.log(`\nao status --json with ${N} live tmux sessions:`);
    console.log(`  first call (every pane newly still): ${countSpawns(first.stderr)} processes, ${first.ms.toFixed(0)} ms`);
    console.log(`  later calls (no pane changed):       ${median(samples.map((s) => countSpawns(s.stderr)))} processes, median ${median(samples.map((s) => s.ms)).toFixed(0)} ms of ${RUNS}`);
  } finally {
    spawnSync("tmux", ["-L", socket, "kill-server"]);
    rmSync(path.join(process.env.TMUX_TMPDIR || "/tmp", `tmux-${process.getuid()}`, socket), { force: true });
    rmSync(ws, { recursive: true, force: true });
  }
}
