import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acquireLock, ownerLine, tryLock, type LockHandle } from "../../src/metadata/lock.js";
import { ProcessOwnerFile } from "../../src/metadata/owner-file.js";
import { ROOT, requireBuild } from "../helpers/ao.js";

let tmp: string;
let dir: string;
beforeEach(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "ao-lock-"));
  dir = path.join(tmp, "x.lock");
});
afterEach(() => rm(tmp, { recursive: true, force: true }));

const names = async (d = dir) => (await readdir(d)).sort();

async function take(opts = {}): Promise<LockHandle> {
  const r = await tryLock(dir, opts);
  if (typeof r !== "object") throw new Error(`lock ${r}`);
  return r;
}

/** A pid nothing runs under now. */
function deadPid(): number {
  return Number(spawnSync("sh", ["-c", "echo $$"], { encoding: "utf8" }).stdout.trim());
}

async function plant(n: number, files: Record<string, string>, at?: Date): Promise<void> {
  const g = path.join(dir, `g${n}`);
  await mkdir(g, { recursive: true });
  for (const [f, text] of Object.entries(files)) await writeFile(path.join(g, f), text);
  if (at) await utimes(g, at, at);
}

describe("lock", () => {
  it("marks a release by renaming the owner file, and retires older generations only once a newer one exists", async () => {
    const a = await take();
    expect(await names()).toEqual(["g1"]);
    expect(await names(path.join(dir, "g1"))).toEqual(["owner"]);
    expect(await tryLock(dir)).toBe("busy");
    await a.release();
    // Released: the owner line is now the `released` file, and nothing else is left.
    expect(await names(path.join(dir, "g1"))).toEqual(["released"]);
    expect(await readFile(path.join(dir, "g1", "released"), "utf8")).toBe(ownerLine());
    const b = await take();
    // g1 stays while g2 is held; when g2's holder releases, it is kept as the spare folder.
    expect(await names()).toEqual(["g1", "g2"]);
    const g1 = (await stat(path.join(dir, "g1"))).ino;
    await b.release();
    const [spare, ...rest] = await names();
    expect(spare).toMatch(/^\.spare-/);
    expect(rest).toEqual(["g2"]);
    // The next generation is made in the spare (no new folder), emptied: it is held, not released.
    const c = await take();
    expect(await names()).toEqual(["g2", "g3"]);
    expect((await stat(path.join(dir, "g3"))).ino).toBe(g1);
    expect(await names(path.join(dir, "g3"))).toEqual(["owner"]);
    expect(await tryLock(dir)).toBe("busy");
    await c.release();
    // Numbers are never reused.
    const d = await take();
    expect((await names()).filter((x) => !x.startsWith(".spare-"))).toEqual(["g3", "g4"]);
    await d.release();
  });

  it("counts a generation that shows only `released` as free", async () => {
    await plant(4, { released: "1 2\n" });
    const h = await take();
    expect(await names()).toEqual(["g4", "g5"]);
    await h.release();
    expect((await names()).filter((x) => !x.startsWith(".spare-"))).toEqual(["g5"]);
  });

  it("supersedes a dead owner's generation and retires it, whatever else it holds; never a live owner's", async () => {
    await plant(1, { owner: `${deadPid()} 1\n`, "made-by-hand": "x" });
    await plant(2, { owner: `${deadPid()} 1\n`, "made-by-hand": "x" });
    const h = await take();
    expect(await names()).toEqual(["g1", "g2", "g3"]);
    await h.release();
    // One kept as the spare, the other removed with all it held.
    const left = await names();
    expect(left).toHaveLength(2);
    expect(left[0]).toMatch(/^\.spare-/);
    expect(left[1]).toBe("g3");
    // A live owner (this process) keeps its generation: busy, and nothing removed.
    const live = path.join(tmp, "live.lock");
    await mkdir(path.join(live, "g7"), { recursive: true });
    await writeFile(path.join(live, "g7", "owner"), ownerLine());
    expect(await tryLock(live)).toBe("busy");
    expect(await names(live)).toEqual(["g7"]);
  });

  it("links the owner file given instead of writing one, and writes one when it cannot link", async () => {
    const own = path.join(tmp, "own");
    await writeFile(own, ownerLine());
    const a = await take({ ownerFile: own });
    expect((await stat(path.join(dir, "g1", "owner"))).ino).toBe((await stat(own)).ino);
    await a.release();
    const b = await take({ ownerFile: path.join(tmp, "missing") });
    const st = await stat(path.join(dir, "g2", "owner"));
    expect(st.ino).not.toBe((await stat(own)).ino);
    expect(st.mode & 0o777).toBe(0o600);
    expect(await readFile(path.join(dir, "g2", "owner"), "utf8")).toBe(ownerLine());
    await b.release();
  });

  it("sweeps a crash's leftovers once they are old, and leaves a young one (another taker's)", async () => {
    const old = new Date(Date.now() - 3600_000);
    for (const n of [".new-1.a", ".tomb-1.b", ".new-2.c"]) {
      await mkdir(path.join(dir, n), { recursive: true });
      await writeFile(path.join(dir, n, "owner"), "1 2\n");
      if (n !== ".new-2.c") await utimes(path.join(dir, n), old, old);
    }
    const h = await take();
    await h.release();
    expect(await names()).toEqual([".new-2.c", "g1"]);
  });

  it("counts a generation without an owner as held for 30 s after it was made, and one dated ahead as abandoned", async () => {
    await plant(1, {});
    expect(await tryLock(dir)).toBe("busy");
    // Made by hand with a date a day ahead (or before the clock was set back): no taker is at work.
    const ahead = new Date(Date.now() + 24 * 3600_000);
    await utimes(path.join(dir, "g1"), ahead, ahead);
    for (const n of [".new-9.a", ".tomb-9.b"]) {
      await mkdir(path.join(dir, n));
      await utimes(path.join(dir, n), ahead, ahead);
    }
    const h = await take();
    await h.release();
    expect((await names()).filter((x) => !x.startsWith(".spare-"))).toEqual(["g2"]);
  });

  it("waits for a live holder and takes the lock when it lets go", async () => {
    const a = await take();
    const waiting = acquireLock(dir, { timeoutMs: 30_000 });
    await new Promise((r) => setTimeout(r, 20));
    await a.release();
    const b = await waiting;
    expect(await names()).toEqual(["g1", "g2"]);
    await b.release();
  });

  it("fails for a lock whose parent folder is missing rather than creating it", async () => {
    await expect(tryLock(path.join(tmp, "no-such-session", ".lock"))).rejects.toThrow(/ENOENT/);
  });
});

