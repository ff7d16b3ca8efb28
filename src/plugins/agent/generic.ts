import type { AgentPlugin, ScreenFacts, StillActivity } from "../types.js";
import { readPromptQuestion } from "./prompt.js";
import { atPrompt, tailLines } from "./screen.js";

/**
 * Any command line the user wrote in config. It gets its task as $AO_PROMPT. Its screen is
 * unknown, so only the plainest signs count: a yes/no question or a numbered menu on the last
 * lines means it waits for the user; a prompt on the last line means it is ready; a still
 * screen with neither is busy by its own account (and stuck if it stays so).
 */
export const generic: AgentPlugin = {
  name: "generic",
  promptOnCommandLine: false,
  launchCommand(opts) {
    if (!opts.agentCommand) throw new Error('agent "generic" needs agentCommand in the config');
    return opts.agentCommand;
  },
  resumeCommand(opts) {
    if (!opts.agentCommand) throw new Error('agent "generic" needs agentCommand in the config');
    return opts.agentCommand;
  },
  classifyStill(screen: ScreenFacts): StillActivity {
    if (readPromptQuestion(screen.capture, "key")) return "waiting_input";
    return atPrompt(tailLines(screen.capture, 12)) ? "ready" : "active";
  },
  showsQueued(capture: string): boolean {
    return /Press up to edit queued messages|^Queued:/m.test(capture);
  },
  readQuestion: (capture) => readPromptQuestion(capture, "key"),
};
