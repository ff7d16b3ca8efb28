import path from "node:path";
import type { AgentWiring, HookTarget } from "../types.js";

/*
 * ao's hooks, registered per launch through each agent's own mechanism for extra settings, so
 * nothing of the user's (~/.claude, ~/.codex, ~/.gemini, the repository) is ever edited. Checked
 * against the installed versions (Claude Code 2.1.197, Codex 0.169.0, Gemini CLI 0.61.0).
 */

/** Claude Code hook events ao listens to; Notification carries permission_prompt, idle_prompt, elicitation_dialog. */
const CLAUDE_EVENTS = ["SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUse", "PermissionRequest", "Notification", "Stop", "StopFailure", "SessionEnd"];

/**
 * Claude Code: `--settings <file>` adds settings (hooks included) on top of the user's own. The
 * hook's time limit is in seconds; ao's handler returns within milliseconds.
 */
export function claudeHooks(target: HookTarget): AgentWiring {
  const hooks: Record<string, unknown> = {};
  for (const e of CLAUDE_EVENTS) hooks[e] = [{ matcher: "", hooks: [{ type: "command", command: target.command(e), timeout: 10 }] }];
  const file = path.join(target.stateDir, "claude-settings.json");
  return { args: ["--settings", file], env: {}, files: [{ path: file, content: `${JSON.stringify({ hooks }, null, 2)}\n` }] };
}

/**
 * Codex: its `notify` program gets a JSON argument at each finished turn (with the thread id that
 * `codex resume <id>` takes), set per run with `-c`. Codex's own hooks are left alone: they would
 * stop at a "Hooks need review" screen that only the person may answer.
 */
export function codexHooks(target: HookTarget): AgentWiring {
  const toml = `[${target.argv("notify").map((a) => JSON.stringify(a)).join(", ")}]`;
  return { args: ["-c", `notify=${toml}`], env: {}, files: [] };
}

const GEMINI_EVENTS = ["SessionStart", "BeforeAgent", "BeforeTool", "AfterTool", "AfterAgent", "Notification", "SessionEnd"];

/**
 * Which system defaults file Gemini CLI reads where it runs, by its own rule (0.61.0):
 * GEMINI_CLI_SYSTEM_DEFAULTS_PATH, else `system-defaults.json` beside the system settings file
 * (GEMINI_CLI_SYSTEM_SETTINGS_PATH, else the platform's place for it).
 */
export function geminiDefaultsPath(platform: string, env: Record<string, string | undefined>): string {
  if (env.GEMINI_CLI_SYSTEM_DEFAULTS_PATH) return env.GEMINI_CLI_SYSTEM_DEFAULTS_PATH;
  const settings = env.GEMINI_CLI_SYSTEM_SETTINGS_PATH || (platform === "darwin" ? "/Library/Application Support/GeminiCli/settings.json" : "/etc/gemini-cli/settings.json");
  return path.posix.join(path.posix.dirname(settings), "system-defaults.json");
}

const GEMINI_PATH_VARS = ["GEMINI_CLI_SYSTEM_DEFAULTS_PATH", "GEMINI_CLI_SYSTEM_SETTINGS_PATH"];

/** The system defaults Gemini would read where it runs, so ao's replaces it without losing what it held. */
async function geminiDefaults(target: HookTarget): Promise<Record<string, unknown>> {
  const { platform, env } = await target.place.facts(GEMINI_PATH_VARS);
  const text = await target.place.read(geminiDefaultsPath(platform, env));
  try {
    const parsed = text === null ? null : (JSON.parse(text) as unknown);
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * Gemini CLI: the system defaults file (GEMINI_CLI_SYSTEM_DEFAULTS_PATH) is its lowest layer;
 * the user's and the project's settings still win, and hook lists from all layers are joined.
 */
export async function geminiHooks(target: HookTarget): Promise<AgentWiring> {
  const base = await geminiDefaults(target);
  const own = (base.hooks && typeof base.hooks === "object" ? base.hooks : {}) as Record<string, unknown[]>;
  const hooks: Record<string, unknown[]> = { ...own };
  for (const e of GEMINI_EVENTS) {
    hooks[e] = [...(Array.isArray(own[e]) ? own[e] : []), { hooks: [{ type: "command", name: "ao", command: target.command(e), timeout: 10_000 }] }];
  }
  const file = path.join(target.stateDir, "gemini-system-defaults.json");
  return { args: [], env: { GEMINI_CLI_SYSTEM_DEFAULTS_PATH: file }, files: [{ path: file, content: `${JSON.stringify({ ...base, hooks }, null, 2)}\n` }] };
}
