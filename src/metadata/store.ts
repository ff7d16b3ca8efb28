import { closeSync, constants, existsSync, fstatSync, openSync, readdirSync, readFileSync, readSync, statSync, writeSync, type Stats } from "node:fs";
import { mkdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { parseMetadata, serializeMetadata } from "../core/metadata-format.js";
import { isSessionId } from "../core/ids.js";
import type { Metadata } from "../core/types.js";
import { openAsync, writeFileAtomic } from "./atomic.js";
import { serializeKeepingBytes } from "./kept-bytes.js";
import { monoStamp } from "./clock.js";
import { withLock } from "./lock.js";
import { ProcessOwnerFile } from "./owner-file.js";
import { mkdirPrivate, PRIVATE_DIR, PRIVATE_FILE } from "./private.js";

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
  | { id: string; dir: string; meta: Readonly<Metadata>; error?: undefined }
  | { id: string; dir: string; meta?: undefined; error: string };

/**
 * A watch on the session folders (inotify, in the process that lists again and again): which
 * folders it covers now. Its owner tells the store of every change in one (SessionStore.changed).
 */
export interface FolderWatch {
  watching(id: string): boolean;
}

/** How often a store that trusts a folder watch still checks every record itself. */
export const FULL_CHECK_MS = 10_000;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

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

function sameRecord(a: Metadata, b: Metadata): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => b[k] === a[k]);
}

/**
 * The lines of an event log that are whole events. A line torn by a crash (or mangled by hand)
 * is skipped: it must not hide the events around it.
 */
