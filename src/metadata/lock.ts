import { pidAlive } from "../exec.js";
import { uniqueSuffix } from "./unique.js";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";

export interface LockOptions {
  /** Give up after this long; default 10 s. */
  timeoutMs?: number;
}


/** A lock left by a process that died (crash, SIGKILL) must not wedge the session forever. */
async function isStale(lockDir: string): Promise<boolean> {
  try {
    const pid = Number((await readFile(`${lockDir}/owner`, "utf8")).trim());
    if (Number.isInteger(pid) && pid > 0) return !pidAlive(pid);
  } catch {
    // No readable owner: an older or hand-made lock; judge it by age.
  }
  try {
    return Date.now() - (await stat(lockDir)).mtimeMs > 30_000;
  } catch {
    return false;
  }
}

/**
 * Run `fn` while holding an exclusive lock shared across processes. The lock is a folder holding
 * its owner's pid, put in place by one rename (atomic, and it fails while another owner's folder
 * is there), so no instant exists where a lock has no owner. Waiting is a timer, never a
 * blocking call, so the event loop keeps running while another process holds it.
 */
export async function withLock<T>(lockDir: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  const mine = `${lockDir}.${uniqueSuffix()}`;
  await mkdir(mine);
  await writeFile(`${mine}/owner`, String(process.pid));
  let wait = 2;
  try {
    for (;;) {
      try {
        await rename(mine, lockDir);
        break;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== "ENOTEMPTY" && code !== "EEXIST") throw e;
      }
      if (await isStale(lockDir)) {
        // Move it aside first: of two processes that both saw it stale, only one rename succeeds.
        const tomb = `${lockDir}.stale.${process.pid}.${Date.now()}`;
        try {
          await rename(lockDir, tomb);
          await rm(tomb, { recursive: true, force: true });
        } catch {
          /* another process took it first */
        }
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${lockDir}`);
      await sleep(wait + Math.random() * wait);
      wait = Math.min(wait * 2, 50);
    }
  } catch (e) {
    await rm(mine, { recursive: true, force: true });
    throw e;
  }
  try {
    return await fn();
  } finally {
    // Never empty the lock folder in place: a rename onto an empty folder succeeds, so another
    // process could take the lock half-way through our removal. Move it aside whole, then delete.
    const released = `${mine}.released`;
    await rename(lockDir, released);
    await rm(released, { recursive: true, force: true });
  }
}
