import type { AppContext } from "../app.js";
import { AoError } from "../core/errors.js";
import { prNumberFromUrl } from "../core/pr.js";
import type { ScmPlugin } from "../plugins/types.js";
import { getSession } from "./lookup.js";
import { workspaceGitHub } from "./github.js";
import { NO_TOKEN } from "./pr-facts.js";

export interface MergeResult {
  id: string;
  prNumber: number;
  method: "merge" | "squash" | "rebase";
  sha: string;
}

/**
 * Merge a session's PR on GitHub with the project's merge method, then record the session as
 * merged (with an event) and refresh its PR facts, so no cached "open" reads it back.
 * GitHub's own refusal (not mergeable, head moved) is the error.
 */
export async function mergeSession(ctx: AppContext, id: string, opts: { actor?: string; scm?: () => Promise<ScmPlugin | null> } = {}): Promise<MergeResult> {
  const { meta, project } = await getSession(ctx, id);
  const prNumber = prNumberFromUrl(meta.pr);
  if (prNumber === null) throw new AoError(`session ${id} has no PR to merge`, 1);
  const scm = await (opts.scm ? opts.scm() : workspaceGitHub(ctx));
  if (!scm?.merge) throw new AoError(`merge of ${id}: ${NO_TOKEN}`, 1);
  const method = project.mergeMethod;
  const { sha } = await scm.merge(project.repo, prNumber, method);
  const actor = opts.actor ?? "cli";
  await ctx.store.update(id, () => ({ status: "merged", statusReason: `PR #${prNumber} merged`, mergedAt: ctx.now().toISOString() }), actor, "merged");
  await ctx.prFacts.refresh([{ repo: project.repo, queries: [{ id, branch: meta.branch ?? "", prNumber }] }]).catch(() => undefined);
  return { id, prNumber, method, sha };
}
