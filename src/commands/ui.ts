import { POLL_SECONDS, secondsFlag } from "./seconds.js";
import { createApp, type AppContext } from "../app.js";
import { AoError, EXIT_USAGE } from "../core/errors.js";
import { applyCleanup, cleanupPlan } from "../services/cleanup.js";
import { forgetSession } from "../services/forget.js";
import { describeWork, ForgetInstead, killSession, unsavedWork } from "../services/kill.js";
import { sessionMachine } from "../services/machines.js";
import { coalesced, sharedAttention, watchAttention, type SharedAttention } from "../services/attention.js";
import { LifecycleService } from "../services/lifecycle.js";
import { configWatcher } from "../services/config-watch.js";
import { workspaceGitHub } from "../services/github.js";
import { issueChoices, newSessionChoices, openUrl, paneTail, prDetailLines } from "../services/cockpit.js";
import { cachedConflicts, checkConflicts, sameFindings } from "../services/conflicts.js";
import { diffSession } from "../services/diff.js";
import { getSession } from "../services/lookup.js";
import { answerQuestion } from "../services/answer.js";
import { agentScreen } from "../services/agent-screen.js";
import { mergeSession } from "../services/merge.js";
import { sendMessage } from "../services/messenger.js";
import { restoreSession } from "../services/restore.js";
import { spawnSession } from "../services/spawn.js";
import type { PrSnapshot } from "../services/pr-facts.js";
import { readSessions, refreshPrFacts } from "../services/sessions.js";
import { attachSession } from "../services/terminal.js";
import { issueClosedLookup } from "../services/trackers.js";
import { colourEnabled } from "../core/style.js";
import { createDashboard, type DashboardDeps, type GitHubStatus } from "../store/dashboard.js";
import { capYoungGeneration, stopOptimizingAfter, tightOldGeneration } from "./young-gen.js";
import { inertLines } from "../core/sanitize.js";
import { stopReading, takeBack } from "./hand-over.js";

export function githubStatus(g: PrSnapshot): GitHubStatus {
  const off = g.error !== null && g.fetchedAt === null;
  return { state: off ? "off" : g.stale ? "stale" : "ok", remaining: g.rateLimit?.remaining ?? null, fetchedAt: g.fetchedAt, error: g.error };
}

const ALT_ON = "\u001b[?1049h";
const ALT_OFF = "\u001b[?1049l";
const CURSOR_ON = "\u001b[?25h";
const CURSOR_OFF = "\u001b[?25l";
// Ink draws from wherever the cursor is: after an attach, that is where the program left it.
const HOME_CLEAR = "\u001b[H\u001b[2J";

const projectRefs = (ctx: AppContext) => ctx.config.projects.map((p) => ({ id: p.id, name: p.name }));

/**
 * The dashboard's view of the service layer, bound to this workspace. With `attention`, the
 * dashboard is woken by that watcher rather than one of its own.
 */
