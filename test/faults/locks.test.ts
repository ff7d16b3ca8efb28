// Fault suite — class "Locks, leaders, exactly-once": locks recovered from dead owners while
// live ones hold them, pid reuse, and leader election over a dead leader.
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ownerAlive, processStartTime } from "../../src/exec.js";
import { serializeMetadata } from "../../src/core/metadata-format.js";
import { pathToFileURL } from "node:url";
import { ROOT, runAo } from "../helpers/ao.js";
import { privateTmux, waitFor } from "../helpers/tmux.js";
import { deadPid, faultWorkspace, LOCK_WORKER, plantLock, start, startAo, type FaultWorkspace } from "./helpers.js";

let tmp: string;
const tm = privateTmux();
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "ao-fault-locks-"));
});
afterAll(async () => {
  tm.kill();
  await rm(tmp, { recursive: true, force: true });
});

describe("locks [class: locks, leaders, exactly-once]", () => {
  it("loses no increment while owners die holding the lock and many wait to recover it", async () => {
    const dir = path.join(tmp, "race.lock");
    const counter = path.join(tmp, "counter");
    const incs = Array.from({ length: 20 }, () => start(LOCK_WORKER, ["inc", dir, counter, "5"]));
    // Owners that die holding the lock, started throughout: every one leaves a dead lock that
    // all the waiting incrementers see at once.
    const dying = [];
    for (let i = 0; i < 24; i++) {
      dying.push(start(LOCK_WORKER, ["die", dir]));
      await new Promise((r) => setTimeout(r, 10));
    }
    const codes = await Promise.all(incs.map((c) => c.done));
    await Promise.all(dying.map((c) => c.done));
    expect(codes.map((c, i) => `${c} ${incs[i]!.err()}`)).toEqual(Array(20).fill("0 "));
    expect(Number(await readFile(counter, "utf8"))).toBe(100);
  }, 90000);

  it("recovers a lock whose pid now belongs to a live, unrelated process", async () => {
    const dir = path.join(tmp, "reused.lock");
    // A live process under the recorded pid, but not the one that took the lock: its start time differs.
    const stranger = spawn("sleep", ["30"], { stdio: "ignore" });
    try {
      const start0 = processStartTime(stranger.pid!);
      expect(start0).not.toBeNull();
      await plantLock(dir, stranger.pid!, String(Number(start0) - 1000));
      const w = start(LOCK_WORKER, ["try", dir]);
      await w.done;
      expect(w.out()).toBe("took\n");
      // The same pid with its true start time is a live owner: the lock stays its.
      const dir2 = path.join(tmp, "live.lock");
      await plantLock(dir2, stranger.pid!, start0!);
      const w2 = start(LOCK_WORKER, ["try", dir2]);
      await w2.done;
      expect(w2.out()).toBe("busy\n");
    } finally {
      stranger.kill("SIGKILL");
    }
  });

  it("where there is no /proc (macOS), a start from ps tells a reused pid from its owner too", async () => {
    const stranger = spawn("sleep", ["30"], { stdio: "ignore" });
    try {
      // As a Mac reads it: ps's elapsed time, and this process's own clock for itself.
      const start0 = processStartTime(stranger.pid!, false);
      expect(start0).toMatch(/^e\d+$/);
      expect(Math.abs(Number(start0!.slice(1)) - Date.now() / 1000)).toBeLessThan(30);
      // A live owner names itself by its own clock; ps, asked by another process, agrees.
      const owner = spawn(process.execPath, ["--input-type=module", "-e", `const { processStartTime } = await import(${JSON.stringify(pathToFileURL(path.join(ROOT, "dist/src/exec.js")).href)}); console.log(processStartTime(process.pid, false)); setTimeout(() => {}, 30000);`], { stdio: ["ignore", "pipe", "inherit"] });
      try {
        let said = "";
        owner.stdout!.on("data", (b: Buffer) => (said += b.toString()));
        await waitFor("the owner's own start", () => /^e\d+\n/.test(said), 10_000);
        expect(ownerAlive(owner.pid!, said.trim())).toBe(true);
        expect(ownerAlive(owner.pid!, `e${Number(said.trim().slice(1)) - 60}`)).toBe(false);
      } finally {
        owner.kill("SIGKILL");
      }
      // An owner that started an hour before the process now under its pid is gone.
      await plantLock(path.join(tmp, "ps-reused.lock"), stranger.pid!, `e${Number(start0!.slice(1)) - 3600}`);
      const w = start(LOCK_WORKER, ["try", path.join(tmp, "ps-reused.lock")]);
      await w.done;
      expect(w.out()).toBe("took\n");
      await plantLock(path.join(tmp, "ps-live.lock"), stranger.pid!, start0!);
      const w2 = start(LOCK_WORKER, ["try", path.join(tmp, "ps-live.lock")]);
      await w2.done;
      expect(w2.out()).toBe("busy\n");
    } finally {
      stranger.kill("SIGKILL");
    }
  });

  it("kills a session whose record lock names a reused pid (no lock timeout)", async () => {
    const ws = await faultWorkspace("pidreuse", { socket: tm.socket });
    const stranger = spawn("sleep", ["30"], { stdio: "ignore" });
    try {
      const dir = path.join(ws.sessionsDir, "fe-1");
      await plantLock(path.join(dir, ".lock"), stranger.pid!, "1");
      await writeMeta(ws, "fe-1", { status: "working" });
      const r = await runAo(["session", "kill", "fe-1"], { env: ws.env });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
    } finally {
      stranger.kill("SIGKILL");
      await rm(ws.root, { recursive: true, force: true });
    }
  });

  it("six ao watch started at once over a dead leader's lock: exactly one leads", async () => {
    const ws = await faultWorkspace("leaders", { socket: tm.socket });
    try {
      const dead = deadPid();
      await plantLock(path.join(ws.sessionsDir, ".lifecycle"), dead, "1");
      await writeMeta(ws, "fe-1", { status: "working" });
      await writeFile(path.join(ws.sessionsDir, ".lifecycle.pid"), String(dead));
      const watchers = Array.from({ length: WATCHERS }, () => startAo(["watch", "--interval", "3600"], ws.env));
      try {
        const standing = () => watchers.filter((w) => /standing by/.test(w.err()));
        const leading = () => watchers.filter((w) => /Reacting for workspace/.test(w.err()));
        // Every one has started and decided: it stands by, or it leads.
        await waitFor("every watcher decided", () => standing().length + leading().length >= WATCHERS, 30_000);
        expect(leading()).toHaveLength(1);
        expect(standing()).toHaveLength(WATCHERS - 1);
        expect(await lockOwners(ws, watchers)).toBe(1);
      } finally {
        for (const w of watchers) w.proc.kill("SIGTERM");
        await Promise.all(watchers.map((w) => w.done));
      }
    } finally {
      await rm(ws.root, { recursive: true, force: true });
    }
  }, 60000);
});

const WATCHERS = 6;

/** How many of the watchers lead: a leader holds the lifecycle lock, or the old pid file names it. */
async function lockOwners(ws: FaultWorkspace, watchers: Array<{ proc: { pid?: number } }>): Promise<number> {
  const pids = new Set(watchers.map((w) => w.proc.pid));
  const owners = new Set<number>();
  const dir = path.join(ws.sessionsDir, ".lifecycle");
  for (const g of (await readdir(dir).catch(() => [])).filter((n) => /^g\d+$/.test(n))) {
    const released = await readFile(path.join(dir, g, "released")).then(() => true, () => false);
    const owner = Number((await readFile(path.join(dir, g, "owner"), "utf8").catch(() => "")).split(" ")[0]);
    if (!released && pids.has(owner)) owners.add(owner);
  }
  return owners.size;
}

async function writeMeta(ws: FaultWorkspace, id: string, meta: Record<string, string>): Promise<void> {
  const dir = path.join(ws.sessionsDir, id);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, "metadata"), serializeMetadata({ id, projectId: "frontend", createdAt: new Date().toISOString(), ...meta }));
}
