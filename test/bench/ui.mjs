import { Buffer } from "node:buffer";
import { PassThrough, Writable } from "node:stream";
import { clearInterval, setInterval } from "node:timers";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { loadLine, median, percentile, vs } from "./util.mjs";

const SESSIONS = Number(process.env.BENCH_UI_SESSIONS ?? 500);
const COLUMNS = 120;
const ROWS = 40;
const SAMPLES = Number(process.env.BENCH_UI_SAMPLES ?? 30);
/** Seconds after start at which the steady-state samples begin (0: none): past ao ui's first minute. */
const STEADY_S = Number(process.env.BENCH_UI_STEADY_S ?? 65);
/** Ink draws at most 30 frames a second: samples further apart than its 34 ms throttle. */
const SETTLE_MS = 60;
const HEADER = "AGENT ORCHESTRATOR";

const STATUSES = ["working", "pr_open", "ci_failed", "review_pending", "changes_requested", "approved", "mergeable", "needs_input", "stuck", "merged", "killed"];
const PROJECTS = [
  { id: "frontend", name: "Frontend", prefix: "fe" },
  { id: "backend", name: "Backend", prefix: "api" },
  { id: "infra", name: "Infra", prefix: "ops" },
];

/** SESSIONS SessionViews across three projects, every status; `round` changes what a refresh shows. */
function sessions(round) {
  const base = Date.parse("2026-01-01T12:00:00.000Z");
  return Array.from({ length: SESSIONS }, (_, i) => {
    const p = PROJECTS[i % PROJECTS.length];
    const id = `${p.prefix}-${Math.floor(i / PROJECTS.length) + 1}`;
    const status = STATUSES[(i + round) % STATUSES.length];
    const pr = i % 4 !== 0;
    return {
      id,
      workspace: "bench",
      projectId: p.id,
      projectName: p.name,
      branch: `feat/${id}-some-issue-title`,
      status,
      statusReason: `reason for ${status}`,
      prNumber: pr ? 100 + i : null,
      prUrl: pr ? `https://github.com/org/${p.id}/pull/${100 + i}` : null,
      ciStatus: pr ? ["success", "failure", "pending", "none"][(i + round) % 4] : null,
      reviewDecision: pr ? ["approved", "changes_requested", "review_required", "none"][i % 4] : null,
      pendingThreads: pr ? (i + round) % 5 : null,
      failingChecks: status === "ci_failed" ? ["test", "lint"] : [],
      activity: ["active", "ready", "idle", "waiting_input"][(i + round) % 4],
      lastActivityAt: new Date(base - ((i * 37 + round * 1000) % 3_600_000)).toISOString(),
      createdAt: new Date(base - i * 60_000).toISOString(),
      issueId: i % 3 ? `#${i}` : null,
      worktree: `/tmp/wt/${id}`,
      summary: `Round ${round}: working on issue ${i} of ${p.name}, a summary line of ordinary length`,
      lastReaction: null,
      permissionsSkipped: false,
      conflicts: [],
      meta: {},
    };
  });
}

const now = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A terminal as Ink sees one: a TTY Writable of 120×40 that records when each frame came. */
function fakeStdout() {
  const out = new Writable({ write: (_chunk, _enc, cb) => cb() });
  Object.assign(out, { columns: COLUMNS, rows: ROWS, isTTY: true });
  out.writes = 0;
  out.frames = [];
  let waiters = [];
  const write = out.write.bind(out);
  out.write = (chunk, ...rest) => {
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    out.writes++;
    // Synchronized-output markers and cursor moves alone are not a frame.
    if (text.length > 40) {
      const frame = { at: now(), text };
      out.frames.push(frame);
      const ready = waiters.filter((w) => w.test(frame));
      waiters = waiters.filter((w) => !ready.includes(w));
      for (const w of ready) w.resolve(frame);
    }
    return write(chunk, ...rest);
  };
  out.nextFrame = (test = () => true, timeoutMs = 5000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no frame within 5 s")), timeoutMs);
      waiters.push({ test, resolve: (f) => (clearTimeout(timer), resolve(f)) });
    });
  return out;
}

/** A raw-mode TTY stdin that bytes can be typed into. */
function fakeStdin() {
  const input = new PassThrough();
  Object.assign(input, { isTTY: true, setRawMode: () => input, ref: () => input, unref: () => input });
  return input;
}

