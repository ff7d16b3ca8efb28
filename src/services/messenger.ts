import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { AppContext } from "../app.js";
import { draftOf, needleOf, typeable } from "../core/draft.js";
import { AoError, EXIT_USAGE } from "../core/errors.js";
import type { Activity } from "../core/types.js";
import { withLock } from "../metadata/lock.js";
import { agentPlugin } from "../plugins/agent/index.js";
import type { AgentPlugin } from "../plugins/types.js";
import { getSession } from "./lookup.js";

export type SendOutcome = "delivered" | "queued" | "unconfirmed";

export interface SendOptions {
  /** Wait for the agent to stop working first (default). */
  wait?: boolean;
  timeoutMs?: number;
  actor?: string;
  /** Called while waiting for the agent, with the time waited so far. */
  onWaiting?: (waitedMs: number, activity: Activity | undefined) => void;
}

export interface SendResult {
  outcome: SendOutcome;
  attempts: number;
  waitedMs: number;
  method: "keys" | "paste";
}

const ENTER_ATTEMPTS = 4;

/**
 * Send a message to a session's agent and find out whether it arrived: wait until the agent is
 * not working, clear the input line, type or paste the text, press Enter, then read the screen
 * until the draft has left the input box (delivered) or the agent shows it as queued. A draft
 * still sitting there gets Enter again, a bounded number of times. The CLI, the dashboard and
 * reactions all send through here.
 */
export async function sendMessage(ctx: AppContext, id: string, text: string, opts: SendOptions = {}): Promise<SendResult> {
  if (text.trim() === "") throw new AoError("the message is empty", EXIT_USAGE);
  const { meta, project } = await getSession(ctx, id);
  const agent = agentPlugin(meta.agent ?? project.agent) ?? agentPlugin("generic")!;
  const name = meta.tmuxName;
  const notRunning = (why: string) => new AoError(`${id} ${why}; bring it back with: ao session restore ${id}`, 1);
  if (!name) throw notRunning("is not running (it has no tmux session)");
  // One list-panes answers both "is it alive?" and "is it still working?".
  const look = async () => (await ctx.runtimeFacts.gather([{ id, tmuxName: name, agent }])).get(id);
  let facts = await look();
  if (!facts?.alive || facts.activity === "exited") throw notRunning("is not running (its agent or tmux session is gone)");

  const started = Date.now();
  const timeoutMs = opts.timeoutMs ?? 600_000;
  if (opts.wait !== false) {
    // Still busy at the timeout: send anyway, the agent may queue it.
    while (facts.activity === "active" && Date.now() - started < timeoutMs) {
      opts.onWaiting?.(Date.now() - started, facts.activity);
      await sleep(250);
      facts = await look();
      if (!facts?.alive || facts.activity === "exited") throw notRunning("stopped while waiting");
    }
  }
  const waitedMs = Date.now() - started;

  // One sender at a time per session: two interleaved sends would mix their keystrokes.
  const result = await withLock(path.join(ctx.store.dir(id), ".send-lock"), () => deliver(ctx, name, agent, text), { timeoutMs: 60_000 });
  await ctx.store.appendEvent(id, {
    actor: opts.actor ?? "cli",
    kind: "message",
    text,
    size: Buffer.byteLength(text),
    outcome: result.outcome,
    attempts: result.attempts,
    method: result.method,
    waitedMs,
  });
  return { ...result, waitedMs };
}

async function deliver(ctx: AppContext, name: string, agent: AgentPlugin, text: string): Promise<Omit<SendResult, "waitedMs">> {
  const rt = ctx.runtime;
  const draft = (capture: string) => (agent.draftOf ? agent.draftOf(capture) : draftOf(capture));
  const needle = needleOf(text);
  const capture = () => rt.capture(name).catch(() => "");

  await rt.sendKeys(name, ["C-u"]);
  const method = typeable(text) ? "keys" : "paste";
  if (method === "keys") await rt.typeLiteral(name, text);
  else await rt.paste(name, text);

  // See the draft land before pressing Enter; an agent that never reads shows nothing.
  let typed = "";
  let draftSeen = false;
  for (const deadline = Date.now() + 2000; Date.now() < deadline; ) {
    typed = await capture();
    if (needle && (draft(typed) ?? "").includes(needle)) {
      draftSeen = true;
      break;
    }
    await sleep(100);
  }

  for (let attempt = 1; attempt <= ENTER_ATTEMPTS; attempt++) {
    await rt.sendKeys(name, ["Enter"]);
    const settle = 600 * attempt;
    for (const deadline = Date.now() + settle; Date.now() < deadline; ) {
      await sleep(120);
      const now = await capture();
      if (agent.showsQueued(now)) return { outcome: "queued", attempts: attempt, method };
      const left = draftSeen ? !(draft(now) ?? "").includes(needle) : now !== typed;
      if (left && now !== typed) return { outcome: "delivered", attempts: attempt, method };
    }
  }
  return { outcome: "unconfirmed", attempts: ENTER_ATTEMPTS, method };
}
