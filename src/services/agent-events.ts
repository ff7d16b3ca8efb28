import { existsSync } from "node:fs";
import { open, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseAgentEvents, type AgentEvent } from "../core/agent-events.js";
import { shellJoin } from "../core/shell.js";
import type { AgentPlugin, AgentWiring, HookTarget } from "../plugins/types.js";

/** The session's agent-event log, next to its metadata: one JSON line per hook event. */
export const AGENT_EVENTS_FILE = "agent-events.jsonl";

export function agentEventsPath(stateDir: string): string {
  return path.join(stateDir, AGENT_EVENTS_FILE);
}

let script: string | undefined;
/** bin/ao-hook.sh of this installation, found from wherever this module was loaded (src, dist, bundle). */
export function hookScript(): string {
  if (script) return script;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, "bin", "ao-hook.sh");
    if (existsSync(candidate)) return (script = candidate);
    dir = path.dirname(dir);
  }
  throw new Error("ao's hook handler bin/ao-hook.sh is missing from this installation");
}

export function hookTarget(agent: string, stateDir: string, env: NodeJS.ProcessEnv): HookTarget {
  const argv = (event: string) => ["/bin/sh", hookScript(), agentEventsPath(stateDir), agent, event];
  return { command: (event) => shellJoin(argv(event)), argv, stateDir, env };
}

/**
 * Prepare an agent's hooks for one launch: its settings files under the session's state folder
 * (private to the user) and the event log they append to. Undefined for agents read from the
 * screen alone.
 */
export async function wireAgentHooks(agent: AgentPlugin, stateDir: string, env: NodeJS.ProcessEnv): Promise<AgentWiring | undefined> {
  if (!agent.wireHooks) return undefined;
  const wiring = agent.wireHooks(hookTarget(agent.name, stateDir, env));
  for (const f of wiring.files) await writeFile(f.path, f.content, { mode: 0o600 });
  await writeFile(agentEventsPath(stateDir), "", { mode: 0o600, flag: "a" });
  return wiring;
}

/** How much of a log's end is read: the newest events decide, and a long session's log stays cheap. */
const TAIL_BYTES = 256 * 1024;

/**
 * Reads agent-event logs, parsing a file again only when it grew or changed. Reads are plain
 * appends' tails; a line cut by the window's start is skipped by the parser.
 */
export class AgentEventReader {
  private readonly cache = new Map<string, { size: number; mtimeMs: number; events: AgentEvent[] }>();

  async read(file: string): Promise<AgentEvent[]> {
    let st;
    try {
      st = await stat(file);
    } catch {
      this.cache.delete(file);
      return [];
    }
    const hit = this.cache.get(file);
    if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) return hit.events;
    const start = Math.max(0, st.size - TAIL_BYTES);
    const fh = await open(file, "r");
    try {
      const buf = Buffer.alloc(st.size - start);
      await fh.read(buf, 0, buf.length, start);
      const text = buf.toString("utf8");
      const events = parseAgentEvents(start > 0 ? text.slice(text.indexOf("\n") + 1) : text);
      this.cache.set(file, { size: st.size, mtimeMs: st.mtimeMs, events });
      return events;
    } finally {
      await fh.close();
    }
  }
}
