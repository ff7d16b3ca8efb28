import { setTimeout as sleep } from "node:timers/promises";
import { inert } from "../core/sanitize.js";
import { clipToWidth } from "../core/text-width.js";
import { deadPaneWords, LAST_WORDS_LINES, signalName } from "../plugins/runtime/tmux-look.js";
import type { AgentPlugin, PaneFacts, RuntimePlugin } from "../plugins/types.js";

/** How much of a dead agent's last words an "exited at once" error quotes. */
export const EXIT_WORDS_MAX = 300;

/**
 * Why an agent that died at start did: its exit status and what it said on its way out. The
 * agent's own screen furniture (its footer's hints, its slash-command menu, its statistics) is
 * no part of that: its plugin's exitWords leaves it out, as the status's reason does
 * (runtime-facts.ts); an agent without one is quoted off its raw last lines. Outside text,
 * made inert, and cut to EXIT_WORDS_MAX characters.
 */
export function exitedAtOnce(capture: string, pane: Pick<PaneFacts, "deadStatus" | "deadSignal">, agent?: Pick<AgentPlugin, "exitWords">): string {
  const { status, signal, last } = deadPaneWords(agent?.exitWords?.(capture) ?? capture, pane.deadStatus, pane.deadSignal);
  const how = status !== null ? ` (status ${status})` : signal !== null ? ` (ended by ${signalName(signal)})` : "";
  const words = clipToWidth(inert(last.map((l) => l.trim()).join(" / ")).trim(), EXIT_WORDS_MAX);
  return `the agent exited at once${how}${words ? `: ${words}` : ""}`;
}

/**
 * Wait until the agent is seen running: its pane is alive after a grace longer than the
 * launcher's one-second linger (see TmuxRuntime.create), so an agent that fails at start is
 * caught here. A pane that dies first means the agent could not start; its last words become
 * the reason.
 */
export async function waitForAgent(runtime: RuntimePlugin, tmuxName: string, agent?: Pick<AgentPlugin, "exitWords">, graceMs = 1600, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  for (;;) {
    const pane = (await runtime.listPanes()).find((p) => p.name === tmuxName);
    if (!pane) throw new Error("the tmux session vanished as the agent started");
    // A dead pane's output sits in the history above tmux's "Pane is dead" line.
    if (pane.dead) throw new Error(exitedAtOnce(await runtime.capture(tmuxName, LAST_WORDS_LINES).catch(() => ""), pane, agent));
    if (Date.now() - start >= graceMs) return;
    if (Date.now() - start > timeoutMs) return;
    await sleep(150);
  }
}
