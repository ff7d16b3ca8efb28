import { readFileSync, statSync } from "node:fs";
import { appendFile, mkdir, readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { parseMetadata, serializeMetadata } from "../core/metadata-format.js";
import { isSessionId } from "../core/ids.js";
import type { Metadata } from "../core/types.js";
import { writeFileAtomic } from "./atomic.js";
import { withLock } from "./lock.js";

/** One line of `events.jsonl`. */
export interface SessionEvent {
  time: string;
  actor: string;
  kind: string;
  before?: Metadata;
  after?: Metadata;
  [extra: string]: unknown;
}

export type StoredSession =
  | { id: string; dir: string; meta: Metadata; error?: undefined }
  | { id: string; dir: string; meta?: undefined; error: string };

/** Who is acting, for the event log: the command, or the dashboard, or a reaction. */
export type Actor = string;

function changed(before: Metadata, after: Metadata): { before: Metadata; after: Metadata } {
  const b: Metadata = {};
  const a: Metadata = {};
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (before[k] !== after[k]) {
      if (k in before) b[k] = before[k]!;
      if (k in after) a[k] = after[k]!;
    }
  }
  return { before: b, after: a };
}

/**
 * The session records of one workspace: `<AO_HOME>/sessions/<workspace>/<id>/metadata` (key=value)
 * and `events.jsonl` (append-only) beside it.
 */
export class SessionStore {
  readonly root: string;

  constructor(aoHome: string, readonly workspace: string) {
    this.root = path.join(aoHome, "sessions", workspace);
  }

  dir(id: string): string {
    if (!isSessionId(id)) throw new Error(`not a session id: ${JSON.stringify(id)}`);
    return path.join(this.root, id);
  }

  private metaPath(id: string): string {
    return path.join(this.dir(id), "metadata");
  }

  eventsPath(id: string): string {
    return path.join(this.dir(id), "events.jsonl");
  }

  /**
   * Allocate the next id for `prefix` and create its record. The mkdir of the session folder is
   * the atomic step: two processes racing for `fe-3` cannot both get it. Numbers are never
   * reused, because killed sessions keep their folders.
   */
  async create(prefix: string, meta: Metadata, actor: Actor): Promise<string> {
    await mkdir(this.root, { recursive: true });
    let n = (await this.highest(prefix)) + 1;
    for (;;) {
      const id = `${prefix}-${n}`;
      try {
        await mkdir(this.dir(id));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "EEXIST") {
          n++;
          continue;
        }
        throw e;
      }
      const full: Metadata = { id, ...meta };
      await withLock(this.lockPath(id), async () => {
        await writeFileAtomic(this.metaPath(id), serializeMetadata(full));
        await this.appendEvent(id, { actor, kind: "created", after: full });
      });
      return id;
    }
  }

  private async highest(prefix: string): Promise<number> {
    let max = 0;
    for (const name of await this.ids()) {
      const dash = name.lastIndexOf("-");
      if (name.slice(0, dash) === prefix) max = Math.max(max, Number(name.slice(dash + 1)));
    }
    return max;
  }

  private lockPath(id: string): string {
    return path.join(this.dir(id), ".lock");
  }

  /** Ids of every session folder, in no particular order. */
  async ids(): Promise<string[]> {
    try {
      const entries = await readdir(this.root, { withFileTypes: true });
      return entries.filter((e) => e.isDirectory() && isSessionId(e.name)).map((e) => e.name);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw e;
    }
  }

  async read(id: string): Promise<Metadata> {
    return parseMetadata(await readFile(this.metaPath(id), "utf8"));
  }

  /**
   * Every session. A file that cannot be read or parsed becomes an entry with `error`, so one
   * corrupt session never hides the others.
   */
  async list(): Promise<StoredSession[]> {
    const out: StoredSession[] = [];
    // Synchronous reads on purpose: each is a few microseconds from the page cache, while 500
    // promise-based reads cost ten times as much in threadpool round trips and garbage, and
    // `ao session ls` start-up is felt on every call.
    for (const id of await this.ids()) {
      const dir = this.dir(id);
      try {
        out.push({ id, dir, meta: parseMetadata(readFileSync(path.join(dir, "metadata"), "utf8")) });
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        if (err.code === "ENOENT" && this.justCreated(dir)) continue;
        const why = err.code === "ENOENT" ? "metadata file missing" : err.message;
        out.push({ id, dir, error: `unreadable metadata: ${why}` });
      }
    }
    return out;
  }

  /** A folder made a moment ago by `create` whose first write has not landed yet. */
  private justCreated(dir: string): boolean {
    try {
      return Date.now() - statSync(dir).mtimeMs < 5_000;
    } catch {
      return true;
    }
  }

  /**
   * Change a session's record under its lock: `fn` gets the current metadata and returns the
   * keys to set (a value of `null` removes a key). Keys it does not mention, including ones ao
   * does not know, are kept. One event records what changed.
   */
  async update(
    id: string,
    fn: (meta: Metadata) => Record<string, string | null> | Promise<Record<string, string | null>>,
    actor: Actor,
    kind = "update",
  ): Promise<Metadata> {
    return withLock(this.lockPath(id), async () => {
      const before = await this.read(id);
      const patch = await fn({ ...before });
      const after: Metadata = { ...before };
      for (const [k, v] of Object.entries(patch)) {
        if (v === null) delete after[k];
        else after[k] = v;
      }
      const diff = changed(before, after);
      if (Object.keys(diff.before).length + Object.keys(diff.after).length === 0) return after;
      await writeFileAtomic(this.metaPath(id), serializeMetadata(after));
      await this.appendEvent(id, { actor, kind, ...diff });
      return after;
    });
  }

  /** Add one line to the session's event log. The log is only ever appended to. */
  async appendEvent(id: string, event: Omit<SessionEvent, "time"> & { time?: string }): Promise<void> {
    const line = JSON.stringify({ time: event.time ?? new Date().toISOString(), ...event });
    await appendFile(this.eventsPath(id), `${line}\n`, { flag: "a" });
  }

  async events(id: string): Promise<SessionEvent[]> {
    let text: string;
    try {
      text = await readFile(this.eventsPath(id), "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw e;
    }
    return text
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => JSON.parse(l) as SessionEvent);
  }
}