export function dashboardDeps(ctx: AppContext, attach: (id: string) => Promise<void>, githubMs = 30_000, attention?: SharedAttention): DashboardDeps {
  const github = () => workspaceGitHub(ctx);
  const checkConfig = configWatcher(ctx);
  return {
    workspace: ctx.config.name,
    projects: projectRefs(ctx),
    async checkConfig() {
      const c = await checkConfig();
      return { ...c, projects: projectRefs(ctx) };
    },
    // Killed sessions come too: the table hides them until `a` asks for them.
    listSessions: async () => (await readSessions(ctx, { all: true, github: "cached", record: true })).views,
    // The first rows, from the records alone: the first full look may read hundreds of screens.
    listSessionsQuick: async () => (await readSessions(ctx, { all: true, github: "cached", runtime: false })).views,
    sessionsById: async (ids) => (await readSessions(ctx, { all: true, github: "cached", record: true, ids })).views,
    async refreshGitHub(force) {
      // PR facts only: the next local refresh (which the store runs next) derives and records.
      // Another ao process's refresh within half an interval is as good as this one's.
      return githubStatus(await refreshPrFacts(ctx, { maxAgeMs: force ? 0 : githubMs / 2 }));
    },
    send: (id, text) => sendMessage(ctx, id, text, { actor: "dashboard" }),
    question: async (id) => (await (await agentScreen(ctx, id)).look()).question,
    answer: (id, key) => answerQuestion(ctx, id, key, { actor: "dashboard" }),
    async unsavedWork(id) {
      // Checked where the worktree is: on another host, git runs there.
      const { meta } = await getSession(ctx, id);
      const work = await unsavedWork(ctx, meta.worktree, sessionMachine(ctx, meta));
      return work ? describeWork(work) : null;
    },
    kill: async (id, force) =>
      void (await killSession(ctx, id, { force, actor: "dashboard" }).catch((e: unknown) => {
        // The way out is the dashboard's own key, not a command to type elsewhere.
        throw e instanceof ForgetInstead ? new Error(`${e.why}, forget it: F (nothing is touched)`) : e;
      })),
    forget: async (id) => void (await forgetSession(ctx, id, { actor: "dashboard" })),
    restore: async (id) => void (await restoreSession(ctx, id, "dashboard")),
    cleanupPlan: () => cleanupPlan(ctx, { issueClosed: issueClosedLookup(ctx) }),
    cleanupRun: async (plan) => (await applyCleanup(ctx, plan, "dashboard")).killed,
    paneTail: (id, lines) => paneTail(ctx, id, lines),
    prDetails: (id) => prDetailLines(ctx, id, github),
    diff: (id) => diffSession(ctx, id),
    async checkConflicts(fetch) {
      const before = await cachedConflicts(ctx);
      return !sameFindings(before, await checkConflicts(ctx, { fetch, fetchEveryMs: githubMs }));
    },
    mergeMethod: (projectId) => ctx.config.projects.find((p) => p.id === projectId)?.mergeMethod ?? "merge",
    merge: async (id) => mergeSession(ctx, id, { actor: "dashboard", scm: github }),
    newSessionChoices: () => newSessionChoices(ctx),
    issueChoices: (projectId) => issueChoices(ctx, projectId),
    async spawn(opts, onCreated, onWarning) {
      // Where ao placed it and why (and a first clone there): said in the outcome's toast.
      const said: string[] = [];
      const r = await spawnSession(ctx, { ...opts, actor: "dashboard", onCreated, onInfo: (t) => said.push(t), ...(onWarning ? { onWarning } : {}) });
      return { id: r.id, branch: r.branch, ...(said.length ? { note: said.join("; ") } : {}) };
    },
    attach,
    openUrl,
    now: () => ctx.now().getTime(),
    watchChanges(onChange) {
      if (attention) return attention.subscribe(() => onChange());
      const pending = watchAttention(ctx, () => onChange());
      return () => void pending.then((a) => a.close());
    },
  };
}

// React is CommonJS: bundled, its dynamic import offers only the default export.
const loadUi = () => Promise.all([import("ink"), import("react").then((m) => m.default), import("../../components/App.js")]);
type UiModules = Awaited<ReturnType<typeof loadUi>>;
let uiModules: Promise<UiModules> | null = null;

/**
 * Start loading Ink, React and the dashboard's components (once): they stand between launch and
 * the first frame, so `ao ui` loads them while it reads the config, and the demo while it builds
 * its workspace.
 */
export function preloadUi(): Promise<UiModules> {
  if (uiModules) return uiModules;
  // 8 MB: the dashboard's peak memory at 500 sessions went from about 165 MB to 115 MB, at the
  // cost of more frequent (and cheaper) young-generation collections.
  capYoungGeneration(8);
  // Start-up's garbage is collected as it goes rather than grown past: 500 sessions peaked at
  // 112-117 MB without this and 107-108 MB with it, for ~0.3 s more collecting in start-up.
  tightOldGeneration(15, 8_000);
  // Past its first minute, V8's optimizing compiler re-optimizing deoptimized code was a quarter
  // of an idle dashboard's CPU; baseline code does the idle work for less (young-gen.ts). A
  // minute, not less: by then some thirty refreshes have made the frame's code hot enough to be
  // optimized, and a frame after a refresh takes about half the time it took when V8 stopped at
  // 10 s, with what start-up alone had made hot.
  stopOptimizingAfter(60_000);
  // React's development build checks every render and costs frames; users run the production one.
  process.env.NODE_ENV ??= "production";
  // Ink renders nothing until exit when it believes it runs in CI (it reads CI and
  // CONTINUOUS_INTEGRATION once, as it loads). ao ui has checked that it owns a terminal, so
  // hide those while Ink loads, and put them back for everything ao starts afterwards.
  const saved = { CI: process.env.CI, CONTINUOUS_INTEGRATION: process.env.CONTINUOUS_INTEGRATION, FORCE_COLOR: process.env.FORCE_COLOR };
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  // Ink colours through chalk, which decides as it loads and does not read NO_COLOR; its
  // FORCE_COLOR=0 says the same. ao's own rule (NO_COLOR wins) decides, as for every command.
  if (!colourEnabled(process.env, true)) process.env.FORCE_COLOR = "0";
  // Yoga, Ink's layout engine, loads its WebAssembly from a data: URL through the global fetch
  // when there is one; Node 20's fetch is undici, loaded on its first call, ~25 ms on the way to
  // the first frame. Without a fetch, Yoga decodes the same bytes itself. Nothing of ao's uses
  // the global fetch while these modules load (GitHub goes through node:http), and it is put
  // back as it was once they have.
  const fetchSaved = Object.getOwnPropertyDescriptor(globalThis, "fetch");
  if (fetchSaved?.configurable) Object.defineProperty(globalThis, "fetch", { value: undefined, configurable: true, writable: true });
  uiModules = loadUi().finally(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v !== undefined) process.env[k] = v;
      else delete process.env[k];
    }
    if (fetchSaved?.configurable) Object.defineProperty(globalThis, "fetch", fetchSaved);
  });
  return uiModules;
}

