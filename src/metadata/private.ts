import { chmodSync, statSync } from "node:fs";
import path from "node:path";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";

/**
 * Everything ao keeps in AO_HOME is the user's alone: metadata, event logs (which hold whole
 * messages sent to agents), caches, locks and launch env files (which hold tokens).
 */
export const PRIVATE_DIR = 0o700;
export const PRIVATE_FILE = 0o600;

/**
 * Replace a cache file of AO_HOME (private, folders made as needed) by renaming a new one over
 * it: readers see the old file or the new one. No fsync: a cache lost in a crash is only made
 * again. Any failure (a full or read-only AO_HOME) costs the next reader its head start, never
 * the caller its answer: false, and no temp file left.
 */
export async function writeCacheFile(file: string, text: string): Promise<boolean> {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await mkdirPrivate(path.dirname(file));
    await writeFile(tmp, text, { mode: PRIVATE_FILE });
    await rename(tmp, file);
    return true;
  } catch {
    await rm(tmp, { force: true }).catch(() => {});
    return false;
  }
}

/** mkdir -p, every folder it makes private. */
export async function mkdirPrivate(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR });
}

/**
 * Close an AO_HOME that an older ao (or a hand-made one) left open to others: one stat, and a
 * chmod only when needed. A read-only or foreign AO_HOME is left as it is; reads still work.
 */
export function tightenHome(aoHome: string): void {
  try {
    const st = statSync(aoHome);
    if ((st.mode & 0o077) !== 0 && st.uid === process.getuid?.()) chmodSync(aoHome, PRIVATE_DIR);
  } catch {
    /* missing (nothing written yet) or not ours to change */
  }
}
