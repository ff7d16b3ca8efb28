import { reviveHint } from "./revive.js";
import type { AppContext } from "../app.js";
import { AoError } from "../core/errors.js";
import { pendingQuestion, type Question } from "../core/question.js";
import type { Activity } from "../core/types.js";
import { agentPlugin } from "../plugins/agent/index.js";
import type { AgentPlugin, RuntimePlugin } from "../plugins/types.js";
import { getSession } from "./lookup.js";
import { sessionMachine } from "./machines.js";

export interface AgentLook {
  activity: Activity | undefined;
  capture: string;
  /** What the agent waits on, if anything (see core/question.ts pendingQuestion). */
  question: Question | null;
  /** Its still screen is none ao recognizes (no activity): the screen's last non-blank line. */
  unrecognized?: string;
}

export interface AgentScreen {
  id: string;
  name: string;
  agent: AgentPlugin;
  /** The tmux of the host the session runs on: keys go there. */
  runtime: RuntimePlugin;
  /** One look: liveness and activity (one list-panes), the screen, and any question on it. */
  look(): Promise<AgentLook>;
  capture(): Promise<string>;
}

/**
 * A running session's agent as the messenger sees it. Throws (exit 1) when it is not running.
 * Every look reads the screen afresh: a question can appear at any moment.
 */
export async function agentScreen(ctx: AppContext, id: string): Promise<AgentScreen> {
  const { meta, project } = await getSession(ctx, id);
  const agent = agentPlugin(meta.agent ?? project.agent) ?? agentPlugin("generic")!;
  const name = meta.tmuxName;
  const notRunning = async (why: string) => new AoError(`${id} ${why}; ${await reviveHint(ctx, id, meta, project)}`, 1);
  if (!name) throw await notRunning("is not running (it has no tmux session)");
  const m = sessionMachine(ctx, meta);
  const capture = () => m.runtime.capture(name).catch(() => "");
  return {
    id,
    name,
    agent,
    runtime: m.runtime,
    capture,
    async look() {
      const facts = (await m.facts.gather([{ id, tmuxName: name, agent }])).get(id);
      if (!facts?.alive || facts.activity === "exited") throw await notRunning("is not running (its agent or tmux session is gone)");
      const screen = await capture();
      return {
        activity: facts.activity,
        capture: screen,
        question: pendingQuestion(facts.activity, agent.readQuestion?.(screen) ?? null),
        ...(facts.unrecognized !== undefined ? { unrecognized: facts.unrecognized } : {}),
      };
    },
  };
}