/** `ao ui`: the only path that loads React and Ink. */
export async function ui(flags: { interval?: string; githubInterval?: string }, opts: { env?: NodeJS.ProcessEnv } = {}): Promise<void> {
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    throw new AoError("ao ui needs a terminal; for a pipe or a script use: ao status (or ao status --json)", EXIT_USAGE);
  }
  const loading = preloadUi();
  loading.catch(() => {}); // a failing config speaks first; this rejection is awaited below
  // Checked before the screen is taken: a bad value is a usage error, never a busy loop.
  const localMs = secondsFlag("--interval", flags.interval, 2000, POLL_SECONDS);
  const githubMs = secondsFlag("--github-interval", flags.githubInterval, 30_000, POLL_SECONDS);
  // The demo passes its own workspace's environment (AO_HOME, config, tmux socket, token).
  const ctx = await createApp(opts.env ? { env: opts.env } : {});
  // Its looks every 2 s and the listings between them, through one tmux client, not a fork each.
  const disconnect = ctx.runtime.keepConnected?.() ?? (() => {});

  let onAltScreen = false;
  const restoreTerminal = () => {
    if (!onAltScreen) return;
    onAltScreen = false;
    process.stdout.write(`${ALT_OFF}${CURSOR_ON}`);
  };
  let instance: ReturnType<typeof render> | null = null;
  let stepAside: Promise<void> | null = null;

  const mount = () => {
    // A new Ink instance every time: its first frame is a whole frame, drawn on a clean screen.
    process.stdout.write(`${ALT_ON}${CURSOR_OFF}${HOME_CLEAR}`);
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
      stopReading(process.stdin);
      restoreTerminal();
      try {
        await attachSession(ctx, id);
      } finally {
        await takeBack(process.stdin, process.stdout);
        mount();
      }
    })();
    try {
      await stepAside;
    } finally {
      stepAside = null;
    }
  };

  const intervals = { localMs, githubMs };
  // One pane watcher wakes both the table and the reactions below. A check a second, not two,
  // and none while the table's own looks (every 2 s) list the panes in between: each is work
  // for tmux over every pane (a fork of this large process too, until the control client is
  // attached), and a pane that stops printing is woken at the moment it reads as still
  // (2-2.5 s later) whichever listing saw it stop.
  const attention = sharedAttention(ctx, { paneCheckMs: 1000 });
  const dashboard = createDashboard(dashboardDeps(ctx, attach, intervals.githubMs, attention));
  // The first rows are read while Ink loads, so the first frame already shows them.
  const quick = dashboard.actions.quickFirst();
  const [{ render }, React, { App }] = await loading;
  await quick;
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => (done = resolve));
  // Reactions run here too; only one ao per workspace acts on them (see LifecycleService).
  const lifecycle = new LifecycleService(ctx, { github: "cached", bell: true });
  const lifecycleTimer = setInterval(() => void lifecycle.tick().catch(() => undefined), ctx.config.lifecycle.pollIntervalMs);
  // Reactions to agents (a question, a finished turn) go out as soon as the agent reports them.
  attention.subscribe(coalesced(() => lifecycle.tick({ github: "cached" })));
  const finish = () => {
    clearInterval(lifecycleTimer);
    attention.close();
    void lifecycle.release();
    dashboard.stop();
    disconnect();
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
    process.stderr.write(`ao ui crashed: ${inertLines(e.stack ?? e.message)}\n`);
    process.exit(1);
  });

  mount();
  dashboard.start(intervals);
  await finished;
}
