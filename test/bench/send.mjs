import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { benchEnv, killTmux, median, timeOnce } from "./util.mjs";

function git(cwd, ...args) {
  execFileSync("git", args, { cwd, stdio: "ignore", env: { ...process.env, GIT_AUTHOR_NAME: "b", GIT_AUTHOR_EMAIL: "b@b", GIT_COMMITTER_NAME: "b", GIT_COMMITTER_EMAIL: "b@b" } });
}

/** Median time from `ao send` to verified delivery, for a ready simulated agent. */
export async function benchSend(root) {
  const ao = path.join(root, "bin/ao.js");
  const ws = mkdtempSync(path.join(tmpdir(), "ao-bench-send-"));
  const socket = `ao-bench-send-${process.pid}`;
  const clone = path.join(ws, "app");
  mkdirSync(clone);
  git(ws, "init", "-q", "--bare", "-b", "main", "origin.git");
  git(clone, "init", "-q", "-b", "main");
  writeFileSync(path.join(clone, "README.md"), "x\n");
  git(clone, "add", ".");
  git(clone, "commit", "-qm", "init");
  git(clone, "remote", "add", "origin", path.join(ws, "origin.git"));
  git(clone, "push", "-q", "-u", "origin", "main");
  const sim = path.join(root, "demo/sim-agent.mjs");
  writeFileSync(path.join(ws, "ao.yaml"), `name: sendbench\nprojects:\n  app: { repo: org/app, path: ${JSON.stringify(clone)}, sessionPrefix: app, agent: generic, agentCommand: ${JSON.stringify(`node ${sim}`)} }\n`);
  const env = benchEnv({ HOME: path.join(ws, "home"), AO_HOME: path.join(ws, "ao-home"), AO_CONFIG_PATH: path.join(ws, "ao.yaml"), AO_TMUX_SOCKET: socket, AO_SIM_THINK_MS: "100" });
  try {
    const id = timeOnce([ao, "spawn", "app"], env).stdout.trim();
    const runs = Number(process.env.BENCH_SEND_RUNS ?? 9);
    const times = [];
    for (let i = 0; i < runs; i++) {
      // Ready means still: let the previous reply's screen settle, outside the timing.
      spawnSync("sleep", ["3"]);
      const r = timeOnce([ao, "send", id, `benchmark message ${i}`], env);
      if (!r.stdout.includes("processing")) throw new Error(`not delivered: ${r.stdout}`);
      times.push(r.ms);
    }
    console.log(`\nao send to a ready agent, until verified delivery (median of ${runs}): ${median(times).toFixed(0)} ms`);
  } finally {
    killTmux(socket);
    rmSync(ws, { recursive: true, force: true });
  }
}