describe("ProcessOwnerFile", () => {
  it("makes one file with this process's owner line, and removes those of processes that are gone", async () => {
    const dead = path.join(tmp, ".owner-1.x");
    await writeFile(dead, `${deadPid()} 1\n`);
    const live = path.join(tmp, ".owner-2.y");
    await writeFile(live, ownerLine());
    const f = new ProcessOwnerFile(() => tmp);
    const file = await f.path();
    expect(await f.path()).toBe(file);
    expect(await readFile(file!, "utf8")).toBe(ownerLine());
    expect((await stat(file!)).mode & 0o777).toBe(0o600);
    const left = await names(tmp);
    expect(left).toContain(".owner-2.y");
    expect(left).not.toContain(".owner-1.x");
    expect(left.filter((n) => n.startsWith(".owner-"))).toHaveLength(2);
  });

  it("is removed when its process exits, while the locks that link it keep the owner line", async () => {
    requireBuild();
    const src = path.join(ROOT, "dist/src/metadata/owner-file.js");
    const lock = path.join(ROOT, "dist/src/metadata/lock.js");
    const script = `
      const { ProcessOwnerFile } = await import(${JSON.stringify(src)});
      const { tryLock } = await import(${JSON.stringify(lock)});
      const f = await new ProcessOwnerFile(() => ${JSON.stringify(tmp)}).path();
      await tryLock(${JSON.stringify(dir)}, { ownerFile: f });
      process.stdout.write(f);`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/\.owner-/);
    expect((await names(tmp)).filter((n) => n.startsWith(".owner-"))).toEqual([]);
    expect(await readFile(path.join(dir, "g1", "owner"), "utf8")).toMatch(new RegExp(`^${r.pid} `));
  });
});
