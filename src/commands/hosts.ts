import { createApp } from "../app.js";
import { formatHosts } from "../core/hosts-format.js";
import { probeHosts } from "../services/hosts.js";
import { printJson, stdoutStyle } from "./output.js";

/**
 * `ao hosts`: every machine sessions may run on, asked now (one round trip each, at once):
 * whether it answers, its tmux and git, live sessions against capacity, load, last seen.
 * Exits 1 when a host does not answer, so a script can check.
 */
export async function hosts(flags: { json?: boolean; timeout?: string }): Promise<number> {
  const ctx = await createApp();
  const timeoutMs = flags.timeout !== undefined ? Number(flags.timeout) * 1000 : 10_000;
  const reports = await probeHosts(ctx, { timeoutMs: Number.isFinite(timeoutMs) && timeoutMs > 0 ? timeoutMs : 10_000 });
  if (flags.json) printJson(reports);
  else process.stdout.write(formatHosts(reports, stdoutStyle(), ctx.now()));
  return reports.every((r) => r.reachable) ? 0 : 1;
}
