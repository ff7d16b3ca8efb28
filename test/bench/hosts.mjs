import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sshUnavailable, startSshHosts } from "../helpers/sshd.mjs";
import { benchEnv, killTmux, loadLine, median, RUNS, timeAsync } from "./util.mjs";

const N = 90;
const HOSTS = ["b1", "b2", "b3"];

/** One tmux script that starts the sessions named, each a still screen like an agent's prompt. */
const tmuxScript = (names) => `${names.map((n) => `new-session -d -s ${n} -x 120 -y 40 "printf 'agent at its prompt\\\\n> '; exec sleep 3600"`).join("\n")}\n`;

/**
 * `ao status --json` over 90 live sessions in three arrangements, taken in turn so they see the
 * same load: all on this machine, all on one ssh host, and 30 on each of three ssh hosts (real
 * OpenSSH servers on loopback, as in the tests). Issue 16's aim: three hosts cost at most twice
 * one host, because each host is asked once per refresh, all at once.
 */
export async function benchHosts(root) {
  const why = sshUnavailable();
  if (why) {
    console.log(`\nao status over ssh hosts: skipped (${why})`);
    return;
  }
  const ao = path.join(root, "bin/ao.js");
  const hosts = await startSshHosts(HOSTS);
  const ws = mkdtempSync(path.join(tmpdir(), "ao-bench-hosts-"));
  const socket = `ao-bench-hosts-${process.pid}`;
  const hostRoot = (h) => `/tmp/aoh-bench-${process.pid}-${h}`;
  try {
    const config = [
      "name: hb",
      `runtime: { sshConfig: ${JSON.stringify(hosts.sshConfig)} }`,
      "hosts:",
      ...HOSTS.map((h) => `  ${h}: { ssh: ${h}, maxSessions: ${N}, root: ${hostRoot(h)} }`),
      "projects:",
      `  app: { repo: org/app, path: /tmp, sessionPrefix: a, scm: none, agent: generic, agentCommand: sh, hosts: [local, ${HOSTS.join(", ")}] }`,
    ].join("\n");
    writeFileSync(path.join(ws, "agent-orchestrator.yaml"), `${config}\n`);
    const created = new Date(Date.now() - 2 * 3600_000).toISOString();
    /** An AO_HOME whose 90 sessions are placed by `hostOf(i)` (null: this machine). */
    const arrangement = (name, hostOf) => {
      const home = path.join(ws, name);
      const byHost = new Map();
      for (let i = 0; i < N; i++) {
        const id = `a-${i + 1}`;
        const host = hostOf(i);
        // Each arrangement's tmux names are its own, so all three live on the same servers.
        const tmuxName = `ao-hb-${name}-${id}`;
        const dir = path.join(home, "sessions/hb", id);
        mkdirSync(dir, { recursive: true });
        const meta = { id, projectId: "app", status: "working", agent: "generic", tmuxName, branch: `ao/${id}`, createdAt: created, ...(host ? { host, hostStateDir: `${hostRoot(host)}/sessions/hb/${id}` } : {}) };
        writeFileSync(path.join(dir, "metadata"), `${Object.entries(meta).map(([k, v]) => `${k}=${v}`).join("\n")}\n`);
        byHost.set(host, [...(byHost.get(host) ?? []), tmuxName]);
      }
      for (const [host, names] of byHost) {
        if (host === null) execFileSync("tmux", ["-L", socket, "new-session", "-d", "-s", "keep", "sleep", "3600", ";", "source-file", "-"], { input: tmuxScript(names) });
        else hosts.hosts.find((h) => h.name === host).exec(`tmux -L ${socket} new-session -d -s keep-${name} sleep 3600 \\; source-file - <<'EOF'\n${tmuxScript(names)}EOF`);
      }
      return benchEnv({ HOME: path.join(ws, "home"), AO_HOME: home, AO_CONFIG_PATH: path.join(ws, "agent-orchestrator.yaml"), AO_TMUX_SOCKET: socket });
    };
    const envs = {
      "this machine": arrangement("local", () => null),
      "one ssh host": arrangement("one", () => "b1"),
      "three ssh hosts": arrangement("three", (i) => HOSTS[i % 3]),
    };
    // Screens go still, the connections and caches warm up: what a user's second call sees.
    await new Promise((r) => setTimeout(r, 3000));
    for (const [k, env] of Object.entries(envs)) {
      // A figure over sessions ao could not see would measure nothing: each one must be alive.
      const rows = JSON.parse((await timeAsync([ao, "status", "--json"], env)).stdout);
      const seen = rows.filter((r) => r.activity !== null && r.status !== "errored").length;
      if (seen !== N) throw new Error(`${k}: ao saw ${seen} of ${N} sessions alive: ${JSON.stringify(rows.find((r) => r.activity === null || r.status === "errored"))}`);
    }
    const samples = Object.fromEntries(Object.keys(envs).map((k) => [k, []]));
    for (let i = 0; i < RUNS; i++) for (const [k, env] of Object.entries(envs)) samples[k].push((await timeAsync([ao, "status", "--json"], env)).ms);
    const ms = Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, median(xs)]));
    console.log(`\nao status --json over ${N} live sessions, by where they run (medians of ${RUNS}, taken in turn):`);
    console.log(`  machine: ${await loadLine()}`);
    for (const [k, v] of Object.entries(ms)) console.log(`    ${k.padEnd(16)} ${v.toFixed(1)} ms`);
    const ratio = ms["three ssh hosts"] / ms["one ssh host"];
    console.log(`    three hosts × 30 / one host × 90: ${ratio.toFixed(2)}× (aim ≤ 2×) ${ratio <= 2 ? "ok" : "MISSED"}; against this machine × 90: ${(ms["three ssh hosts"] / ms["this machine"]).toFixed(2)}×`);
  } finally {
    for (const h of hosts.hosts) h.exec(`tmux -L ${socket} kill-server; rm -rf ${hostRoot(h.name)}`);
    killTmux(socket);
    hosts.stop();
    rmSync(ws, { recursive: true, force: true });
  }
}
