import { spawn, spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** The p-th percentile (0-100), nearest rank. */
export function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export const RUNS = Number(process.env.BENCH_RUNS ?? 21);

/**
 * The environment ao gets in a bench: nothing of the user's but PATH, and TMUX_TMPDIR, which
 * says where tmux keeps its sockets: without it, ao would look for the bench's private server
 * in the wrong folder.
 */
export function benchEnv(extra) {
  return { PATH: process.env.PATH, ...(process.env.TMUX_TMPDIR ? { TMUX_TMPDIR: process.env.TMUX_TMPDIR } : {}), ...extra };
}

/** Ends a private tmux server and removes the socket file tmux 3.3 leaves behind. */
export function killTmux(socket) {
  spawnSync("tmux", ["-L", socket, "kill-server"], { stdio: "ignore" });
  rmSync(path.join(process.env.TMUX_TMPDIR || "/tmp", `tmux-${process.getuid()}`, socket), { force: true });
}

/** Wall time of one process run, in ms; throws on a non-zero exit. */
export function timeOnce(args, env, { allowCodes = [0] } = {}) {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (!allowCodes.includes(r.status)) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout, stderr: r.stderr };
}

export function timeMedian(args, env, runs = RUNS) {
  return median(Array.from({ length: runs }, () => timeOnce(args, env).ms));
}

/** timeOnce without blocking the event loop: for runs that talk to a server in this process. */
export function timeAsync(args, env) {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      if (code !== 0) reject(new Error(`${args.join(" ")} exited ${code}: ${stderr}`));
      else resolve({ ms, stdout, stderr });
    });
  });
}

/** A figure beside its target: "123.4 ms (aim ≤ 300 ms) ok". */
export function vs(value, aim, unit = "ms", digits = 1) {
  const mark = value <= aim ? "ok" : "MISSED";
  return `${value.toFixed(digits)} ${unit} (aim ≤ ${aim} ${unit}) ${mark}`;
}

/** The load on the machine, printed with every figure: these benches run on shared machines. */
export async function loadLine() {
  const os = await import("node:os");
  const [one, five] = os.loadavg();
  return `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? "cpu"}, load average ${one.toFixed(2)} / ${five.toFixed(2)} (1 / 5 min), node ${process.version}`;
}
