import { createApp } from "../app.js";
import { inert, inertLines, inertMessage } from "../core/sanitize.js";
import { isAoError } from "../core/errors.js";
import { forgetSession, type ForgetResult } from "../services/forget.js";
import { describeWork, killSession, type KillResult } from "../services/kill.js";
import { restoreSession } from "../services/restore.js";
import { attachSession, openSessions } from "../services/terminal.js";
import { printJson } from "./output.js";

export interface KillFlags {
  force?: boolean;
  keepWorktree?: boolean;
  forget?: boolean;
  json?: boolean;
}

/** `ao session kill <id...>`: each on its own; the exit code is the first failure's, else 0. */
export async function kill(ids: string[], flags: KillFlags): Promise<number> {
  const ctx = await createApp();
  let code = 0;
  const killed: Array<KillResult | ForgetResult> = [];
  const failed: Array<{ id: string; error: string }> = [];
  for (const id of [...new Set(ids)]) {
    try {
      if (flags.forget) {
        const r = await forgetSession(ctx, id);
        killed.push(r);
        if (!flags.json) process.stdout.write(r.forgotten ? `✓ Session ${id} marked killed: ${inert(r.reason)}\n` : `✓ Session ${id} was killed already; nothing changed.\n`);
        continue;
      }
      const r = await killSession(ctx, id, { force: flags.force === true, keepWorktree: flags.keepWorktree === true });
      killed.push(r);
      if (flags.json) continue;
      if (r.discarded) process.stderr.write(`Discarded from ${id} (--force):\n${inertLines(describeWork(r.discarded))}\n`);
      if (r.worktreeLeft) process.stderr.write(`Worktree of ${id} left in place: ${inert(r.worktreeLeft)}\n`);
      process.stdout.write(`✓ Session ${id} killed.${r.worktreeRemoved ? " Worktree removed." : flags.keepWorktree ? " Worktree kept." : ""}\n`);
      if (r.leftRunning) process.stdout.write(leftRunningText(r.leftRunning, r.worktreeRemoved));
    } catch (e) {
      // One refusal (unpushed work, unknown id) must not stop the rest; it is reported and counted.
      if (ids.length === 1 && !flags.json) throw e;
      if (code === 0) code = isAoError(e) ? e.exitCode : 1;
      failed.push({ id, error: (e as Error).message });
      if (!flags.json) process.stderr.write(`ao: ${inertMessage((e as Error).message)}\n`);
    }
  }
  // The shape of cleanup's result: what was killed (here, or forgotten), and what could not be.
  if (flags.json) printJson({ killed, failed });
  return code;
}

/** The processes a kill left in the worktree, which ao did not start: one line each, inert. */
function leftRunningText(procs: Array<{ pid: number; command: string }>, removed: boolean): string {
  const head = `  Left running in ${removed ? "the removed" : "the"} worktree (not started by ao, so not ended):`;
  const shown = procs.slice(0, 10).map((p) => `    ${p.pid} ${inert(p.command.slice(0, 80))}`);
  return [head, ...shown, ...(procs.length > 10 ? [`    … and ${procs.length - 10} more`] : [])].join("\n") + "\n";
}

/** `ao session restore <id>` */
export async function restore(id: string): Promise<void> {
  const ctx = await createApp();
  const r = await restoreSession(ctx, id);
  process.stdout.write(`✓ Session ${r.id} restored.\nWorktree: ${inert(r.worktree)}\nBranch: ${inert(r.branch)}\nAttach: ${inert(r.attach)}\n`);
}

/** `ao attach <id>` */
export async function attach(id: string): Promise<number> {
  const ctx = await createApp();
  return attachSession(ctx, id, { terminal: process.stdin.isTTY === true });
}

/** `ao open <id|project|all>` */
export async function open(target: string, flags: { newWindow?: boolean }): Promise<void> {
  const ctx = await createApp();
  const opened = await openSessions(ctx, target, flags.newWindow === true);
  process.stdout.write(`Opened ${opened.join(", ")}\n`);
}
