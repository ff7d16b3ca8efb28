import { POLL_SECONDS, secondsFlag } from "./seconds.js";
import { setTimeout as sleep } from "node:timers/promises";
import { createApp } from "../app.js";
import { inert } from "../core/sanitize.js";
import { coalesced, watchAttention } from "../services/attention.js";
import { configWatcher } from "../services/config-watch.js";
import { LifecycleService, type ReactionReport } from "../services/lifecycle.js";

function describe(r: ReactionReport): string {
  const missed = r.outcome === "not delivered";
  const what =
    r.action === "sent"
      ? `told the agent (${r.outcome})`
      : r.action === "notified"
        ? missed ? "could not notify you" : "notified you"
        : r.action === "escalated"
          ? missed ? "escalated, but no notifier delivered it" : "escalated to you"
          : r.action;
  return `${new Date().toISOString().slice(11, 19)} ${r.id}: ${r.reaction} → ${what}${r.detail ? ` — ${inert(r.detail)}` : ""}`;
}

/** `ao watch`: reactions without the dashboard open. */
export async function watch(flags: { interval?: string; once?: boolean }): Promise<void> {
  const ctx = await createApp();
  // Without --interval, the config's interval: an edit to it applies from the next poll.
  const intervalMs = () => secondsFlag("--interval", flags.interval, ctx.config.lifecycle.pollIntervalMs, POLL_SECONDS);
  intervalMs(); // a bad --interval is a usage error before anything starts
  const checkConfig = configWatcher(ctx);
  let configSaid: string | null = null;
  const service = new LifecycleService(ctx, { onReaction: (r) => process.stdout.write(`${describe(r)}\n`) });
  // Between polls, an agent's event or a pane that just went still wakes a tick at once, so a
  // question reaches the person within a second or two, not a poll interval later.
  const attention = flags.once ? null : await watchAttention(ctx, coalesced(() => service.tick({ github: "cached" })));
  // Its looks, poll after poll, through one tmux client rather than a fork each (as ao ui's).
  const disconnect = (!flags.once && ctx.runtime.keepConnected?.()) || (() => {});
  const stop = async () => {
    disconnect();
    attention?.close();
    await service.release();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
  try {
    if (!flags.once) process.stderr.write(`Watching workspace ${ctx.config.name} every ${intervalMs() / 1000}s (Ctrl-C to stop)\n`);
    let leading = false;
    let saidStandingBy = false;
    for (;;) {
      // Edits to the config (reactions, hosts, projects) apply without a restart, as in ao ui;
      // a broken edit keeps the config in use, and says so once.
      const c = await checkConfig();
      if (c.changed) process.stderr.write(`Config reloaded from ${inert(ctx.config.file ?? "")}.\n`);
      if (c.error !== configSaid && c.error) process.stderr.write(`Config not reloaded: ${inert(c.error)}\n`);
      configSaid = c.error;
      if (!(await service.acquire())) {
        // Said once, when this watch starts standing by: not again at every poll.
        if (leading || !saidStandingBy) process.stderr.write("Another ao (a dashboard or ao watch) is reacting for this workspace; standing by.\n");
        saidStandingBy = true;
        leading = false;
        if (flags.once) return;
      } else {
        if (!leading && !flags.once) process.stderr.write(`Reacting for workspace ${ctx.config.name}.\n`);
        leading = true;
        await service.tick();
      }
      if (flags.once) return;
      await sleep(intervalMs());
    }
  } finally {
    disconnect();
    attention?.close();
    await service.release();
  }
}