const deps = (workspace, projects, list) => ({
  workspace,
  projects,
  listSessions: async () => list(),
  refreshGitHub: async () => ({ state: "ok", remaining: 5000, fetchedAt: new Date().toISOString(), error: null }),
  send: async () => ({ outcome: "delivered" }),
  unsavedWork: async () => null,
  kill: async () => {},
  restore: async () => {},
  cleanupPlan: async () => [],
  cleanupRun: async () => [],
  paneTail: async () => "",
  attach: async () => {},
  openUrl: async () => {},
  now: () => Date.parse("2026-01-01T12:00:00.000Z"),
});

/**
 * The dashboard with 500 sessions (BENCH_UI_SESSIONS), rendered in-process by Ink to a fake 120×40 terminal: time to
 * the first frame, frame time after a store refresh, keypress-to-frame latency, and peak RSS.
 */
export async function benchUi(root) {
  // As `ao ui` does: users get React's production build unless they ask otherwise.
  process.env.NODE_ENV ??= "production";
  const dist = (p) => import(pathToFileURL(path.join(root, "dist", p)).href);
  // Colour as a terminal gets it, whatever this bench's own stdout is (a pipe turns Ink's colour
  // off, and colour costs Ink's output stage time). Ink's chalk reads FORCE_COLOR as it loads.
  const forced = process.env.FORCE_COLOR;
  process.env.FORCE_COLOR ??= "1";
  // What `ao ui` runs: the bundle, whose Ink lays frames out with components/inkOutput.ts.
  // BENCH_UI_MODULES=1: tsc's output with ink from node_modules (Ink's own output stage).
  const { render, React, createDashboard, App } = process.env.BENCH_UI_MODULES
    ? await Promise.all([import("ink"), import("react"), dist("src/store/dashboard.js"), dist("components/App.js")]).then(([ink, react, store, app]) => ({ render: ink.render, React: react.default, createDashboard: store.createDashboard, App: app.App }))
    : await dist("bundle/ui.js").then((m) => m.dashboardModules());
  if (forced === undefined) delete process.env.FORCE_COLOR;

  let peakRss = process.memoryUsage.rss();
  const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage.rss()));
  const sampler = setInterval(sample, 5);

  const projects = PROJECTS.map(({ id, name }) => ({ id, name }));
  const at = Date.parse("2026-01-01T12:00:00.000Z");
  let listed = sessions(0);
  const dashboard = createDashboard(deps("bench", projects, () => listed), {
    sessions: sessions(0),
    now: at,
    localUpdatedAt: at,
    github: { state: "ok", remaining: 5000, fetchedAt: new Date(at).toISOString(), error: null },
  });
  const stdout = fakeStdout();
  const stdin = fakeStdin();
  // Where a frame's time goes: the store's own work ends when it emits; Ink reports how long its
  // output stage (laying each line out into the frame) took; React and Yoga are the rest.
  let emittedAt = 0;
  let outputMs = 0;
  dashboard.store.subscribe(() => (emittedAt ||= now()));
  const first = stdout.nextFrame((f) => f.text.includes(HEADER));
  const t0 = now();
  const instance = render(React.createElement(App, { dashboard }), { stdout, stdin, stderr: stdout, exitOnCtrlC: false, patchConsole: false, onRender: ({ renderTime }) => (outputMs = renderTime) });
  const { at: firstAt, text: firstText } = await first;
  const firstFrameMs = firstAt - t0;
  sample();

  try {
    // A local refresh through the store (as the scheduler runs it) where every row changed.
    let round = 0;
    const refreshes = async () => {
      const ms = [];
      const parts = { store: [], output: [] };
      const cpu = process.cpuUsage();
      for (let i = 0; i < SAMPLES; i++) {
        await sleep(SETTLE_MS);
        listed = sessions(++round);
        const frame = stdout.nextFrame();
        const t = now();
        emittedAt = 0;
        await dashboard.actions.refreshLocal();
        ms.push((await frame).at - t);
        parts.store.push(emittedAt - t);
        parts.output.push(outputMs);
        sample();
      }
      return { ms, parts, cpu: process.cpuUsage(cpu) };
    };
    // A keypress: j moves the cursor down one row.
    const keypresses = async () => {
      const ms = [];
      const cpu = process.cpuUsage();
      for (let i = 0; i < SAMPLES; i++) {
        await sleep(SETTLE_MS);
        const frame = stdout.nextFrame();
        const t = now();
        stdin.write("j");
        ms.push((await frame).at - t);
        sample();
      }
      return { ms, cpu: process.cpuUsage(cpu) };
    };
    const early = await refreshes();

    // Refreshes that find nothing new must draw nothing at all.
    const framesBefore = stdout.frames.length;
    const writesBefore = stdout.writes;
    listed = sessions(round).map((v) => ({ ...v }));
    for (let i = 0; i < 10; i++) {
      await dashboard.actions.refreshLocal();
      await sleep(SETTLE_MS);
    }
    const idleFrames = stdout.frames.length - framesBefore;
    const idleWrites = stdout.writes - writesBefore;
    const earlyKeys = await keypresses();

    // The dashboard as it runs for hours: past its first minute, refreshed every 2 s as ao ui
    // refreshes (V8 optimizes what start-up and those refreshes made hot, then no more).
    let steady = null;
    if (STEADY_S > 0) {
      while (now() - t0 < STEADY_S * 1000) {
        await sleep(2000);
        listed = sessions(++round);
        await dashboard.actions.refreshLocal();
      }
      steady = { refresh: await refreshes(), keys: await keypresses() };
    }
    await sleep(SETTLE_MS);
    sample();
    // CPU time per sample, and the fastest frame (the one nothing else on the machine got in the
    // way of): figures the machine's load inflates less than it does the median.
    const perSample = (u) => ((u.user + u.system) / 1000 / SAMPLES).toFixed(1);
    const frames = (r) => `median ${vs(median(r.ms), 8)}, p95 ${vs(percentile(r.ms, 95), 16)}, min ${Math.min(...r.ms).toFixed(1)}, max ${Math.max(...r.ms).toFixed(1)} ms of ${SAMPLES} (every row changed); CPU ${perSample(r.cpu)} ms each`;
    const split = (r) => {
      const rest = r.ms.map((ms, i) => ms - r.parts.store[i] - r.parts.output[i]);
      return `store ${median(r.parts.store).toFixed(1)} ms, React + Yoga layout ${median(rest).toFixed(1)} ms, Ink's output stage ${median(r.parts.output).toFixed(1)} ms`;
    };
    const keyLine = (k) => `median ${vs(median(k.ms), 16)}, min ${Math.min(...k.ms).toFixed(1)}, max ${Math.max(...k.ms).toFixed(1)} ms of ${SAMPLES}; CPU ${perSample(k.cpu)} ms each`;

    const mb = peakRss / 1024 / 1024;
    const mode = process.env.NODE_ENV === "production" ? "production" : "development";
    console.log(`\nDashboard in-process, ${SESSIONS} sessions, ${process.env.BENCH_UI_MODULES ? "ink from node_modules" : "the bundle's Ink"} to a fake ${COLUMNS}×${ROWS} TTY (React ${React.version}, ${mode} build, colour ${firstText.includes("\x1b[3") ? "on" : "OFF"}):`);
    console.log(`  machine: ${await loadLine()}`);
    console.log(`  first frame              ${vs(firstFrameMs, 300)} (render() to the first write with the header)`);
    console.log(`  in the first seconds after start:`);
    console.log(`  frame after refresh      ${frames(early)}`);
    console.log(`    of which (medians)     ${split(early)}`);
    console.log(`  keypress to frame        ${keyLine(earlyKeys)}`);
    if (steady) {
      console.log(`  past the first ${STEADY_S} s (refreshed every 2 s; ao ui lets V8 optimize no more after its first minute):`);
      console.log(`  frame after refresh      ${frames(steady.refresh)}`);
      console.log(`    of which (medians)     ${split(steady.refresh)}`);
      console.log(`  keypress to frame        ${keyLine(steady.keys)}`);
    }
    console.log(`  refreshes with no change ${idleFrames} frames, ${idleWrites} writes in 10 refreshes (aim 0)`);
    console.log(`  peak RSS                 ${vs(mb, 120, "MB", 0)} (this bench process, Ink and React included)`);
  } finally {
    clearInterval(sampler);
    instance.unmount();
    instance.cleanup?.();
    stdin.destroy();
  }
}
