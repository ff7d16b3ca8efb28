import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { clearInterval, setInterval } from "node:timers";
import { tmpdir } from "node:os";
import path from "node:path";
import { liveWorkspace, stillFor } from "./live.mjs";
import { now, Terminal } from "./terminal.mjs";
import { loadLine, median } from "./util.mjs";

const SESSIONS = Number(process.env.BENCH_UI_SESSIONS ?? 500);
const MEASURE_S = Number(process.env.BENCH_IDLE_S ?? 60);
const FROM_S = Number(process.env.BENCH_IDLE_FROM_S ?? 70);
const KEYS = 15;
const SPINNER = ["·", "✢", "✳", "✶", "✻", "✽"];

/**
 * `ao ui` over 500 Claude Code agents that all work: each pane shows Claude's recorded busy
 * screen, whose spinner and clock move every second and whose transcript gains a line every
 * 5 s (about 2 KB a second into tmux for 500 agents). What the dashboard costs while agents work: it reads each working agent's screen for
 * progress every 15 s (a hung request shows only its spinner moving), where still agents cost
 * it nothing. One writer feeds every pane through a FIFO (`cat`), so the agents cost the
 * machine almost nothing themselves.
 */
export async function benchUiWorking(root) {
  const ao = path.join(root, "bin/ao.js");
  const fifos = mkdtempSync(path.join(tmpdir(), "ao-bench-fifo-"));
  const fifo = (id) => path.join(fifos, id);
  // The panes read their FIFOs; made before the sessions are.
  const ids = Array.from({ length: SESSIONS }, (_, i) => `p${i % 5}-${Math.floor(i / 5) + 1}`);
  execFileSync("mkfifo", ids.map(fifo));
  const live = await liveWorkspace(root, SESSIONS, 5, { agent: "claude-code", pane: (id) => `exec cat ${fifo(id)}` });
  const screen = readFileSync(path.join(root, "test/fixtures/captures/claude-code/working-1.txt"), "utf8").split("\n");
  const busy = screen.findIndex((l) => l.startsWith("✻ Quantumizing"));
  // Read and write: opening a FIFO for writing alone waits for its reader.
  const fds = live.ids.map((id) => openSync(fifo(id), "r+"));
  // The whole screen once; then what a working Claude redraws: its spinner line every second,
  // and a line of its work every 5 s (the cursor moved there, the line rewritten).
  const line = (row, text) => `\x1b[${row + 1};1H${text}\x1b[K`;
  const draw = (fd, tick) => {
    const spinner = line(busy, `${SPINNER[tick % SPINNER.length]} Quantumizing… (${tick}s · ↓ ${tick * 7} tokens)`);
    if (tick === 0) writeSync(fd, `\x1b[H\x1b[2J${screen.slice(0, 40).join("\r\n")}${spinner}`);
    else writeSync(fd, `${tick % 5 === 0 ? line(busy - 2, `● Step ${tick / 5} of the task`) : ""}${spinner}`);
  };
  let tick = 0;
  fds.forEach((fd) => draw(fd, 0));
  const writer = setInterval(() => {
    tick++;
    for (const fd of fds) draw(fd, tick);
  }, 1000);
  const term = new Terminal("ui-working");
  try {
    await stillFor(1000);
    const t0 = now();
    await term.start([process.execPath, ao, "ui"], live.env);
    const rows = await term.until((s) => /\bp\d-\d+\b/.test(s) && /\bworking\b/.test(s), t0);
    await stillFor(Math.max(0, t0 + FROM_S * 1000 - now()));
    const own0 = term.cpuSeconds();
    const all0 = term.cpuSeconds({ children: true });
    await stillFor(MEASURE_S * 1000);
    const own1 = term.cpuSeconds();
    const all1 = term.cpuSeconds({ children: true });
    const keys = await term.cursorMoves(KEYS);
    const pct = (a, b) => (a === null || b === null ? "n/a" : `${(((b - a) / MEASURE_S) * 100).toFixed(2)} % of a core`);
    await term.keys("q");
    console.log(`\nao ui in a real terminal (private tmux, 120×40), ${SESSIONS} Claude Code agents all working (screens move every second):`);
    console.log(`  machine: ${await loadLine()}`);
    console.log(`  rows on screen           ${rows.ms.toFixed(0)} ms after launch (working shown)`);
    console.log(`  CPU over ${MEASURE_S} s           ${pct(own0, own1)} (ao ui), ${pct(all0, all1)} with the tmux looks it ran (from ${FROM_S} s after launch; still agents: see ui-live's idle CPU)`);
    console.log(`  keypress to screen       median ${median(keys).toFixed(0)} ms of ${KEYS}`);
    console.log(`  peak RSS                 ${term.peakRssMb()?.toFixed(0) ?? "n/a"} MB`);
  } finally {
    clearInterval(writer);
    term.close();
    for (const fd of fds) closeSync(fd);
    await live.close();
    rmSync(fifos, { recursive: true, force: true });
  }
}
