import { access, constants } from "node:fs/promises";
import type { AppContext } from "../app.js";
import { planCleanup, type CleanupFacts, type CleanupItem } from "../core/cleanup.js";
import { inListOrder } from "../core/format.js";
import { lockHeld } from "../metadata/lock.js";
import { killSession, unsavedWork } from "./kill.js";
import { restoreLockDir } from "./restore.js";
import { sessionMachine } from "./machines.js";
import { listSessions } from "./sessions.js";

export interface CleanupOptions {
  project?: string;
  /** Whether a session's issue is closed in the tracker; default: not known to be. */
  issueClosed?: (projectId: string, issueId: string) => Promise<boolean>;
}

/**
 * Read → plan: the facts for every session (status, tracker, unsaved work), then the pure plan.
 * The dry run prints this plan; `applyCleanup` carries out the same one.
 */
export async function cleanupPlan(ctx: AppContext, opts: CleanupOptions = {}): Promise<CleanupItem[]> {
  // In the order `ao session ls` shows them (projects in config order, then fe-2 before fe-10):
  // the plan, printed and carried out, came in the order the folders were listed.
  const listed = await listSessions(ctx, opts.project !== undefined ? { project: opts.project } : {});
  const views = inListOrder(listed, ctx.config.projects);
  const facts = await Promise.all(
    views.map(async (view): Promise<CleanupFacts> => {
      const issueClosed = view.issueId && opts.issueClosed ? await opts.issueClosed(view.projectId, view.issueId).catch(() => false) : false;
      if (lockHeld(restoreLockDir(ctx, view.id))) return { view, issueClosed, unsavedWork: null, restoring: true };
      // One broken worktree (its .git pointing nowhere) is that session's problem alone: it is
      // kept, with the reason, and every other session is planned as usual.
      let work: Awaited<ReturnType<typeof unsavedWork>>;
      try {
        // Checked where the worktree is: on another host, git runs there.
        work = await unsavedWork(ctx, view.worktree ?? undefined, sessionMachine(ctx, view.meta));
      } catch (e) {
        return { view, issueClosed, unsavedWork: null, unreadable: (e as Error).message.split("\n")[0] ?? "unreadable" };
      }
      const summary = work
        ? [
            work.branchGone !== undefined ? `its branch ${work.branchGone} is gone, so what would be lost cannot be told` : "",
            work.uncommitted.length ? `${work.uncommitted.length} uncommitted` : "",
            work.unpushed.length ? `${work.unpushed.length} unpushed commit${work.unpushed.length === 1 ? "" : "s"}` : "",
          ]
            .filter(Boolean)
            .join(", ")
        : null;
      // A kill records its intent first; where that cannot be written the real run would fail,
      // so the dry run says so too.
      const unrecordable = await access(ctx.store.dir(view.id), constants.W_OK).then(
        () => null,
        (e: NodeJS.ErrnoException) => `${ctx.store.dir(view.id)}: ${e.code ?? e.message}`,
      );
      return { view, issueClosed, unsavedWork: summary, unrecordable };
    }),
  );
  return planCleanup(facts);
}

/** Kill what the plan says to kill; returns the ids killed. Skipped sessions are left alone. */
export async function applyCleanup(
  ctx: AppContext,
  plan: CleanupItem[],
  actor = "cli",
  /** Told of each kill as it ends (a cleanup of many takes a while, and may be cut short). */
  onDone?: (item: CleanupItem, error: string | null) => void,
): Promise<{ killed: string[]; failed: Array<{ id: string; error: string }> }> {
  const killed: string[] = [];
  const failed: Array<{ id: string; error: string }> = [];
  for (const item of plan.filter((p) => p.action === "kill")) {
    try {
      await killSession(ctx, item.id, { actor, ...(item.seen ? { seen: item.seen } : {}) });
      await ctx.store.appendEvent(item.id, { actor, kind: "cleanup", reason: item.reason });
      killed.push(item.id);
      onDone?.(item, null);
    } catch (e) {
      failed.push({ id: item.id, error: (e as Error).message });
      onDone?.(item, (e as Error).message);
    }
  }
  return { killed, failed };
}
