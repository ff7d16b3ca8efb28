import { shellJoin, shellQuote } from "../../core/shell.js";
import { run, startOrLeave } from "../../exec.js";
import { TMUX_DEADLINE_MS } from "../runtime/tmux.js";
import type { TerminalPlugin } from "../types.js";

/** A window in the tmux client you are in, attached to the session (nested when ao uses its own socket). */
const tmuxTerminal: TerminalPlugin = {
  name: "tmux",
  async open({ id, attachArgv }) {
    if (!process.env.TMUX) throw new Error(`not inside tmux; use "ao attach ${id}", or set terminal: command in the config`);
    if (attachArgv[1] === "switch-client") {
      const r = await run(attachArgv[0]!, attachArgv.slice(1), { timeoutMs: TMUX_DEADLINE_MS });
      if (r.exitCode !== 0) throw new Error(r.stderr.trim());
      return;
    }
    // The new window runs a second tmux client for ao's server; it must not think it is nested.
    const r = await run("tmux", ["new-window", "-n", id, "--", "env", "-u", "TMUX", ...attachArgv], { timeoutMs: TMUX_DEADLINE_MS });
    if (r.exitCode !== 0) throw new Error(`tmux new-window: ${r.stderr.trim()}`);
  },
};

/** How long a terminal command may take to fail before it counts as opened and is left running. */
const COMMAND_SETTLE_MS = 1000;

/** A new iTerm2 window or tab running the attach command (macOS). */
const iterm2Terminal: TerminalPlugin = {
  name: "iterm2",
  async open({ attachArgv, newWindow }) {
    const cmd = shellJoin(attachArgv).replace(/\\/g, "\\\\").replace(/"/g, '\\"');
    const script = newWindow
      ? `tell application "iTerm2" to create window with default profile command "${cmd}"`
      : `tell application "iTerm2"\n if (count of windows) = 0 then\n  create window with default profile command "${cmd}"\n else\n  tell current window to create tab with default profile command "${cmd}"\n end if\nend tell`;
    const r = await run("osascript", ["-e", script], { timeoutMs: 20_000 });
    if (r.exitCode !== 0) throw new Error(`osascript: ${r.stderr.trim()}`);
  },
};

/**
 * The user's own command template, e.g. `gnome-terminal -- tmux attach -t {{tmuxName}}`.
 * Placeholders: {{id}}, {{tmuxName}}, {{attach}} (the whole attach command, shell-quoted).
 */
export function commandTerminal(template: string): TerminalPlugin {
  return {
    name: "command",
    async open({ id, tmuxName, attachArgv }) {
      const line = template
        .replace(/\{\{id\}\}/g, shellQuote(id))
        .replace(/\{\{tmuxName\}\}/g, shellQuote(tmuxName))
        .replace(/\{\{attach\}\}/g, shellJoin(attachArgv));
      // A command the user wrote into their own config: it runs through their shell. One that
      // keeps running (the window it opened) has opened it; only an early failure is reported.
      const r = await startOrLeave("/bin/sh", ["-c", line], { settleMs: COMMAND_SETTLE_MS });
      if (r.exitCode !== 0) throw new Error(`terminal command failed (exit ${r.exitCode}): ${r.stderr.trim()}`);
    },
  };
}

export function terminalPlugin(name: string, commandTemplate?: string): TerminalPlugin {
  if (name === "iterm2") return iterm2Terminal;
  if (name === "command") {
    if (!commandTemplate) throw new Error('terminal "command" needs terminalCommand in the config');
    return commandTerminal(commandTemplate);
  }
  return tmuxTerminal;
}
