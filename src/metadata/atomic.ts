import { closeSync, fsync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import path from "node:path";
import { PRIVATE_FILE } from "./private.js";
import { uniqueSuffix } from "./unique.js";

/** fsync off the main thread: it waits on the disk, sometimes for milliseconds. */
const flush = (fd: number) => new Promise<void>((resolve, reject) => fsync(fd, (e) => (e ? reject(e) : resolve())));

/**
 * Replace `file` with `data` so that a reader, or a crash at any instant, sees the old file or
 * the new one, never a mix: write a temp file beside it, fsync, rename over, fsync the folder.
 * The small steps are synchronous calls (microseconds each on a local folder, where each
 * promise-based one cost a threadpool round trip); only the two fsyncs wait off the main thread.
 */
export async function writeFileAtomic(file: string, data: string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${uniqueSuffix()}.tmp`);
  try {
    const fd = openSync(tmp, "wx", PRIVATE_FILE);
    try {
      const bytes = Buffer.from(data, "utf8");
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
      await flush(fd);
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
  try {
    const fd = openSync(dir, "r");
    try {
      await flush(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* best effort */
  }
}
