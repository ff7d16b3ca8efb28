import { readFileSync, statSync } from "node:fs";

const parsed = new Map<string, { ino: number; size: number; mtimeMs: number; value: unknown }>();

/**
 * A JSON file, parsed; a process that reads it again and again (the dashboard reads the PR
 * snapshot and the conflict radar's file on every refresh, every 2 s) parses it again only when
 * the file changed: another inode (every writer renames a new file over it), size or time.
 * The value is shared between callers: never change it. A missing file throws, as readFile does.
 */
export async function readSharedJson(file: string): Promise<unknown> {
  // Taken before the read: a file replaced in between is read again next time, never kept stale.
  const st = statSync(file);
  const known = parsed.get(file);
  if (known && known.ino === st.ino && known.size === st.size && known.mtimeMs === st.mtimeMs) return known.value;
  // One synchronous read: a threadpool round trip would wait behind whatever else is queued.
  const value = JSON.parse(readFileSync(file, "utf8")) as unknown;
  parsed.set(file, { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, value });
  return value;
}
