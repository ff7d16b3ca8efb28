import { createApp, type AppContext } from "../app.js";
import { AoError, EXIT_USAGE } from "../core/errors.js";
import { prNumberFromUrl } from "../core/pr.js";
import { run } from "../exec.js";
import type { ScmPlugin } from "../plugins/types.js";
import { applyCleanup, cleanupPlan } from "../services/cleanup.js";
import { describeWork, killSession, unsavedWork } from "../services/kill.js";
import { LifecycleService } from "../services/lifecycle.js";
import { getSession } from "../services/lookup.js";
import { answerQuestion } from "../services/answer.js";
import { agentScreen } from "../services/agent-screen.js";
import { sendMessage } from "../services/messenger.js";
import { restoreSession } from "../services/restore.js";
import type { PrSnapshot } from "../services/pr-facts.js";
import { readSessions } from "../services/sessions.js";
import { attachSession } from "../services/terminal.js";
import { issueClosedLookup } from "../services/trackers.js";
import { createDashboard, type DashboardDeps, type GitHubStatus } from "../store/dashboard.js";

export function githubStatus(g: PrSnapshot): GitHubStatus {
  const off = g.error !== null && g.fetchedAt === null;
  return { state: off ? "off" : g.stale ? "stale" : "ok", remaining: g.rateLimit?.remaining ?? null, fetchedAt: g.fetchedAt, error: g.error };
}

const ALT_ON = "\u001b[?1049h";
const ALT_OFF = "\u001b[?1049l";
const CURSOR_ON = "\u001b[?25h";
const DAY = 86_400_000;

