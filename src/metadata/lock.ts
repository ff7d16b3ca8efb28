import { linkSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, unlinkSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ownerAlive, processStartTime } from "../exec.js";
import { PRIVATE_DIR, PRIVATE_FILE } from "./private.js";
import { uniqueSuffix } from "./unique.js";

export interface LockOptions extends TakeOptions {
  /** Give up after this long; default 10 s. */
  timeoutMs?: number;
}

export interface TakeOptions {
  /**
   * A file holding this process's owner line (ownerLine()), on the same filesystem as the lock:
   * hard-linked as each generation's owner instead of writing a new file. A new inode is the
   * dear part of a lock: ext4 without a journal, after many deletions, spent ~0.5 ms of system
   * time per file created, a link ~15 µs. Any failure to link falls back to writing the file.
   */
  ownerFile?: string;
}

export interface LockHandle {
  release(): Promise<void>;
}

/** Who holds a lock: a pid alone is not enough, since the system hands pids out again. */
export interface LockOwner {
  pid: number;
  start: string | null;
}

const GEN = /^g(\d+)$/;
/** A generation without a readable owner (made by hand, or cut short) counts as held this long. */
const UNOWNED_GRACE_MS = 30_000;

export function ownerLine(pid = process.pid): string {
  return `${pid} ${processStartTime(pid) ?? "-"}\n`;
}

export function parseOwner(text: string): LockOwner | null {
  const [pidText, start] = text.trim().split(/\s+/);
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  return { pid, start: start && start !== "-" ? start : null };
}

/*
 * Everything here but creating a file or folder is one synchronous call: a rename, link, unlink,
 * listing or read of a few bytes costs microseconds, less than a threadpool round trip (500
 * record writes at once made ~14,000 of those). Creates stay on the threadpool, where they run
 * on every core.
 */

/** The names in the lock folder, or null when there is no folder. */
function listing(dir: string): string[] | null {
  try {
    return readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}

function generations(names: readonly string[]): number[] {
  return names.map((n) => GEN.exec(n)?.[1]).filter((n): n is string => n !== undefined).map(Number);
}

const exists = (p: string): boolean => {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
};

/**
 * Whether generation `n` still binds: not released, and its owner (pid and start time) runs.
 * Releasing renames `owner` to `released`, so a generation shows one or the other.
 */
function held(dir: string, n: number): boolean | "gone" {
  const g = path.join(dir, `g${n}`);
  if (exists(path.join(g, "released"))) return false;
  try {
    const owner = parseOwner(readFileSync(path.join(g, "owner"), "utf8"));
    if (owner) return ownerAlive(owner.pid, owner.start);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") {
      if (exists(path.join(g, "released"))) return false; // released while we looked
      if (!exists(g)) return "gone"; // removed while we looked: look again
    }
  }
  try {
    return youngerThan(statSync(g).mtimeMs, UNOWNED_GRACE_MS);
  } catch {
    return "gone";
  }
}

/**
 * Whether a folder dated `mtimeMs` was made within the last `ms`. A date further ahead than that
 * is no sign of a live maker (a hand-set date, a clock set back since): taken for its date, it
 * held a lock, or kept a crash's leftovers, until the clock caught up.
 */
function youngerThan(mtimeMs: number, ms: number): boolean {
  return Math.abs(Date.now() - mtimeMs) < ms;
}

/** Remove a folder ao made: its known files and itself, or everything when it holds more. */
function remove(p: string): void {
  emptied(p);
  try {
    rmdirSync(p);
  } catch {
    rmSync(p, { recursive: true, force: true });
  }
}

function discard(g: string): void {
  // Renamed away first, so the name never exists as an empty folder a rename could land on.
  const tomb = path.join(path.dirname(g), `.tomb-${uniqueSuffix()}`);
  try {
    renameSync(g, tomb);
  } catch {
    return;
  }
  remove(tomb);
}

/** Keep generation folder `g` as the lock's spare; whether it now has one. */
function keep(g: string): boolean {
  try {
    renameSync(g, path.join(path.dirname(g), `${SPARE}${uniqueSuffix()}`));
    return true;
  } catch {
    return false; // gone meanwhile
  }
}

const leftover = (name: string) => name.startsWith(".new-") || name.startsWith(".tomb-");

/** Folders a crash left half-made (`.new-*`) or half-deleted (`.tomb-*`), once clearly abandoned. */
function sweep(dir: string, names: readonly string[]): void {
  for (const name of names) {
    if (!leftover(name)) continue;
    const p = path.join(dir, name);
    let young: boolean;
    try {
      young = youngerThan(statSync(p).mtimeMs, UNOWNED_GRACE_MS * 2);
    } catch {
      continue;
    }
    if (!young) rmSync(p, { recursive: true, force: true });
  }
}

const SPARE = ".spare-";

/**
 * The folder the next generation is made in: the lock folder's spare if it keeps one (a
 * superseded generation kept rather than removed, claimed by one rename so two takers cannot
 * both have it, and emptied), else a new one. A new folder is the dear part of a lock (see
 * TakeOptions.ownerFile), and so is removing one: ext4 skips recently freed inodes when it
 * hands out new ones.
 */
