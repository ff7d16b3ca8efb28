// `npm run demo [-- --headless] [--speed N]` and `ao ui --demo`: ao's dashboard on a living
// workspace, with no token and no setup. Everything lives in one temporary folder, a private tmux
// socket and an in-process fake GitHub, and all of it goes when the demo ends, however it ends.
import { spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createApp, type AppContext } from "../src/app.js";
import { preloadUi, ui } from "../src/commands/ui.js";
import { preloadConfigParser } from "../src/config/load.js";
import { answerQuestion } from "../src/services/answer.js";
import { agentScreen } from "../src/services/agent-screen.js";
import { spawnSession } from "../src/services/spawn.js";
import { SCENARIOS, scaledScript } from "./scenarios.js";
import { runTimeline, TIMELINE, type TimelineHooks } from "./timeline.js";
import { DemoWorkspace, packageRoot } from "./workspace.js";

export interface DemoOptions {
  headless: boolean;
  speed: number;
}

const USAGE = "usage: npm run demo [-- --headless] [--speed N]   (N > 0; 1 = a few minutes)";

export function parseDemoArgs(argv: string[]): DemoOptions {
  const opts: DemoOptions = { headless: false, speed: 1 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split(/=(.*)/s);
    if (flag === "--help" || flag === "-h") throw Object.assign(new Error(USAGE), { help: true });
    if (flag === "--headless") opts.headless = true;
    else if (flag === "--speed") {
      const value = Number(inline ?? argv[++i]);
      if (!Number.isFinite(value) || value <= 0) throw new Error(`--speed takes a number above 0\n${USAGE}`);
      opts.speed = value;
    } else throw new Error(`unknown argument ${argv[i]}\n${USAGE}`);
  }
  return opts;
}

/** Whatever ends the process (a signal, a crash, process.exit), the workspace goes with it. */
function guard(ws: DemoWorkspace): () => void {
  const onExit = () => ws.teardown();
  const onSignal = (sig: NodeJS.Signals) => {
    ws.teardown();
    process.exit(sig === "SIGINT" ? 130 : sig === "SIGHUP" ? 129 : 143);
  };
  const onCrash = (e: Error) => {
    ws.teardown();
    // Printed on the way out, after the dashboard (if any) has given the terminal back.
    process.on("exit", () => process.stderr.write(`demo crashed: ${e.stack ?? e.message}\n`));
    process.exit(1);
  };
  process.on("exit", onExit);
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(sig, onSignal);
  process.on("uncaughtException", onCrash);
  return () => {
    process.off("exit", onExit);
    for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.off(sig, onSignal);
    process.off("uncaughtException", onCrash);
  };
}

/** The timeline's handles on the world: spawn through the real service, answer through the messenger's --answer. */
function hooks(ctx: AppContext, ws: DemoWorkspace, opts: DemoOptions, signal: AbortSignal, inflight: Set<Promise<unknown>>): TimelineHooks {
  const sessions = new Map<string, { id: string; branch: string; repo: string }>();
  // One spawn at a time per repository: concurrent `git worktree add` on one clone can trip on its locks.
  const queues = new Map<string, Promise<unknown>>();
  const started = Date.now();
  const track = <T>(p: Promise<T>): Promise<T> => {
    inflight.add(p);
    void p.catch(() => {}).finally(() => inflight.delete(p));
    return p;
  };
  return {
    state: ws.gh!.state,
    spawn(key) {
      const scenario = SCENARIOS.find((s) => s.key === key)!;
      const project = ws.projects.find((p) => p.id === scenario.project)!;
      const job = (queues.get(project.id) ?? Promise.resolve()).then(async () => {
        if (signal.aborted) return;
        const issue = ws.gh!.state.addIssue({ repo: project.repo, ...scenario.issue });
        const script = path.join(ws.root, "scripts", `${key}.json`);
        await mkdir(path.dirname(script), { recursive: true });
        await writeFile(script, JSON.stringify(scaledScript(scenario, opts.speed)));
        // spawnSession hands ao's environment to the agent: this session's script rides along.
        const env = {
          ...ctx.env,
          AO_SIM_SCRIPT: script,
          AO_DEMO_REPO: project.repo,
          AO_SIM_THINK_MS: String(Math.max(300, Math.round(1500 / opts.speed))),
          AO_DEMO_SETUP_SECONDS: (Math.max(1, 3 / opts.speed)).toFixed(1),
        };
        const r = await spawnSession({ ...ctx, env }, { project: project.id, issue: String(issue), actor: "demo" });
        sessions.set(key, { id: r.id, branch: r.branch, repo: project.repo });
      });
      queues.set(project.id, job.catch(() => {}));
      return track(job);
    },
    pr(key) {
      const s = sessions.get(key);
      const pr = s && ws.gh!.state.prs.find((p) => p.repo === s.repo && p.head === s.branch);
      return pr ? { repo: pr.repo, number: pr.number } : undefined;
    },
    async answer(key, text) {
      const s = sessions.get(key);
      if (!s || signal.aborted) return;
      // The demo's person answers the agent's question explicitly (a message would be refused),
      // once the question is on screen.
      await track(
        (async () => {
          for (const deadline = Date.now() + 30_000; !signal.aborted && Date.now() < deadline; await sleep(250)) {
            const look = await (await agentScreen(ctx, s.id)).look().catch(() => null);
            if (look?.question?.options.length) return void (await answerQuestion(ctx, s.id, text, { actor: "demo" }));
          }
        })(),
      );
    },
    log(key, note) {
      if (!opts.headless) return; // the dashboard owns the screen
      const t = Math.round(((Date.now() - started) / 1000) * opts.speed);
      const at = `${Math.floor(t / 60)}:${String(t % 60).padStart(2, "0")}`;
      process.stderr.write(`demo [${at}] ${sessions.get(key)?.id ?? key}: ${note}\n`);
    },
  };
}

