import { existsSync, readFileSync, statSync } from "node:fs";
import { open } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseAgentEvents, type AgentEvent } from "../core/agent-events.js";
import { shellJoin } from "../core/shell.js";
import { agentPlace, touchPrivate, writePrivate } from "../plugins/host/files.js";
import { localHost } from "../plugins/host/local.js";
import type { Host } from "../plugins/host/types.js";
import type { Following } from "../exec.js";
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

/** `script`: where the hook handler is on the session's host (default: this installation's). */
export function hookTarget(agent: string, stateDir: string, env: NodeJS.ProcessEnv, script = hookScript(), host: Host = localHost): HookTarget {
  const argv = (event: string) => ["/bin/sh", script, agentEventsPath(stateDir), agent, event];
  return { command: (event) => shellJoin(argv(event)), argv, stateDir, env, place: agentPlace(host, env) };
}

/**
 * Prepare an agent's hooks for one launch: its settings files under the session's state folder
 * (private to the user) and the event log they append to. Undefined for agents read from the
 * screen alone. On another host the files go there, beside a copy of the hook handler (plain
 * sh: nothing of ao's is installed there).
 */
export async function wireAgentHooks(
  agent: AgentPlugin,
  stateDir: string,
  env: NodeJS.ProcessEnv,
  on: { host: Host; hookScript: string } = { host: localHost, hookScript: hookScript() },
): Promise<AgentWiring | undefined> {
  if (!agent.wireHooks) return undefined;
  if (on.host.remote) await writePrivate(on.host, on.hookScript, readFileSync(hookScript(), "utf8"));
  const wiring = await agent.wireHooks(hookTarget(agent.name, stateDir, env, on.hookScript, on.host));
  for (const f of wiring.files) await writePrivate(on.host, f.path, f.content);
  // An existing log (a restore) keeps its events.
  await touchPrivate(on.host, agentEventsPath(stateDir));
  return wiring;
}

/** How much of a log's end is read: the newest events decide, and a long session's log stays cheap. */
const TAIL_BYTES = 256 * 1024;

/** The events in a log's last bytes; a window that starts mid-file starts mid-line, and that line is not an event. */
function eventsOfTail(text: string, cut: boolean): AgentEvent[] {
  return parseAgentEvents(cut ? text.slice(text.indexOf("\n") + 1) : text);
}

/**
 * Reads agent-event logs, parsing a file again only when it grew or changed. Reads are plain
 * appends' tails; a line cut by the window's start is skipped by the parser.
 */
export class AgentEventReader {
  private readonly cache = new Map<string, { size: number; mtimeMs: number; events: AgentEvent[] }>();

  async read(file: string): Promise<AgentEvent[]> {
    // A synchronous stat that throws nothing: a dashboard asks every log at every look, and 500
    // stats through the threadpool, each a promise (and a missing log an error with its stack),
    // were most of a refresh's work with 500 agents working.
    let st;
    try {
      st = statSync(file, { throwIfNoEntry: false });
    } catch {
      st = undefined;
    }
    if (!st) {
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
      const events = eventsOfTail(text, start > 0);
      this.cache.set(file, { size: st.size, mtimeMs: st.mtimeMs, events });
      return events;
    } finally {
      await fh.close();
    }
  }
}

/** Reads many sessions' agent-event logs at once, wherever they live. */
export interface EventLogReader {
  readMany(files: string[]): Promise<Map<string, AgentEvent[]>>;
}

/** Logs on this machine, each read as it grew. */
export class LocalEventLogs implements EventLogReader {
  private readonly reader = new AgentEventReader();

  async readMany(files: string[]): Promise<Map<string, AgentEvent[]>> {
    return new Map(await Promise.all(files.map(async (f) => [f, await this.reader.read(f).catch(() => [])] as const)));
  }
}

/**
 * One script for every log on a host, one round trip: each log's size, and the tail of each
 * whose size changed since the last read (read up to that size, so a line being appended is not
 * cut). Each tail ends with a line of a fresh nonce: a log's own lines, JSON objects, cannot.
 */
const REMOTE_LOGS = [
  'n=$1 w=$2; shift 2; i=0',
  'while [ $# -ge 2 ]; do',
  '  f=$1 k=$2; shift 2',
  '  s=$(wc -c < "$f" 2>/dev/null | tr -d " ") ; [ -n "$s" ] || s=-',
  '  printf "%s %s %s\\n" "$n" "$i" "$s"',
  '  if [ "$s" != - ] && [ "$s" != "$k" ]; then head -c "$s" "$f" | tail -c "$w"; printf "\\n%s .\\n" "$n"; fi',
  '  i=$((i+1))',
  'done',
].join("\n");

