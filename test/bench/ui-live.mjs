import { rmSync } from "node:fs";
import path from "node:path";
import { liveWorkspace, stillFor } from "./live.mjs";
import { now, Terminal } from "./terminal.mjs";
import { loadLine, median, timeAsync, vs } from "./util.mjs";

const SESSIONS = Number(process.env.BENCH_UI_SESSIONS ?? 500);
const IDLE_S = Number(process.env.BENCH_IDLE_S ?? 60);
/** Start-up's tail (recording 500 first statuses, the first GitHub and radar runs) is not idle. */
const SETTLE_S = Number(process.env.BENCH_SETTLE_S ?? 10);
/** ...nor is ao ui's first minute, while V8 still optimizes: the idle minute starts past it. */
const IDLE_FROM_S = Number(process.env.BENCH_IDLE_FROM_S ?? 70);
const KEYS = 15;
const LAUNCHES = Number(process.env.BENCH_UI_LAUNCHES ?? 5);
const ROW = /\bp\d-\d+\b/;

/**
 * The real `ao ui` over 500 live sessions, in a real terminal (a private tmux), timed from
 * outside: rows on screen after launch with a cold pane cache, keypress to screen, CPU while
 * idle over a minute, peak memory, and quit.
 */
export async function benchUiLive(root) {
  const ao = path.join(root, "bin/ao.js");
  const live = await liveWorkspace(root, SESSIONS);
  const term = new Terminal("ui");
  try {
    await stillFor(3000);
    // A user's config cache is warm; the pane cache is made cold on purpose: every screen is
    // newly still, the worst first look there is. One launch is one sample, and a start-up
    // varies by 100 ms from one to the next on a loaded 2-core machine: LAUNCHES of them, the
    // last one kept running for the rest.
    await timeAsync([ao, "session", "ls", "--json"], live.env);
    const starts = [];
    let t0 = 0;
    for (let i = 0; i < LAUNCHES; i++) {
      if (i > 0) {
        await term.keys("q");
        await until(() => !term.alive(), 30_000);
        term.close();
        await stillFor(1000);
      }
      rmSync(live.paneCache, { force: true });
      t0 = now();
      await term.start([process.execPath, ao, "ui"], live.env);
      const header = await term.until((s) => s.includes("AGENT ORCHESTRATOR"), t0);
      const rows = await term.until((s) => ROW.test(s), t0);
      const activity = await term.until((s) => /\bready\b|\bidle\b/.test(s), t0);
      starts.push({ header: header.ms, rows: rows.ms, activity: activity.ms });
    }
    const mid = (k) => median(starts.map((s) => s[k]));
    const most = (k) => Math.max(...starts.map((s) => s[k]));

    const keys = await term.cursorMoves(KEYS);

    await stillFor(Math.max(SETTLE_S * 1000, t0 + IDLE_FROM_S * 1000 - now()));
    const idleFrom = (now() - t0) / 1000;
    const cpu0 = term.cpuSeconds();
    const all0 = term.cpuSeconds({ children: true });
    await stillFor(IDLE_S * 1000);
    const cpu1 = term.cpuSeconds();
    const all1 = term.cpuSeconds({ children: true });
    const idle = cpu0 !== null && cpu1 !== null ? ((cpu1 - cpu0) / IDLE_S) * 100 : null;
    // The programs it ran and waited for (tmux clients, git) are CPU the person pays for too.
    const idleAll = all0 !== null && all1 !== null ? ((all1 - all0) / IDLE_S) * 100 : null;
    // A person coming back to a dashboard left alone: past start-up, V8 runs it as it runs idle.
    const keysLater = await term.cursorMoves(KEYS);
    const rss = term.peakRssMb();

    const tq = now();
    await term.keys("q");
    await until(() => !term.alive(), 30_000);
    const quitMs = now() - tq;

    console.log(`\nao ui in a real terminal (private tmux, 120×40), ${SESSIONS} live sessions, cold pane cache, timed from outside:`);
    console.log(`  machine: ${await loadLine()}`);
    const of = `median of ${LAUNCHES} launches`;
    console.log(`  header on screen         ${mid("header").toFixed(0)} ms after launch (${of}; slowest ${most("header").toFixed(0)})`);
    console.log(`  rows on screen           ${vs(mid("rows"), 500, "ms", 0)} after launch (${of}; slowest ${most("rows").toFixed(0)})`);
    console.log(`  activity filled in       ${mid("activity").toFixed(0)} ms after launch (${of}; the first look read every screen)`);
    console.log(`  keypress to screen       median ${median(keys).toFixed(0)} ms of ${KEYS} (send-keys to a changed capture, both tmux processes included)`);
    console.log(`    after the idle minute  median ${median(keysLater).toFixed(0)} ms of ${KEYS}`);
    console.log(`  idle CPU                 ${idle === null ? "n/a" : vs(idle, 2, "% of a core", 2)} over ${IDLE_S} s (from ${idleFrom.toFixed(0)} s after launch, ${SETTLE_S} s after the last key at the earliest; GitHub and reactions every 30 s included)`);
    console.log(`    with the programs it ran ${idleAll === null ? "n/a" : `${idleAll.toFixed(2)} % of a core`} (the tmux and git processes it started and waited for)`);
    console.log(`  peak RSS                 ${rss === null ? "n/a" : vs(rss, 120, "MB", 0)}`);
    console.log(`  quit                     ${vs(quitMs, 300, "ms", 0)} (q to the process gone)`);
  } finally {
    term.close();
    await live.close();
  }
}

/** Polls `done` every 2 ms until it holds or `timeoutMs` passes. */
async function until(done, timeoutMs) {
  const t = now();
  while (!done() && now() - t < timeoutMs) await new Promise((r) => setTimeout(r, 2));
}

/** `npm run demo` after a build: time to its dashboard's first frame, from outside, over three launches. */
export async function benchDemo(root) {
  const firsts = [];
  for (let i = 0; i < 3; i++) {
    const term = new Terminal(`demo${i}`);
    try {
      const t0 = now();
      await term.start(["npm", "run", "-s", "demo"], { PATH: process.env.PATH, ...(process.env.TMUX_TMPDIR ? { TMUX_TMPDIR: process.env.TMUX_TMPDIR } : {}) }, root);
      firsts.push((await term.until((s) => s.includes("AGENT ORCHESTRATOR"), t0)).ms);
      await term.keys("q");
      await until(() => !term.alive(), 30_000);
    } finally {
      term.close();
    }
  }
  console.log(`\nnpm run demo (dist/ already built), timed from outside in a real terminal:`);
  console.log(`  machine: ${await loadLine()}`);
  console.log(`  first frame              ${vs(median(firsts), 2000, "ms", 0)} after launch (median of 3 launches; slowest ${Math.max(...firsts).toFixed(0)})`);
}
