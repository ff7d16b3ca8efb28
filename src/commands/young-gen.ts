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
