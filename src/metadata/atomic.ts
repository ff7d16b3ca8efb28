import { closeSync, fsync, open, openSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { promisify } from "node:util";
import path from "node:path";
import { PRIVATE_FILE } from "./private.js";
import { uniqueSuffix } from "./unique.js";

/** open(2) on the threadpool, for an fd: a create is real work for the system (an inode). */
export const openAsync = promisify(open);
const fsyncAsync = promisify(fsync);

/**
 * Replace `file` with `data` so that a reader, or a crash at any instant, sees the old file or
 * the new one, never a mix: write a temp file beside it, fsync, rename over, fsync the folder.
 *
 * The create and the two fsyncs run on the threadpool (they cost the system real work, and
 * there they use every core); the write of a few hundred bytes, the close and the rename are
 * synchronous calls of a few microseconds each, cheaper than a round trip to the pool.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${uniqueSuffix()}.tmp`);
  try {
    const fd = await openAsync(tmp, "wx", PRIVATE_FILE);
    try {
      writeFileSync(fd, data, "utf8");
      await fsyncAsync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  await syncDir(path.dirname(file));
}

async function syncDir(dir: string): Promise<void> {
  // The rename is durable only once the folder entry is on disk. Some filesystems refuse
  // fsync on a directory; the rename is still atomic there.
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    await fsyncAsync(fd);
  } catch {
    /* best effort */
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
