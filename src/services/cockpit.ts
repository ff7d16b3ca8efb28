import type { AppContext } from "../app.js";
import { prNumberFromUrl } from "../core/pr.js";
import { run } from "../exec.js";
import { AGENT_NAMES } from "../plugins/agent/index.js";
import type { ScmPlugin } from "../plugins/types.js";
import { getSession } from "./lookup.js";
import { sessionMachine } from "./machines.js";
import { resolveProject } from "./sessions.js";
import { listIssues } from "./trackers.js";

/** What the new-session dialog offers: the projects (with their default agent) and every agent. */
export function newSessionChoices(ctx: AppContext): { projects: Array<{ id: string; name: string; agent: string }>; agents: string[] } {
  return { projects: ctx.config.projects.map((p) => ({ id: p.id, name: p.name, agent: p.agent })), agents: [...AGENT_NAMES] };
}

/** The project's open issues for the picker; null when its tracker offers no list (type an id). */
export async function issueChoices(ctx: AppContext, projectId: string): Promise<Array<{ id: string; title: string }> | null> {
  return listIssues(ctx, resolveProject(ctx, projectId));
}

/** The last `lines` non-empty lines of a session's pane, its history included, or why there are none. */
export async function paneTail(ctx: AppContext, id: string, lines: number): Promise<string> {
  const { meta } = await getSession(ctx, id);
  const rt = sessionMachine(ctx, meta).runtime;
  if (!meta.tmuxName || !(await rt.exists(meta.tmuxName))) return "(not running)";
  return (await rt.capture(meta.tmuxName, lines)).split("\n").filter((l) => l.trim() !== "").slice(-lines).join("\n");
}

/** Failing checks and unresolved threads of a session's PR, one line each, for the detail pane. */
export async function prDetailLines(ctx: AppContext, id: string, scm: () => Promise<ScmPlugin | null>): Promise<{ checks: string[]; threads: string[] } | null> {
  const { meta, project } = await getSession(ctx, id);
  const n = prNumberFromUrl(meta.pr);
  if (n === null) return null;
  const client = await scm();
  if (!client) return null;
  const d = await client.prDetails(project.repo, n);
  return {
    checks: d.failingChecks.map((c) => `${c.name}: ${c.conclusion}${c.annotations?.length ? ` — ${c.annotations[0]}` : ""}`),
    threads: d.unresolvedThreads.map((t) => `${t.path}${t.line !== null ? `:${t.line}` : ""} @${t.author}: ${t.body.split("\n")[0]}`),
  };
}

/** Open a URL (a PR) in the desktop's browser. */
export async function openUrl(url: string): Promise<void> {
  const opener = process.platform === "darwin" ? "open" : "xdg-open";
  const r = await run(opener, [url], { timeoutMs: 10_000 });
  if (r.exitCode !== 0) throw new Error(`${opener}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
}
