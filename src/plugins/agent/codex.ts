import { shellJoin } from "../../core/shell.js";
import type { AgentPlugin, ScreenFacts, StillActivity } from "../types.js";
import { anyLine, tailLines } from "./screen.js";

// Markers read off recorded screens of Codex CLI (test/fixtures/captures/codex).
const BUSY = [/esc to interrupt/i];
const DIALOG = [/Would you like to run the following command\?/i, /Would you like to make the following edits\?/i, /Allow Codex to/i, /Press enter to confirm or esc to cancel/i, /^\s*›\s*\d+\.\s/];
const BLOCKED = [/Sign in with ChatGPT/i, /Provide your own API key/i, /stream disconnected before completion/i];

export const codex: AgentPlugin = {
  name: "codex",
  promptOnCommandLine: true,
  launchCommand(opts) {
    const base = shellJoin(["codex", ...(opts.skipPermissions ? ["--dangerously-bypass-approvals-and-sandbox"] : [])]);
    return opts.promptShell ? `${base} ${opts.promptShell}` : base;
  },
  resumeCommand(opts) {
    return shellJoin(["codex", "resume", "--last", ...(opts.skipPermissions ? ["--dangerously-bypass-approvals-and-sandbox"] : [])]);
  },
  classifyStill(screen: ScreenFacts): StillActivity {
    const tail = tailLines(screen.capture, 25);
    if (anyLine(tail, DIALOG)) return "waiting_input";
    if (anyLine(tail, BLOCKED)) return "blocked";
    if (anyLine(tailLines(screen.capture, 4), BUSY)) return "active";
    return "ready";
  },
  showsQueued(capture: string): boolean {
    return /queued/i.test(tailLines(capture, 8).join("\n"));
  },
};