async function staging(dir: string, names: readonly string[]): Promise<string> {
  const mine = path.join(dir, `.new-${uniqueSuffix()}`);
  const spare = names.find((n) => n.startsWith(SPARE));
  if (spare) {
    try {
      renameSync(path.join(dir, spare), mine);
    } catch {
      return mkdir(mine, { mode: PRIVATE_DIR }).then(() => mine); // another taker claimed it
    }
    if (emptied(mine)) return mine;
    remove(mine);
  }
  await mkdir(mine, { mode: PRIVATE_DIR });
  return mine;
}

/** Whether `released` and `owner` are gone from a reused folder: a generation made in it must not look released. */
function emptied(p: string): boolean {
  for (const f of ["released", "owner"]) {
    try {
      unlinkSync(path.join(p, f));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") return false;
    }
  }
  return true;
}

/** The new generation's owner file: a link to this process's own when it has one, else written. */
async function writeOwner(file: string, ownerFile: string | undefined): Promise<void> {
  if (ownerFile) {
    try {
      linkSync(ownerFile, file);
      return;
    } catch {
      /* another filesystem, no links there, the file gone: write one */
    }
  }
  await writeFile(file, ownerLine(), { mode: PRIVATE_FILE });
}

/**
 * One attempt to take the lock `dir`. The lock is a folder of generations g1, g2, …: the holder
 * is the owner of the highest one, until it marks it released or dies. Taking it means creating
 * the next generation by one rename (only one process can), so recovering a dead owner's lock
 * never removes anything another process may hold: the dead generation is simply superseded.
 * Old generations go only once a newer one exists. A generation number created again by a
 * process that looked long ago is caught by the look afterwards (a newer one exists) and given up.
 */
export async function tryLock(dir: string, opts: TakeOptions = {}): Promise<LockHandle | "busy" | "retry"> {
  let names = listing(dir);
  if (names === null) {
    // Not recursive: a lock on a session that does not exist must fail, not create its folder.
    await mkdir(dir, { mode: PRIVATE_DIR }).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== "EEXIST") throw e;
    });
    names = [];
  }
  const gens = generations(names);
  const top = gens.length ? Math.max(...gens) : 0;
  if (top > 0) {
    const h = held(dir, top);
    if (h === "gone") return "retry";
    if (h) return "busy";
  }
  const n = top + 1;
  const target = path.join(dir, `g${n}`);
  const mine = await staging(dir, names);
  try {
    await writeOwner(path.join(mine, "owner"), opts.ownerFile);
    renameSync(mine, target);
  } catch (e) {
    remove(mine);
    const code = (e as NodeJS.ErrnoException).code;
    // Another took this number first; or our folder went (a reused spare, claimed with its old
    // time, can look abandoned to a sweep): look again. A session gone since fails the next look.
    if (code === "ENOTEMPTY" || code === "EEXIST" || code === "ENOENT") return "retry";
    throw e;
  }
  // The look afterwards; its generations below `n` are the ones release removes (one made
  // later, by a process that looked long ago, sees this one and removes itself).
  const after = listing(dir) ?? [];
  if (generations(after).some((g) => g > n)) {
    discard(target);
    return "retry";
  }
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      try {
        // One rename marks it released: no file to create, no space needed.
        renameSync(path.join(target, "owner"), path.join(target, "released"));
      } catch {
        discard(target);
        return;
      }
      // One superseded generation is kept as the next taker's folder; the others go.
      let spare = after.some((name) => name.startsWith(SPARE));
      for (const g of generations(after)) {
        if (g >= n) continue;
        if (spare) discard(path.join(dir, `g${g}`));
        else spare = keep(path.join(dir, `g${g}`));
      }
      if (after.some(leftover)) sweep(dir, after);
    },
  };
}

/** Whether a live process holds the lock `dir` now (a look; nothing is taken or changed). */
export function lockHeld(dir: string): boolean {
  for (let i = 0; i < 3; i++) {
    const names = listing(dir);
    if (names === null) return false;
    const gens = generations(names);
    if (!gens.length) return false;
    const h = held(dir, Math.max(...gens));
    if (h !== "gone") return h;
  }
  return false;
}

/** Take the lock `dir`, waiting (a timer, never a blocking call) up to the timeout. */
export async function acquireLock(dir: string, opts: LockOptions = {}): Promise<LockHandle> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  let wait = 2;
  for (;;) {
    const r = await tryLock(dir, opts);
    if (typeof r === "object") return r;
    if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${dir}`);
    if (r === "retry") {
      await sleep(Math.random() * 2);
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${dir}`);
    await sleep(wait + Math.random() * wait);
    wait = Math.min(wait * 2, 50);
  }
}

/** Run `fn` while holding an exclusive lock shared across processes. */
export async function withLock<T>(dir: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const lock = await acquireLock(dir, opts);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}
