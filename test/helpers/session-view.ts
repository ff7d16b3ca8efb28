import type { ProjectRef } from "../../src/core/format.js";
import type { SessionView } from "../../src/core/types.js";

export const PROJECTS: ProjectRef[] = [
  { id: "frontend", name: "Frontend" },
  { id: "backend", name: "Backend" },
];

const PREFIX: Record<string, string> = { frontend: "fe", backend: "api" };

/** A SessionView with plain defaults: a working, ready session of `frontend`; override what a test is about. */
export function view(over: Partial<SessionView> & { id: string }): SessionView {
  const prefix = over.id.slice(0, over.id.lastIndexOf("-"));
  const projectId = over.projectId ?? Object.keys(PREFIX).find((p) => PREFIX[p] === prefix) ?? "frontend";
  return {
    workspace: "my-app",
    host: "local",
    projectId,
    projectName: PROJECTS.find((p) => p.id === projectId)?.name ?? projectId,
    branch: `feat/${over.id}`,
    status: "working",
    statusCause: "working",
    statusReason: "agent is working",
    agent: null,
    prNumber: null,
    prUrl: null,
    ciStatus: null,
    reviewDecision: null,
    pendingThreads: null,
    failingChecks: [],
    activity: "ready",
    lastActivityAt: "2026-01-01T11:59:00.000Z",
    createdAt: "2026-01-01T11:00:00.000Z",
    issueId: null,
    worktree: `/tmp/wt/${over.id}`,
    summary: `summary of ${over.id}`,
    lastReaction: null,
    permissionsSkipped: false,
    conflicts: [],
    meta: {},
    ...over,
  };
}

/** `n` sessions of one project, ids prefix-1..prefix-n. */
export function many(n: number, prefix = "fe", over: Partial<SessionView> = {}): SessionView[] {
  return Array.from({ length: n }, (_, i) => view({ id: `${prefix}-${i + 1}`, ...over }));
}
