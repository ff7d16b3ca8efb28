import type { AgentPlugin } from "../types.js";
import { aider } from "./aider.js";
import { claudeCode } from "./claude-code.js";
import { codex } from "./codex.js";
import { gemini } from "./gemini.js";
import { generic } from "./generic.js";

const AGENTS: Record<string, AgentPlugin> = { "claude-code": claudeCode, codex, gemini, aider, generic };

export const AGENT_NAMES = Object.keys(AGENTS);

export function agentPlugin(name: string): AgentPlugin | undefined {
  return AGENTS[name];
}
