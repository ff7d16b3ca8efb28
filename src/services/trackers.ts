import type { AppContext } from "../app.js";
import type { ProjectConfig } from "../config/types.js";
import type { TrackerIssue, TrackerPlugin } from "../plugins/types.js";
import { inert, pasteable } from "../core/sanitize.js";

/** The project's tracker, built on first use (octokit and the Linear client load only then). */
export async function trackerFor(ctx: AppContext, project: ProjectConfig): Promise<TrackerPlugin> {
  // Its origin is not on GitHub: asking GitHub for its issue 12 read someone else's repository, or failed as "HTTP 500".
  if (project.tracker === "none") throw new Error(`project ${project.id} has no issue tracker (scm: none); name one with tracker: github or tracker: linear`);
  if (project.tracker === "linear") return (await import("../plugins/tracker/linear.js")).createLinearTracker(ctx.env);
  const [{ GitHubTracker }, { resolveGitHubToken }] = await Promise.all([import("../plugins/tracker/github.js"), import("../plugins/scm/github.js")]);
  const host = new URL(ctx.config.github.baseUrl).hostname;
  const token = await resolveGitHubToken(ctx.env, host === "api.github.com" ? undefined : host);
  return new GitHubTracker({ token, baseUrl: ctx.config.github.baseUrl });
}

export async function fetchIssue(ctx: AppContext, project: ProjectConfig, id: string): Promise<TrackerIssue> {
  return (await trackerFor(ctx, project)).getIssue(project.repo, id);
}

/**
 * Whether a session's issue is closed, for cleanup. A tracker that cannot be read says nothing:
 * the session is not cleaned for it.
 */
export function issueClosedLookup(ctx: AppContext): (projectId: string, issueId: string) => Promise<boolean> {
  const trackers = new Map<string, Promise<TrackerPlugin>>();
  return async (projectId, issueId) => {
    const project = ctx.config.projects.find((p) => p.id === projectId);
    if (!project) return false;
    let t = trackers.get(project.id);
    if (!t) trackers.set(project.id, (t = trackerFor(ctx, project)));
    try {
      return (await (await t).getIssue(project.repo, issueId)).state === "closed";
    } catch {
      return false;
    }
  };
}

/**
 * The agent's task, from the issue: title, text and link. Outside text, made pasteable as any
 * message to an agent is: the agent may print it to its pane, which is the user's terminal.
 */
export function issuePrompt(issue: TrackerIssue): string {
  return pasteable(`${inert(issue.title)} (${inert(issue.id)})\n\n${issue.body.trim()}\n\n${inert(issue.url)}`).trim();
}

/** Open issues of a project's tracker for the new-session picker; null when it offers no list. */
export async function listIssues(ctx: AppContext, project: ProjectConfig): Promise<Array<{ id: string; title: string }> | null> {
  if (project.tracker === "none") return null;
  const tracker = await trackerFor(ctx, project);
  return tracker.listIssues ? tracker.listIssues(project.repo) : null;
}