/** The dashboard's view of the service layer, bound to this workspace. */
export function dashboardDeps(ctx: AppContext, attach: (id: string) => Promise<void>): DashboardDeps {
  let scm: Promise<ScmPlugin | null> | null = null;
  return {
    workspace: ctx.config.name,
    projects: ctx.config.projects.map((p) => ({ id: p.id, name: p.name })),
    async listSessions() {
      // Killed sessions stay in view (dimmed) for a day, then only `--all` shows them.
      const now = ctx.now().getTime();
      const { views } = await readSessions(ctx, { all: true, github: "cached", record: true });
      return views.filter((v) => v.status !== "killed" || now - Date.parse(v.meta.killedAt ?? "") < DAY);
    },
    async refreshGitHub() {
      const { github } = await readSessions(ctx, { github: "refresh", record: true });
      return githubStatus(github);
    },
    send: (id, text) => sendMessage(ctx, id, text, { actor: "dashboard" }),
    question: async (id) => (await (await agentScreen(ctx, id)).look()).question,
    answer: (id, key) => answerQuestion(ctx, id, key, { actor: "dashboard" }),
    async unsavedWork(id) {
      const work = await unsavedWork(ctx, (await getSession(ctx, id)).meta.worktree);
      return work ? describeWork(work) : null;
    },
    kill: async (id, force) => void (await killSession(ctx, id, { force, actor: "dashboard" })),
    restore: async (id) => void (await restoreSession(ctx, id, "dashboard")),
    cleanupPlan: () => cleanupPlan(ctx, { issueClosed: issueClosedLookup(ctx) }),
    cleanupRun: async (plan) => (await applyCleanup(ctx, plan, "dashboard")).killed,
    async paneTail(id, lines) {
      const { meta } = await getSession(ctx, id);
      if (!meta.tmuxName || !(await ctx.runtime.exists(meta.tmuxName))) return "(not running)";
      return (await ctx.runtime.capture(meta.tmuxName)).split("\n").filter((l) => l.trim() !== "").slice(-lines).join("\n");
    },
    async prDetails(id) {
      const { meta, project } = await getSession(ctx, id);
      const n = prNumberFromUrl(meta.pr);
      if (n === null) return null;
      scm ??= import("../plugins/scm/github.js").then((m) => m.createGitHubScm(ctx.env, ctx.config.github.baseUrl));
      const client = await scm;
      if (!client) return null;
      const d = await client.prDetails(project.repo, n);
      return {
        checks: d.failingChecks.map((c) => `${c.name}: ${c.conclusion}${c.annotations?.length ? ` — ${c.annotations[0]}` : ""}`),
        threads: d.unresolvedThreads.map((t) => `${t.path}${t.line !== null ? `:${t.line}` : ""} @${t.author}: ${t.body.split("\n")[0]}`),
      };
    },
    attach,
    async openUrl(url) {
      const opener = process.platform === "darwin" ? "open" : "xdg-open";
      const r = await run(opener, [url]);
      if (r.exitCode !== 0) throw new Error(`${opener}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
    },
    now: () => ctx.now().getTime(),
  };
}

/** `ao ui`: the only path that loads React and Ink. */
export async function ui(flags: { interval?: string; githubInterval?: string }, opts: { env?: NodeJS.ProcessEnv } = {}): Promise<void> {
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    throw new AoError("ao ui needs a terminal; for a pipe or a script use: ao status (or ao status --json)", EXIT_USAGE);
  }
  // The demo passes its own workspace's environment (AO_HOME, config, tmux socket, token).
  const ctx = await createApp(opts.env ? { env: opts.env } : {});
  // React's development build checks every render and costs frames; users run the production one.
  process.env.NODE_ENV ??= "production";
  // Ink renders nothing until exit when it believes it runs in CI (it reads CI and
  // CONTINUOUS_INTEGRATION once, as it loads). ao ui has just checked that it owns a terminal,
  // so hide those while Ink loads, and put them back for everything ao starts afterwards.
  const ci = { CI: process.env.CI, CONTINUOUS_INTEGRATION: process.env.CONTINUOUS_INTEGRATION };
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  const [{ render }, React, { App }] = await Promise.all([import("ink"), import("react"), import("../../components/App.js")]).finally(() => {
    for (const [k, v] of Object.entries(ci)) if (v !== undefined) process.env[k] = v;
  });

  let onAltScreen = false;
  const restoreTerminal = () => {
    if (!onAltScreen) return;
    onAltScreen = false;
    process.stdout.write(`${ALT_OFF}${CURSOR_ON}`);
  };
  let instance: ReturnType<typeof render> | null = null;
  let stepAside: Promise<void> | null = null;

  const mount = () => {
    process.stdout.write(ALT_ON);
    onAltScreen = true;
    instance = render(React.createElement(App, { dashboard }), { exitOnCtrlC: true, patchConsole: true });
    void instance.waitUntilExit().then(() => {
      if (!stepAside) finish();
    });
  };

  // attach: the dashboard steps aside for tmux and comes back when the user detaches.
  const attach = async (id: string) => {
    stepAside = (async () => {
      instance?.unmount();
      restoreTerminal();
      try {
        await attachSession(ctx, id);
      } finally {
        mount();
      }
    })();
    try {
      await stepAside;
    } finally {
      stepAside = null;
    }
  };

  const dashboard = createDashboard(dashboardDeps(ctx, attach));
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => (done = resolve));
  // Reactions run here too; only one ao per workspace acts on them (see LifecycleService).
  const lifecycle = new LifecycleService(ctx, { github: "cached" });
  const lifecycleTimer = setInterval(() => void lifecycle.tick().catch(() => undefined), ctx.config.lifecycle.pollIntervalMs);
  const finish = () => {
    clearInterval(lifecycleTimer);
    void lifecycle.release();
    dashboard.stop();
    restoreTerminal();
    done();
  };
  dashboard.store.subscribe((s) => {
    if (s.quitting) instance?.unmount();
  });
  // Whatever ends the process, the terminal comes back.
  process.on("exit", restoreTerminal);
  process.on("SIGTERM", () => {
    restoreTerminal();
    process.exit(143);
  });
  process.on("uncaughtException", (e) => {
    restoreTerminal();
    process.stderr.write(`ao ui crashed: ${e.stack ?? e.message}\n`);
    process.exit(1);
  });

  const seconds = (v: string | undefined, d: number) => (v !== undefined && Number(v) > 0 ? Number(v) * 1000 : d);
  dashboard.start({ localMs: seconds(flags.interval, 2000), githubMs: seconds(flags.githubInterval, 30_000) });
  mount();
  await finished;
}
