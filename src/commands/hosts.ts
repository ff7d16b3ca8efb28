import { createApp } from "../app.js";
import { formatHosts } from "../core/hosts-format.js";
import { probeHosts } from "../services/hosts.js";
import { printJson, stdoutStyle } from "./output.js";
import { secondsFlag } from "./seconds.js";

/**
 * `ao hosts`: every machine sessions may run on, asked now (one round trip each, at once):
 * whether it answers, its tmux and git, live sessions against capacity, load, last seen.
 * Exits 1 when a host does not answer, so a script can check.
 */
export async function hosts(flags: { json?: boolean; timeout?: string }): Promise<number> {
  // Checked before anything is asked: a bad value is a usage error, never a silent default, and
  // a day is more than any host needs (past ~24 days Node's timers fire at once).
  const timeoutMs = secondsFlag("--timeout", flags.timeout, 10_000, { min: 0.1, max: 86_400 });
  const ctx = await createApp();
  const reports = await probeHosts(ctx, { timeoutMs });
  if (flags.json) printJson(reports);
  else process.stdout.write(formatHosts(reports, stdoutStyle(), ctx.now()));
  return reports.every((r) => r.reachable) ? 0 : 1;
}
