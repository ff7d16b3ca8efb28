import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ownerAlive, processStartTime } from "../exec.js";
import { PRIVATE_DIR, PRIVATE_FILE } from "./private.js";
import { uniqueSuffix } from "./unique.js";

export interface LockOptions {
  /** Give up after this long; default 10 s. */
  timeoutMs?: number;
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

async function generations(dir: string): Promise<number[]> {
  try {
    return (await readdir(dir)).map((n) => GEN.exec(n)?.[1]).filter((n): n is string => n !== undefined).map(Number);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
}

/** Whether generation `n` still binds: not released, and its owner (pid and start time) runs. */
async function held(dir: string, n: number): Promise<boolean | "gone"> {
  const g = path.join(dir, `g${n}`);
  try {
    await stat(path.join(g, "released"));
    return false;
  } catch {
    /* not released */
  }
  try {
    const owner = parseOwner(await readFile(path.join(g, "owner"), "utf8"));
    if (owner) return ownerAlive(owner.pid, owner.start);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") {
      try {
        await stat(g);
      } catch {
        return "gone"; // removed while we looked: look again
      }
    }
  }
  try {
    return Date.now() - (await stat(g)).mtimeMs < UNOWNED_GRACE_MS;
  } catch {
    return "gone";
  }
}

async function discard(g: string): Promise<void> {
  // Renamed away first, so the name never exists as an empty folder a rename could land on.
  const tomb = path.join(path.dirname(g), `.tomb-${uniqueSuffix()}`);
  try {
    await rename(g, tomb);
  } catch {
    return;
  }
  await rm(tomb, { recursive: true, force: true });
}

/** Folders a crash left half-made (`.new-*`) or half-deleted (`.tomb-*`), once clearly abandoned. */
async function sweep(dir: string): Promise<void> {
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.startsWith(".new-") && !name.startsWith(".tomb-")) continue;
    const p = path.join(dir, name);
    const age = await stat(p).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age > UNOWNED_GRACE_MS * 2) await rm(p, { recursive: true, force: true });
  }
}

/**
 * One attempt to take the lock `dir`. The lock is a folder of generations g1, g2, …: the holder
 * is the owner of the highest one, until it marks it released or dies. Taking it means creating
 * the next generation by one rename (only one process can), so recovering a dead owner's lock
 * never removes anything another process may hold: the dead generation is simply superseded.
 * Old generations go only once a newer one exists. A generation number created again by a
 * process that looked long ago is caught by the look afterwards (a newer one exists) and given up.
 */
export async function tryLock(dir: string): Promise<LockHandle | "busy" | "retry"> {
  // Not recursive: a lock on a session that does not exist must fail, not create its folder.
  await mkdir(dir, { mode: PRIVATE_DIR }).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== "EEXIST") throw e;
  });
  const gens = await generations(dir);
  const top = gens.length ? Math.max(...gens) : 0;
  if (top > 0) {
    const h = await held(dir, top);
    if (h === "gone") return "retry";
    if (h) return "busy";
  }
  const n = top + 1;
  const mine = path.join(dir, `.new-${uniqueSuffix()}`);
  const target = path.join(dir, `g${n}`);
  await mkdir(mine, { mode: PRIVATE_DIR });
  try {
    await writeFile(path.join(mine, "owner"), ownerLine(), { mode: PRIVATE_FILE });
    await rename(mine, target);
  } catch (e) {
    await rm(mine, { recursive: true, force: true });
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOTEMPTY" || code === "EEXIST") return "retry";
    throw e;
  }
  if ((await generations(dir)).some((g) => g > n)) {
    await discard(target);
    return "retry";
  }
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      try {
        await writeFile(path.join(target, "released"), "", { mode: PRIVATE_FILE });
      } catch {
        // A full disk cannot take even an empty file; a rename needs no space.
        await discard(target);
        return;
      }
      for (const g of await generations(dir)) if (g < n) await discard(path.join(dir, `g${g}`));
      await sweep(dir);
    },
  };
}

/** Take the lock `dir`, waiting (a timer, never a blocking call) up to the timeout. */
export async function acquireLock(dir: string, opts: LockOptions = {}): Promise<LockHandle> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  let wait = 2;
  for (;;) {
    const r = await tryLock(dir);
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
