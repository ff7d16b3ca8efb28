import type { AppContext } from "../app.js";
import type { ProjectConfig } from "../config/types.js";
import { deriveStatus } from "../core/status.js";
import { prNumberFromUrl } from "../core/pr.js";
import type { SessionView } from "../core/types.js";
import { AoError, EXIT_USAGE } from "../core/errors.js";
import type { StoredSession } from "../metadata/store.js";
import { agentPlugin } from "../plugins/agent/index.js";
import type { SessionRuntimeFacts } from "./runtime-facts.js";

export interface ListOptions {
  project?: string;
  /** Include killed sessions. */
  all?: boolean;
}

/** Check a `-p` value against the config: the project id, or its display name. */
export function resolveProject(ctx: AppContext, project: string): ProjectConfig {
  const p = ctx.config.projects.find((x) => x.id === project || x.name === project);
  if (!p) {
    const known = ctx.config.projects.map((x) => x.id);
    throw new AoError(
      `unknown project "${project}"; ${known.length ? `projects: ${known.join(", ")}` : "this workspace has no projects (see ao init)"}`,
      EXIT_USAGE,
    );
  }
  return p;
}

/** Sessions whose runtime is worth a look: ones that should be running. */
function wantsRuntime(s: StoredSession): boolean {
  return s.meta !== undefined && !!s.meta.tmuxName && s.meta.status !== "killed" && s.meta.status !== "merged";
}

function toView(ctx: AppContext, s: StoredSession, now: Date, rt?: SessionRuntimeFacts): SessionView {
  let meta = s.meta ?? {};
  if (rt?.pane) {
    // The pane's last output is the freshest activity time there is.
    const paneIso = new Date(rt.pane.activityAt * 1000).toISOString();
    if (!meta.lastActivityAt || paneIso > meta.lastActivityAt) meta = { ...meta, lastActivityAt: paneIso };
  }
  // A corrupt record still belongs somewhere: its id's prefix names the project.
  const prefix = s.id.slice(0, s.id.lastIndexOf("-"));
  const projectId = meta.projectId ?? ctx.config.projects.find((p) => p.sessionPrefix === prefix)?.id ?? "";
  const project = ctx.config.projects.find((p) => p.id === projectId);
  const derived = s.error !== undefined
    ? { status: "errored" as const, reason: s.error }
    : deriveStatus({
        now,
        meta,
        stuckAfterMs: ctx.config.stuckAfterMs,
        ...(rt ? { runtimeAlive: rt.alive } : {}),
        ...(rt?.activity ? { activity: rt.activity } : {}),
      });
  return {
    id: s.id,
    workspace: ctx.config.name,
    projectId,
    projectName: project?.name ?? (projectId || "(unknown project)"),
    branch: meta.branch || null,
    status: derived.status,
    statusReason: derived.reason,
    prNumber: prNumberFromUrl(meta.pr),
    prUrl: meta.pr || null,
    ciStatus: null,
    reviewDecision: null,
    pendingThreads: null,
    failingChecks: [],
    activity: rt?.activity ?? null,
    lastActivityAt: meta.lastActivityAt || meta.createdAt || null,
    createdAt: meta.createdAt || null,
    issueId: meta.issueId || null,
    worktree: meta.worktree || null,
    summary: meta.summary || null,
    permissionsSkipped: meta.permissions === "skip",
    meta,
  };
}

async function runtimeFacts(ctx: AppContext, sessions: StoredSession[], now: Date): Promise<Map<string, SessionRuntimeFacts>> {
  const queries = sessions.map((s) => ({
    id: s.id,
    tmuxName: s.meta!.tmuxName!,
    agent: agentPlugin(s.meta!.agent ?? "") ?? agentPlugin("generic")!,
  }));
  return ctx.runtimeFacts.gather(queries, now.getTime());
}

/**
 * Every session of the workspace as a person should see it now: status derived from all that
 * is known. Runtime, agent and GitHub facts join here as their plugins arrive.
 */
export async function listSessions(ctx: AppContext, opts: ListOptions = {}): Promise<SessionView[]> {
  const project = opts.project !== undefined ? resolveProject(ctx, opts.project) : undefined;
  const now = ctx.now();
  const stored = await ctx.store.list();
  const facts = await runtimeFacts(ctx, stored.filter(wantsRuntime), now);
  return stored
    .map((s) => toView(ctx, s, now, facts.get(s.id)))
    .filter((v) => !project || v.projectId === project.id)
    .filter((v) => opts.all || v.status !== "killed");
}
