import type { RunResult } from "../../src/exec.js";
import { TmuxRuntime } from "../../src/plugins/runtime/tmux.js";

/** The real runtime, counting the tmux processes it starts on demand (one prepared or started ahead is not). */
export class CountingTmux extends TmuxRuntime {
  invocations = 0;
  override tmux(args: string[], input?: string): Promise<RunResult> {
    this.invocations++;
    return super.tmux(args, input);
  }
}

/** Until the look started ahead has its answer: what it saw is then surely older than what follows. */
export async function aheadAnswered(rt: unknown): Promise<void> {
  await (rt as { started: { result: Promise<unknown> } }).started.result;
}
