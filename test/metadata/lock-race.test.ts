import type * as FsPromises from "node:fs/promises";
import { mkdir, mkdtemp, readdir, rm, utimes } from "node:fs/promises";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { acquireLock, tryLock } from "../../src/metadata/lock.js";

/*
 * The race behind tryLock's ENOENT retry: the folder a taker stages its generation in can go
 * before the taker is done with it. A spare claimed by rename keeps its old time, so another
 * process's release, sweeping folders a crash left behind, can take it for abandoned and remove
 * it. That moment cannot be hit from outside, so the sweep is made to happen there: the first
 * owner file written into a staging folder finds the folder removed just before.
 */
const sweepNext = vi.hoisted(() => ({ armed: false, swept: [] as string[] }));
vi.mock("node:fs/promises", async (importOriginal) => {
  const fs = await importOriginal<typeof FsPromises>();
  return {
    ...fs,
    writeFile: (async (file: Parameters<typeof fs.writeFile>[0], ...rest: unknown[]) => {
      const dir = path.dirname(String(file));
      if (sweepNext.armed && path.basename(dir).startsWith(".new-")) {
        sweepNext.armed = false;
        sweepNext.swept.push(dir);
        rmSync(dir, { recursive: true, force: true });
      }
      return (fs.writeFile as (...a: unknown[]) => Promise<void>)(file, ...rest);
    }) as typeof fs.writeFile,
  };
});

let tmp: string;
let dir: string;
beforeEach(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "ao-lock-race-"));
  dir = path.join(tmp, "x.lock");
});
afterEach(() => rm(tmp, { recursive: true, force: true }));

describe("a lock whose staging folder is swept away mid-take", () => {
  it("looks again rather than failing, leaves nothing half-made, and is then taken", async () => {
    // A spare from a release long ago: its time is old, as a claimed spare's stays.
    await mkdir(path.join(dir, ".spare-old"), { recursive: true });
    const old = new Date(Date.now() - 10 * 60_000);
    await utimes(path.join(dir, ".spare-old"), old, old);
    sweepNext.armed = true;
    expect(await tryLock(dir)).toBe("retry");
    expect(sweepNext.swept).toHaveLength(1);
    expect(await readdir(dir)).toEqual([]);
    // The next attempt (acquireLock's own loop) takes it.
    sweepNext.armed = true;
    const lock = await acquireLock(dir, { timeoutMs: 5000 });
    expect(sweepNext.swept).toHaveLength(2);
    expect((await readdir(dir)).sort()).toEqual(["g1"]);
    await lock.release();
  });
});
