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
 * reads the growth factor each time it grows the space, so once the space has reached `mb` a
 * factor of 1 holds it there. Checked after each garbage collection until then (the check
 * runs between turns of the event loop: one long synchronous burst can pass the cap, which is
 * why a launcher may hold the factor at 1 from its first line, and this grows it from there).
 * Too late to matter once V8 has grown it already: a young generation does not shrink back.
 */
export function capYoungGeneration(mb: number): void {
  const cap = mb * 1024 * 1024;
  const hold = () => v8.setFlagsFromString("--semi-space-growth-factor=1");
  if (newSpaceBytes() >= cap) return hold();
  // Grown by V8's usual factor up to the cap, even where the process started holding it small.
  v8.setFlagsFromString("--semi-space-growth-factor=2");
  const watch = new PerformanceObserver(() => {
    if (newSpaceBytes() < cap) return;
    hold();
    watch.disconnect();
  });
  watch.observe({ entryTypes: ["gc"] });
}
