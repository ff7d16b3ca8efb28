import { chmodSync, statSync } from "node:fs";
import { mkdir } from "node:fs/promises";

/**
 * Everything ao keeps in AO_HOME is the user's alone: metadata, event logs (which hold whole
 * messages sent to agents), caches, locks and launch env files (which hold tokens).
 */
export const PRIVATE_DIR = 0o700;
export const PRIVATE_FILE = 0o600;

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
