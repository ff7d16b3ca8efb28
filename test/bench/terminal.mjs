import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { killTmux } from "./util.mjs";

const exec = promisify(execFile);
export const now = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * A real terminal for timing ao from outside: a private tmux server with one 120×40 pane, read
 * with capture-pane and typed into with send-keys, as a person's terminal would be.
 */
export class Terminal {
  constructor(name) {
    this.socket = `ao-bench-term-${process.pid}-${name}`;
  }
  tmux(...args) {
    return exec("tmux", ["-u", "-L", this.socket, ...args], { encoding: "utf8" });
  }
  /** Starts argv in the pane; env entries are added to the pane's environment. */
  async start(argv, env, cwd = process.cwd()) {
    const pairs = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    await this.tmux("new-session", "-d", "-s", "t", "-x", "120", "-y", "40", "-c", cwd, "--", "env", ...pairs, ...argv);
    this.pid = Number((await this.tmux("display-message", "-p", "-t", "=t:", "#{pane_pid}")).stdout.trim());
  }
  async screen() {
    try {
      return (await this.tmux("capture-pane", "-p", "-t", "=t:")).stdout;
    } catch {
      return "";
    }
  }
  /** ms from `since` until the screen satisfies `test`, polling as fast as tmux answers. */
  async until(test, since, timeoutMs = 60_000) {
    for (;;) {
      const s = await this.screen();
      if (test(s)) return { ms: now() - since, screen: s };
      if (now() - since > timeoutMs) throw new Error(`terminal: not seen within ${timeoutMs / 1000} s; screen:\n${s}`);
    }
  }
  keys(...k) {
    return this.tmux("send-keys", "-t", "=t:", ...k);
  }
  /** `n` presses of j (the dashboard's cursor a row down): ms from each to the screen showing it. */
  async cursorMoves(n) {
    const ms = [];
    for (let i = 0; i < n; i++) {
      const before = await this.screen();
      const t = now();
      await this.keys("j");
      ms.push((await this.until((s) => s !== before && s.includes("▸"), t, 10_000)).ms);
    }
    return ms;
  }
  /** Whether the pane's process still runs: a zombie (exited, not yet reaped by tmux) has ended. */
  alive() {
    try {
      return readFileSync(`/proc/${this.pid}/stat`, "utf8").split(") ")[1][0] !== "Z";
    } catch (e) {
      if (e.code === "ENOENT") return false;
    }
    try {
      process.kill(this.pid, 0);
      return true;
    } catch {
      return false;
    }
  }
  /**
   * CPU seconds the pane's process has used (Linux /proc), or null elsewhere; with `children`,
   * those of the processes it ran and waited for too (its tmux looks).
   */
  cpuSeconds({ children = false } = {}) {
    try {
      const fields = readFileSync(`/proc/${this.pid}/stat`, "utf8").split(") ")[1].split(" ");
      // utime + stime (+ cutime + cstime), in USER_HZ (100 on Linux)
      return (Number(fields[11]) + Number(fields[12]) + (children ? Number(fields[13]) + Number(fields[14]) : 0)) / 100;
    } catch {
      return null;
    }
  }
  /** Peak resident memory of the pane's process in MB (VmHWM), or null. */
  peakRssMb() {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.pid}/status`, "utf8"));
      return m ? Number(m[1]) / 1024 : null;
    } catch {
      return null;
    }
  }
  close() {
    killTmux(this.socket);
  }
}
