import os from "node:os";
import path from "node:path";

/** Where ao keeps its state: `$AO_HOME`, else `~/.agent-orchestrator`. */
export function aoHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.AO_HOME ? path.resolve(env.AO_HOME) : path.join(homeDir(env), ".agent-orchestrator");
}

export function homeDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.HOME || os.homedir();
}

export const CONFIG_FILE_NAMES = ["agent-orchestrator.yaml", "agent-orchestrator.yml"];
