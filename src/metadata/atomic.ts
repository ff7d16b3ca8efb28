import { PRIVATE_FILE } from "./private.js";
import { uniqueSuffix } from "./unique.js";
import { open, rename, rm } from "node:fs/promises";
import path from "node:path";

/**
 * Replace `file` with `data` so that a reader, or a crash at any instant, sees the old file or
 * the new one, never a mix: write a temp file beside it, fsync, rename over, fsync the folder.
 */
export async function writeFileAtomic(file: string, data: string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${uniqueSuffix()}.tmp`);
  try {
    const fh = await open(tmp, "wx", PRIVATE_FILE);
    try {
      await fh.writeFile(data, "utf8");
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  await syncDir(path.dirname(file));
}

async function syncDir(dir: string): Promise<void> {
  // The rename is durable only once the folder entry is on disk. Some filesystems refuse
  // fsync on a directory; the rename is still atomic there.
  try {
    const fh = await open(dir, "r");
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    /* best effort */
  }
}
