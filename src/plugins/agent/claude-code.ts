import { shellJoin } from "../../core/shell.js";
import type { AgentPlugin, LaunchOptions, ScreenFacts, StillActivity } from "../types.js";
import { anyLine, tailLines } from "./screen.js";

// Markers read off recorded screens of Claude Code 2.1 (test/fixtures/captures/claude-code).
const BUSY = [/esc to interrupt/i];
const DIALOG = [
  /Do you want to (proceed|make this edit|create|use this API key)/,
  /Enter to (select|confirm)/,
  /^\s*❯\s*\d+\.\s/,
  /Is this a project you created or one you trust/,
];
const BLOCKED = [/Invalid API key/i, /Please run \/login/i, /OAuth token (has )?expired/i, /Credit balance is too low/i];

export const claudeCode: AgentPlugin = {
  name: "claude-code",
  promptOnCommandLine: true,
  launchCommand(opts: LaunchOptions): string {
    const base = shellJoin(["claude", ...(opts.skipPermissions ? ["--dangerously-skip-permissions"] : [])]);
    return opts.promptShell ? `${base} ${opts.promptShell}` : base;
  },
  resumeCommand(opts) {
    return shellJoin(["claude", "--continue", ...(opts.skipPermissions ? ["--dangerously-skip-permissions"] : [])]);
  },
  classifyStill(screen: ScreenFacts): StillActivity {
    const tail = tailLines(screen.capture, 25);
    if (anyLine(tail, BLOCKED)) return "blocked";
    if (anyLine(tail, DIALOG)) return "waiting_input";
    if (anyLine(tailLines(screen.capture, 3), BUSY)) return "active";
    return "ready";
  },
  showsQueued(capture: string): boolean {
    return /Press up to edit queued messages/.test(capture);
  },
};
