import { shellJoin } from "../../core/shell.js";
import type { AgentPlugin, ScreenFacts, StillActivity } from "../types.js";
import { anyLine, tailLines } from "./screen.js";

// Markers read off recorded screens of Gemini CLI (test/fixtures/captures/gemini).
const BUSY = [/esc to cancel/i];
const DIALOG = [/Allow execution/i, /Apply this change\?/i, /Do you want to proceed\?/i, /Waiting for user confirmation/i, /Do you trust (the files in )?this folder/i, /^\s*●\s*\d+\.\s/];
const BLOCKED = [/Get started/i, /How would you like to authenticate/i, /GEMINI_API_KEY/, /Login with Google/i];

export const gemini: AgentPlugin = {
  name: "gemini",
  promptOnCommandLine: true,
  launchCommand(opts) {
    const base = shellJoin(["gemini", ...(opts.skipPermissions ? ["--yolo"] : [])]);
    return opts.promptShell ? `${base} -i ${opts.promptShell}` : base;
  },
  resumeCommand(opts) {
    return shellJoin(["gemini", "--resume", "latest", ...(opts.skipPermissions ? ["--yolo"] : [])]);
  },
  classifyStill(screen: ScreenFacts): StillActivity {
    const tail = tailLines(screen.capture, 25);
    if (anyLine(tail, DIALOG)) return "waiting_input";
    if (anyLine(tail, BLOCKED)) return "blocked";
    if (anyLine(tailLines(screen.capture, 6), BUSY)) return "active";
    return "ready";
  },
  showsQueued(capture: string): boolean {
    return /queued/i.test(tailLines(capture, 8).join("\n"));
  },
};
