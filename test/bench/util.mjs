import { spawnSync } from "node:child_process";

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export const RUNS = Number(process.env.BENCH_RUNS ?? 21);

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
