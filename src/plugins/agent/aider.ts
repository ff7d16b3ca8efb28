import { shellJoin } from "../../core/shell.js";
import type { AgentPlugin, ScreenFacts, StillActivity } from "../types.js";
import { readPromptQuestion } from "./prompt.js";
import { anyLine, atPrompt, GENERIC_QUESTION, tailLines } from "./screen.js";

/**
 * Aider (a Python program; not recordable here, since PyPI is out of reach, so its markers are
 * its documented prompts: `> ` for input and `(Y)es/(N)o` questions). Aider has no flag that
 * starts an interactive chat with a first message, so the task arrives as $AO_PROMPT.
 */
export const aider: AgentPlugin = {
  name: "aider",
  promptOnCommandLine: false,
  launchCommand(opts) {
    return shellJoin(["aider", ...(opts.skipPermissions ? ["--yes-always"] : [])]);
  },
  resumeCommand(opts) {
    return shellJoin(["aider", "--restore-chat-history", ...(opts.skipPermissions ? ["--yes-always"] : [])]);
  },
  classifyStill(screen: ScreenFacts): StillActivity {
    if (anyLine(tailLines(screen.capture, 3), GENERIC_QUESTION)) return "waiting_input";
    // Ready only at its prompt ("> ", "architect> "); anything else ao does not know.
    return atPrompt(tailLines(screen.capture, 12)) ? "ready" : "unknown";
  },
  showsQueued(): boolean {
    return false;
  },
  readQuestion: (capture) => readPromptQuestion(capture, "line"),
};