export class HostEventLogs implements EventLogReader {
  private readonly cache = new Map<string, { size: number; events: AgentEvent[] }>();
  private follower: LogFollower | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly host: Pick<Host, "run" | "follow">) {}

  /**
   * Hear at once when an agent there appends to its log: from now on, the logs each read asks
   * for are followed there too (one command for the host, over its shared connection, whoever
   * listens), and `onAppend` is called as they grow. Returns the way to stop listening; the
   * command ends with the last listener.
   */
  followWith(onAppend: () => void): () => void {
    this.listeners.add(onAppend);
    if (!this.follower && this.host.follow) {
      this.follower = new LogFollower(this.host, () => {
        for (const listen of [...this.listeners]) listen();
      });
    }
    return () => {
      this.listeners.delete(onAppend);
      if (this.listeners.size > 0) return;
      this.follower?.close();
      this.follower = null;
    };
  }

  /** Whether a command follows the logs there now. */
  following(): boolean {
    return this.follower?.following() ?? false;
  }

  async readMany(files: string[]): Promise<Map<string, AgentEvent[]>> {
    const out = new Map<string, AgentEvent[]>();
    this.follower?.follow(files);
    if (files.length === 0) return out;
    const nonce = `ao-logs-${Math.random().toString(36).slice(2)}`;
    const args = files.flatMap((f) => [f, String(this.cache.get(f)?.size ?? -1)]);
    const r = await this.host.run("/bin/sh", ["-c", REMOTE_LOGS, "sh", nonce, String(TAIL_BYTES), ...args]);
    const lines = r.stdout.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const [n, index, size] = lines[i]!.split(" ");
      const file = files[Number(index)];
      if (n !== nonce || file === undefined) continue;
      if (size === "-") {
        this.cache.delete(file);
        out.set(file, []);
        continue;
      }
      const known = this.cache.get(file);
      if (known && String(known.size) === size) {
        out.set(file, known.events);
        continue;
      }
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== `${nonce} .`; i++) body.push(lines[i]!);
      const text = body.join("\n");
      const events = eventsOfTail(text, Number(size) > TAIL_BYTES);
      this.cache.set(file, { size: Number(size), events });
      out.set(file, events);
    }
    return out;
  }
}

/**
 * The remote end of a follow: `tail -F` prints what the logs gain, and a line once it runs (a
 * log appended to while it started is read by the look that line wakes). It ends when its
 * input does: when ao stops it, or ao's end of the connection goes, no tail is left behind.
 */
const FOLLOW_LOGS = ['tail -q -F -n 0 -- "$@" 2>/dev/null &', "t=$!", "echo following", "cat > /dev/null", 'kill "$t" 2>/dev/null'].join("\n");

const FOLLOW_RETRY_MS = 2000;
const FOLLOW_RETRY_MAX_MS = 30_000;

/**
 * One host's agent-event logs, followed there: `onAppend` as soon as one grows. The set follows
 * what the refreshes read; a new set starts a new command, and one that ends (the host stopped
 * answering: ssh's keep-alives end it) starts again after a pause that grows to 30 s.
 */
export class LogFollower {
  private files: string[] = [];
  private current: Following | null = null;
  private generation = 0;
  private retry: NodeJS.Timeout | null = null;
  private pauseMs = FOLLOW_RETRY_MS;
  private closed = false;

  constructor(
    private readonly host: Pick<Host, "follow">,
    private readonly onAppend: () => void,
  ) {}

  follow(files: readonly string[]): void {
    if (this.closed) return;
    const next = [...new Set(files)].sort();
    if (next.length === this.files.length && next.every((f, i) => f === this.files[i])) return;
    this.files = next;
    this.pauseMs = FOLLOW_RETRY_MS;
    this.start();
  }

  /** Whether a command follows the logs now. */
  following(): boolean {
    return this.current !== null;
  }

  private start(): void {
    const gen = ++this.generation;
    this.current?.stop();
    this.current = null;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    if (this.closed || this.files.length === 0 || !this.host.follow) return;
    const startedAt = Date.now();
    const again = () => {
      if (gen !== this.generation || this.closed) return;
      this.current = null;
      // A command that ran a good while before it ended was no failure to back off from.
      if (Date.now() - startedAt > 60_000) this.pauseMs = FOLLOW_RETRY_MS;
      this.retry = setTimeout(() => this.start(), this.pauseMs);
      this.retry.unref?.();
      this.pauseMs = Math.min(this.pauseMs * 2, FOLLOW_RETRY_MAX_MS);
    };
    this.host.follow("/bin/sh", ["-c", FOLLOW_LOGS, "sh", ...this.files], () => {
      if (gen === this.generation && !this.closed) this.onAppend();
    }).then(
      (f) => {
        if (gen !== this.generation || this.closed) return f.stop();
        this.current = f;
        f.ended.then(again, again);
      },
      again,
    );
  }

  close(): void {
    this.closed = true;
    this.generation++;
    if (this.retry) clearTimeout(this.retry);
    this.current?.stop();
    this.current = null;
  }
}