/** Run the demo to its end (headless) or until the dashboard quits; returns the exit code. */
export async function runDemo(opts: DemoOptions): Promise<number> {
  if (!opts.headless && !(process.stdout.isTTY && process.stdin.isTTY)) {
    process.stderr.write("demo: the dashboard needs a terminal; without one, run: npm run demo -- --headless\n");
    return 2;
  }
  // The dashboard's modules load while the workspace is built (git, tmux, the fake GitHub).
  if (!opts.headless) preloadUi().catch(() => {});
  // So do the config parser and the GitHub client: a new workspace's config has no cache yet.
  preloadConfigParser().catch(() => {});
  import("@octokit/rest").catch(() => {});
  const ws = new DemoWorkspace();
  const unguard = guard(ws);
  const abort = new AbortController();
  const inflight = new Set<Promise<unknown>>();
  ws.onTeardown(() => abort.abort());
  try {
    await ws.setup({ stuckAfterMs: Math.max(3000, Math.round(30_000 / opts.speed)) });
    const e = ws.env;
    // For a script driving the demo (its stderr captured): where the workspace is, to look at it
    // with ao's own commands. On a terminal it would only be left behind on the screen.
    if (!process.stderr.isTTY) process.stderr.write(`AO_DEMO_ENV ${JSON.stringify({ root: ws.root, AO_HOME: e.AO_HOME, AO_CONFIG_PATH: e.AO_CONFIG_PATH, AO_TMUX_SOCKET: e.AO_TMUX_SOCKET, GITHUB_TOKEN: e.GITHUB_TOKEN })}\n`);
    const ctx = await createApp({ env: ws.env });
    const timeline = runTimeline(TIMELINE, { speed: opts.speed, hooks: hooks(ctx, ws, opts, abort.signal, inflight), signal: abort.signal });
    if (opts.headless) {
      const seconds = Math.max(0.5, Math.min(2, 4 / opts.speed));
      const watch = spawn(process.execPath, [path.join(packageRoot(), "bin", "ao.js"), "status", "--watch", "--interval", String(seconds)], {
        env: ws.env,
        stdio: ["ignore", "inherit", "inherit"],
      });
      ws.track(watch.pid);
      await timeline;
      process.stderr.write("demo: timeline finished; tearing down\n");
      await sleep(3000); // a last frame or two of the final state
    } else {
      timeline.catch(() => {}); // it ends when the dashboard quits (aborted)
      await ui({ interval: "1", githubInterval: String(Math.max(1, 3 / opts.speed)) }, { env: ws.env });
    }
    return 0;
  } finally {
    abort.abort();
    // A spawn cut short mid-way could start tmux after the teardown: let it finish or fail first.
    const patience = new AbortController();
    await Promise.race([Promise.allSettled([...inflight]), sleep(10_000, undefined, { signal: patience.signal }).catch(() => {})]);
    patience.abort();
    ws.teardown();
    unguard();
  }
}
