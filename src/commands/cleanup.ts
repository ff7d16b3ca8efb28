import { createApp } from "../app.js";
import { inert } from "../core/sanitize.js";
import { applyCleanup, cleanupPlan } from "../services/cleanup.js";
import { resolveProject } from "../services/sessions.js";
import { issueClosedLookup } from "../services/trackers.js";
import { printJson } from "./output.js";

/** `ao session cleanup [-p P] [--dry-run]` */
export async function cleanup(flags: { project?: string; dryRun?: boolean; json?: boolean }): Promise<number> {
  const ctx = await createApp();
  // A mistyped project is said alone: after "Checking for completed sessions..." it read as a
  // check that had started and failed.
  if (flags.project !== undefined) resolveProject(ctx, flags.project);
  if (!flags.json) process.stdout.write("Checking for completed sessions...\n");
  const plan = await cleanupPlan(ctx, {
    ...(flags.project !== undefined ? { project: flags.project } : {}),
    issueClosed: issueClosedLookup(ctx),
  });
  const toKill = plan.filter((p) => p.action === "kill");
  const skipped = plan.filter((p) => p.action === "skip");
  const plural = (n: number) => `${n} session${n === 1 ? "" : "s"}`;
  if (flags.dryRun) {
    if (flags.json) return printJson({ dryRun: true, plan }), 0;
    for (const p of toKill) process.stdout.write(`Would kill ${p.id} (${inert(p.reason)})\n`);
    for (const p of skipped) process.stdout.write(`Would skip ${p.id} (${inert(p.reason)}; ${inert(p.skipReason ?? "")})\n`);
    process.stdout.write(`Dry run complete. ${plural(toKill.length)} would be cleaned.\n`);
    return 0;
  }
  // Each kill is said as it ends: one cut short (Ctrl-C, a crash) leaves a true account of what went.
  const result = await applyCleanup(ctx, plan, "cli", (p, error) => {
    if (!flags.json) process.stdout.write(error !== null ? `Could not kill ${p.id} (${inert(p.reason)}): ${inert(error)}\n` : `Killed ${p.id} (${inert(p.reason)})\n`);
  });
  if (flags.json) return printJson({ dryRun: false, plan, ...result }), result.failed.length ? 1 : 0;
  for (const p of skipped) process.stdout.write(`Skipped ${p.id} (${inert(p.reason)}; ${inert(p.skipReason ?? "")})\n`);
  process.stdout.write(`Cleanup complete. ${plural(result.killed.length)} cleaned.\n`);
  return result.failed.length ? 1 : 0;
}
