import { PerformanceObserver } from "node:perf_hooks";
import v8 from "node:v8";

const newSpaceBytes = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space")?.space_size ?? 0;

/**
 * Keep V8's young generation at most `mb` (both halves together) for the rest of the process.
 *
 * V8 grows the young generation to 32 MB as soon as allocation is brisk, and the dashboard's
 * start-up is: that was a fifth of `ao ui`'s memory at 500 sessions, and every tmux process
 * forked from it copied and then re-faulted those pages. Its ceiling can only be set as Node
 * starts (--max-semi-space-size), and `ao ui` starts as every other ao command does; but V8
 * reads the growth factor each time it grows the space, so a factor of 1 at the cap holds it
 * there, and 2 below it lets it grow back after V8 shrank it (an idle process's collections
 * do): held small for good, the collections it then needs cost more CPU than they save.
 * Checked after each garbage collection, between turns of the event loop: one long
 * synchronous burst can pass the cap, which is why a launcher may hold the factor at 1 from its
 * first line, and this grows it from there. A space V8 grew past the cap stays until V8
 * shrinks it.
 */
export function capYoungGeneration(mb: number): void {
  const cap = mb * 1024 * 1024;
  let held: boolean | null = null;
  const steer = () => {
    const hold = newSpaceBytes() >= cap;
    if (hold === held) return;
    held = hold;
    v8.setFlagsFromString(`--semi-space-growth-factor=${hold ? 1 : 2}`);
  };
  steer();
  new PerformanceObserver(steer).observe({ entryTypes: ["gc"] });
}

/**
 * Grow V8's old generation by at most `percent` past what survived each full collection, for
 * the next `forMs`, then let V8 choose again.
 *
 * The dashboard's start-up (the first look at every screen, 500 first statuses recorded, the
 * first GitHub answer) leaves about 20 MB of garbage that outlives the small young generation;
 * left to itself V8 let the old generation grow past it to 35 MB and more before collecting,
 * and that start-up was the peak of `ao ui`'s memory. Idle, the dashboard promotes little, and
 * V8's own choice costs fewer full collections. V8 reads the flag each time it sets a limit.
 */
export function tightOldGeneration(percent: number, forMs: number): void {
  v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
  setTimeout(() => v8.setFlagsFromString("--heap-growing-percent=0"), forMs).unref();
}

/**
 * After `afterMs`, let V8 optimize no more functions: what was made hot by then stays optimized,
 * and anything V8 would optimize (or optimize again) later runs in its baseline code instead.
 *
 * An idle dashboard ran V8's optimizing compiler for a quarter of its CPU: code that full
 * collections or a new object shape had deoptimized was optimized again, and again. With no new
 * optimizing past its first minute, an idle `ao ui` over 500 sessions takes ~1.2-1.8 % of a core
 * rather than 2.2-2.4 %. Stopping at 10 s instead left a frame after a refresh at 8.3-9.1 ms
 * where a minute gives 5.1 (in-process, refreshed every 2 s). V8 reads --max-opt each time it
 * decides to tier a function up.
 */
export function stopOptimizingAfter(afterMs: number): void {
  setTimeout(() => v8.setFlagsFromString("--max-opt=1"), afterMs).unref();
}

