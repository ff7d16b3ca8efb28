import { spawnSync } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { ROOT, requireBuild } from "../helpers/ao.js";

/**
 * A Node process that allocates as the dashboard does (in turns of the event loop, much of it
 * surviving a while), with or without the cap; prints its young generation's size in MB.
 */
function youngGenAfterWork(capMb: number | null, heldAtStart = false): number {
  requireBuild();
  const mod = pathToFileURL(path.join(ROOT, "dist/src/commands/young-gen.js")).href;
  const script = `
    import v8 from "node:v8";
    import { capYoungGeneration } from ${JSON.stringify(mod)};
    ${heldAtStart ? 'v8.setFlagsFromString("--semi-space-growth-factor=1");' : ""}
    ${capMb === null ? "" : `capYoungGeneration(${capMb});`}
    const kept = [];
    for (let turn = 0; turn < 300; turn++) {
      const rows = [];
      for (let i = 0; i < 5000; i++) rows.push({ id: "fe-" + i, text: "row " + i + " of turn " + turn });
      kept.push(rows);
      if (kept.length > 8) kept.shift();
      await new Promise((r) => setImmediate(r));
    }
    const ns = v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space");
    console.log(ns.space_size / 1024 / 1024);
  `;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  expect(r.stderr).toBe("");
  return Number(r.stdout.trim());
}

describe("capYoungGeneration", () => {
  it("holds V8's young generation at the cap where it would have grown to 32 MB", () => {
    // The same work uncapped grows it past the cap: the workload is one that tests the cap.
    expect(youngGenAfterWork(null)).toBeGreaterThan(16);
    const capped = youngGenAfterWork(8);
    expect(capped).toBeGreaterThan(0);
    expect(capped).toBeLessThanOrEqual(8.5);
  });

  it("grows it to the cap in a process that started holding it small", () => {
    // How a launcher keeps start-up's burst from growing it: the cap then lets it grow to 8 MB.
    expect(youngGenAfterWork(8, true)).toBeGreaterThan(4);
    expect(youngGenAfterWork(8, true)).toBeLessThanOrEqual(8.5);
  });
});

/**
 * A Node process whose work promotes garbage into the old generation as the dashboard's
 * start-up does (objects that outlive a few young collections), with the old generation held
 * tight for `forMs` (null: not at all); prints the old space's largest size in MB.
 */
function oldGenPeak(forMs: number | null): number {
  requireBuild();
  const mod = pathToFileURL(path.join(ROOT, "dist/src/commands/young-gen.js")).href;
  const script = `
    import v8 from "node:v8";
    import { tightOldGeneration } from ${JSON.stringify(mod)};
    ${forMs === null ? "" : `tightOldGeneration(15, ${forMs});`}
    await new Promise((r) => setTimeout(r, 20));
    const kept = [];
    let peak = 0;
    for (let turn = 0; turn < 300; turn++) {
      const rows = [];
      for (let i = 0; i < 20000; i++) rows.push({ id: i, text: "row " + i, cells: [i, turn] });
      kept.push(rows);
      if (kept.length > 10) kept.shift();
      await new Promise((r) => setImmediate(r));
      peak = Math.max(peak, v8.getHeapSpaceStatistics().find((s) => s.space_name === "old_space").space_size);
    }
    console.log(peak / 1024 / 1024);
  `;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  expect(r.stderr).toBe("");
  return Number(r.stdout.trim());
}

describe("tightOldGeneration", () => {
  it("keeps the old generation near what survives while it holds, and lets V8 choose after", () => {
    const free = oldGenPeak(null);
    const tight = oldGenPeak(60_000);
    // About 30 MB survive each collection here; V8 alone let the space grow far past that.
    expect(tight).toBeLessThan(free * 0.6);
    // Held for a moment only (over before the work): as if never held.
    expect(oldGenPeak(1)).toBeGreaterThan(tight * 1.5);
    // Three processes that each fill some 100 MB: on a busy machine they took 18 s each.
  }, 120_000);
});

/**
 * A Node process that makes one function hot, in turns of the event loop (V8 optimizes on
 * another thread), with optimizing stopped first or not; prints whether V8 optimized it.
 */
function optimizedAfterWork(stopped: boolean): boolean {
  requireBuild();
  const mod = pathToFileURL(path.join(ROOT, "dist/src/commands/young-gen.js")).href;
  const script = `
    import { stopOptimizingAfter } from ${JSON.stringify(mod)};
    ${stopped ? "stopOptimizingAfter(0);" : ""}
    await new Promise((r) => setTimeout(r, 20));
    function row(i) { return { id: "fe-" + i, width: (i * 7) % 120, text: "row " + i }; }
    let n = 0;
    for (let turn = 0; turn < 200; turn++) {
      for (let i = 0; i < 2000; i++) n += row(i).width;
      await new Promise((r) => setImmediate(r));
    }
    // V8's status bits: 1 << 4 is "optimized".
    console.log((%GetOptimizationStatus(row) & (1 << 4)) !== 0, n > 0);
  `;
  const r = spawnSync(process.execPath, ["--allow-natives-syntax", "--input-type=module", "-e", script], { encoding: "utf8" });
  expect(r.stderr).toBe("");
  return r.stdout.trim() === "true true";
}

describe("stopOptimizingAfter", () => {
  it("leaves a function made hot after it in baseline code, where V8 would have optimized it", () => {
    expect(optimizedAfterWork(false)).toBe(true);
    expect(optimizedAfterWork(true)).toBe(false);
  });
});