export function parseEvents(text: string): SessionEvent[] {
  const out: SessionEvent[] = [];
  for (const l of text.split("\n")) {
    if (l.trim() === "") continue;
    try {
      const e = JSON.parse(l) as unknown;
      if (e && typeof e === "object" && typeof (e as SessionEvent).kind === "string") out.push(e as SessionEvent);
    } catch {
      /* a torn line */
    }
  }
  return out;
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

  /**
   * A session's folder and record paths, made once per id: the dashboard lists every record
   * every 2 s, and path.join's normalising was a sixth of all it allocated while idle.
   */
  private readonly paths = new Map<string, { dir: string; meta: string }>();

  private pathsOf(id: string): { dir: string; meta: string } {
    let p = this.paths.get(id);
    if (!p) {
      if (!isSessionId(id)) throw new Error(`not a session id: ${JSON.stringify(id)}`);
      // Joined as strings: the root is already normal and an id is one plain name (isSessionId),
      // so path.join's normalising (500 per listing) would change nothing.
      const dir = `${this.root}${path.sep}${id}`;
      p = { dir, meta: `${dir}${path.sep}metadata` };
      this.paths.set(id, p);
    }
    return p;
  }

  dir(id: string): string {
    return this.pathsOf(id).dir;
  }

  private metaPath(id: string): string {
    return this.pathsOf(id).meta;
  }

  /** When the record was last written (its file's mtime, epoch ms); null when it cannot be told. */
  writtenAt(id: string): number | null {
    try {
      return statSync(this.metaPath(id)).mtimeMs;
    } catch {
      return null;
    }
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
    await mkdirPrivate(this.root);
    let n = (await this.highest(prefix)) + 1;
    for (;;) {
      const id = `${prefix}-${n}`;
      try {
        await mkdir(this.dir(id), { mode: PRIVATE_DIR });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "EEXIST") {
          n++;
          continue;
        }
        throw e;
      }
      const full: Metadata = { id, ...meta };
      try {
        await withLock(
          this.lockPath(id),
          async () => {
            await writeFileAtomic(this.metaPath(id), serializeMetadata(full));
            await this.appendEvent(id, { actor, kind: "created", after: full });
          },
          await this.lockOptions(),
        );
      } catch (e) {
        // A folder with no record (a full disk) would be a session no command can read or
        // remove: it goes, and the error is the spawn's.
        if (!existsSync(this.metaPath(id))) await rm(this.dir(id), { recursive: true, force: true }).catch(() => {});
        throw e;
      }
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

  /** This process's owner line, one file in the sessions folder that every record lock links to. */
  private readonly owner = new ProcessOwnerFile(() => this.root);

  private async lockOptions(): Promise<{ ownerFile?: string }> {
    const ownerFile = await this.owner.path();
    return ownerFile ? { ownerFile } : {};
  }

  /** Ids of every session folder, in no particular order. */
  async ids(): Promise<string[]> {
    try {
      // One synchronous call: a threadpool round trip would cost more than the listing.
      const entries = readdirSync(this.root, { withFileTypes: true });
      return entries.filter((e) => e.isDirectory() && isSessionId(e.name)).map((e) => e.name);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw e;
    }
  }

  async read(id: string): Promise<Metadata> {
    // One synchronous read: the record is a few hundred bytes in the page cache.
    return parseRecord(readFileSync(this.metaPath(id), "utf8"));
  }

  /**
   * Every session. A file that cannot be read or parsed becomes an entry with `error`, so one
   * corrupt session never hides the others.
   */
  async list(): Promise<StoredSession[]> {
    const out: StoredSession[] = [];
    const watch = this.watch;
    let trusted = false;
    if (watch) {
      // Two turns of the event loop: one poll for I/O starts after this call, so every change
      // made before it has been told (changed()) before a record is trusted.
      await nextTurn();
      await nextTurn();
      const now = this.clock();
      trusted = now - this.fullCheckAt < FULL_CHECK_MS;
      if (!trusted) {
        this.fullCheckAt = now;
        this.unchanged.clear();
      }
    }
    // Synchronous reads on purpose: each is a few microseconds from the page cache, while 500
    // promise-based reads cost ten times as much in threadpool round trips and garbage, and
    // `ao session ls` start-up is felt on every call.
    const first = !this.listedBefore;
    this.listedBefore = true;
    for (const id of await this.ids()) {
      // ids() let through only session ids: no join needed (500 path.join calls were 3 ms).
      const dir = `${this.root}${path.sep}${id}`;
      try {
        const file = `${dir}${path.sep}metadata`;
        const known = trusted && this.unchanged.has(id) ? this.parsed.get(file) : undefined;
        if (known) {
          out.push({ id, dir, meta: known.meta });
          continue;
        }
        // Asked before the read: a watch that began after it could not vouch for it.
        const watched = watch?.watching(id) === true;
        out.push({ id, dir, meta: first ? parseRecord(readFileSync(file, "utf8")) : this.readListed(file) });
        if (watched && !first) this.unchanged.add(id);
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        if (err.code === "ENOENT" && this.justCreated(dir)) continue;
        const why = err.code === "ENOENT" ? "metadata file missing" : err.message;
        out.push({ id, dir, error: `unreadable metadata: ${why}` });
      }
    }
    return out;
  }

  /**
   * A process's first list() reads each file in one call. Most processes list once (`ao session
   * ls`, `ao status`), and the identity check below costs a stat per file that only a second
   * list can use; the dashboard's second list records identities, and later ones re-read only
   * what changed.
   */
  private listedBefore = false;

  private watch: FolderWatch | null = null;
  /** Records read (or checked) while their folder was watched, with no change there since. */
  private readonly unchanged = new Set<string>();
  private fullCheckAt = -Infinity;
  private clock: () => number = Date.now;

  /**
   * Trust `watch` (null: no more): list() then skips the stat of a record whose folder had no
   * change since it was last read, but checks every record at least every FULL_CHECK_MS, so an
   * event the watch missed (inotify's queue overflowed) hides a change for no longer than that.
   */
  followChanges(watch: FolderWatch | null, clock: () => number = Date.now): void {
    this.watch = watch;
    this.clock = clock;
    this.unchanged.clear();
    this.fullCheckAt = -Infinity;
  }

  /** Something changed in session `id`'s folder (or its watch ended): its record is read again. */
  changed(id: string): void {
    this.unchanged.delete(id);
  }

  /** What list() last parsed per file, with the identity of the file it came from. */
  private readonly parsed = new Map<string, { ino: number; mtimeMs: number; size: number; meta: Metadata }>();

  /**
   * A metadata file, parsed; a process that lists again and again (the dashboard, every 2 s)
   * re-reads only files whose inode, size or time changed. Every write is a rename of a new
   * file, so a change always shows in the inode.
   */
  private readListed(file: string): Metadata {
    const same = (a: { ino: number; mtimeMs: number; size: number }, b: Stats) => a.ino === b.ino && a.mtimeMs === b.mtimeMs && a.size === b.size;
    const known = this.parsed.get(file);
    // Frozen and shared rather than copied on every listing: no reader changes a record in place.
    if (known && same(known, statSync(file))) return known.meta;
    const fd = openSync(file, "r");
    try {
      const st = fstatSync(fd);
      const meta = Object.freeze(parseRecord(readFileSync(fd, "utf8")));
      this.parsed.set(file, { ino: st.ino, mtimeMs: st.mtimeMs, size: st.size, meta });
      return meta;
    } finally {
      closeSync(fd);
    }
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
    return (await this.write(id, fn, actor, kind, null))!;
  }

  /**
   * `update`, only if the record is still exactly `seen`. For writes that come from an
   * observation (a status derived from what `seen` said and what tmux or GitHub answered): when
   * anything changed the record since (a restore, a kill), the observation is stale and nothing
   * is written. Returns null then.
   */
  async updateIfUnchanged(
    id: string,
    seen: Metadata,
    fn: (meta: Metadata) => Record<string, string | null>,
    actor: Actor,
    kind = "update",
  ): Promise<Metadata | null> {
    return this.write(id, fn, actor, kind, seen);
  }

  private async write(
    id: string,
    fn: (meta: Metadata) => Record<string, string | null> | Promise<Record<string, string | null>>,
    actor: Actor,
    kind: string,
    seen: Metadata | null,
  ): Promise<Metadata | null> {
    return withLock(this.lockPath(id), async () => {
      // The bytes as they are: a line that is not UTF-8 is written back as it was (kept-bytes.ts).
      const raw = readFileSync(this.metaPath(id));
      const before = parseRecord(raw.toString("utf8"));
      if (seen && !sameRecord(seen, before)) return null;
      const patch = await fn({ ...before });
      const after: Metadata = { ...before };
      for (const [k, v] of Object.entries(patch)) {
        if (v === null) delete after[k];
        else after[k] = v;
      }
      const diff = changed(before, after);
      if (Object.keys(diff.before).length + Object.keys(diff.after).length === 0) return after;
      await writeFileAtomic(this.metaPath(id), serializeKeepingBytes(after, raw));
      await this.appendEvent(id, { actor, kind, ...diff });
      return after;
    }, await this.lockOptions());
  }

  /**
   * Add one line to the session's event log. The log is only ever appended to. A crash in the
   * middle of an earlier append can leave a line without its newline: this line then starts on
   * a fresh one, so it is never glued onto the torn one.
   */
  async appendEvent(id: string, event: Omit<SessionEvent, "time"> & { time?: string }): Promise<void> {
    // `mono` lets a reader measure time since this event across a wall-clock jump (clock.ts).
    const mono = event.time === undefined ? monoStamp() : undefined;
    const line = JSON.stringify({ time: event.time ?? new Date().toISOString(), ...(mono ? { mono } : {}), ...event });
    // Synchronous calls of a few microseconds each, but for creating the log, which is work for
    // the system (an inode) and goes to the threadpool.
    const file = this.eventsPath(id);
    let fd: number;
    try {
      fd = openSync(file, constants.O_RDWR | constants.O_APPEND);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      fd = await openAsync(file, "a+", PRIVATE_FILE);
    }
    try {
      const { size } = fstatSync(fd);
      let fresh = true;
      if (size > 0) {
        const last = Buffer.alloc(1);
        readSync(fd, last, 0, 1, size - 1);
        fresh = last[0] === 0x0a;
      }
      // One write with O_APPEND: concurrent appenders never interleave inside a line.
      writeSync(fd, `${fresh ? "" : "\n"}${line}\n`);
    } finally {
      closeSync(fd);
    }
  }

  async events(id: string): Promise<SessionEvent[]> {
    let text: string;
    try {
      text = await readFile(this.eventsPath(id), "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw e;
    }
    return parseEvents(text);
  }
}

/**
 * A record's text, parsed. An empty one is not a record: ao writes each whole (a rename), so
 * emptiness is damage, and read as one it listed a session as working that nothing could act on.
 */
function parseRecord(text: string): Metadata {
  if (text.trim() === "") throw new Error("metadata file is empty");
  return parseMetadata(text);
}
