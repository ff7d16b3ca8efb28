import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SessionStore } from "../../src/metadata/store.js";
import { ROOT, requireBuild } from "../helpers/ao.js";

const WORKER = path.join(ROOT, "test/helpers/store-worker.mjs");
let home: string;
let store: SessionStore;

beforeEach(async () => {
  home = await mkdtemp(path.join(tmpdir(), "ao-store-"));
  store = new SessionStore(home, "ws");
});
afterEach(() => rm(home, { recursive: true, force: true }));

function worker(args: string[]): { done: Promise<{ code: number | null; stdout: string; stderr: string }>; kill: () => void } {
  requireBuild();
  const child = spawn(process.execPath, [WORKER, home, "ws", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout, stderr })),
  );
  return { done, kill: () => child.kill("SIGKILL") };
}

describe("SessionStore", () => {
  it("allocates ids per prefix, in order, and never reuses a killed session's number", async () => {
    expect(await store.create("fe", { projectId: "frontend" }, "test")).toBe("fe-1");
    expect(await store.create("fe", { projectId: "frontend" }, "test")).toBe("fe-2");
    expect(await store.create("api", { projectId: "backend" }, "test")).toBe("api-1");
    await store.update("fe-2", () => ({ status: "killed" }), "test");
    expect(await store.create("fe", {}, "test")).toBe("fe-3");
    expect({ ...(await store.read("fe-1")) }).toEqual({ id: "fe-1", projectId: "frontend" });
  });

  it("gives ten processes that create at once ten different ids", async () => {
    const runs = await Promise.all(Array.from({ length: 10 }, (_, i) => worker(["-", "create", String(i)]).done));
    const ids = runs.map((r) => r.stdout).sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
    expect(ids).toEqual(Array.from({ length: 10 }, (_, i) => `fe-${i + 1}`));
  });

  it("keeps keys ao does not know across updates", async () => {
    const id = await store.create("fe", { status: "working" }, "test");
    const file = path.join(store.dir(id), "metadata");
    await writeFile(file, `${await readFile(file, "utf8")}# a note\nteamOwner=alice\nx.custom=a=b\n`);
    await store.update(id, () => ({ status: "pr_open", branch: "feat/x" }), "test");
    const meta = await store.read(id);
    expect({ ...meta }).toEqual({ id, status: "pr_open", teamOwner: "alice", "x.custom": "a=b", branch: "feat/x" });
  });

  it("writes back byte for byte a hand-written line that is not UTF-8, while ao leaves its key alone", async () => {
    const id = await store.create("fe", { status: "working" }, "test");
    const file = path.join(store.dir(id), "metadata");
    // A path in Latin-1 ("é" is 0xE9), a stray 0x9B (CSI, were it read as Latin-1) in a CRLF line, a key in Latin-1.
    const latin1Path = Buffer.concat([Buffer.from("worktreeNote=/home/jos"), Buffer.from([0xe9]), Buffer.from("/proj")]);
    const stray = Buffer.concat([Buffer.from("note=a"), Buffer.from([0xff, 0x9b]), Buffer.from("31m\r")]);
    const key = Buffer.concat([Buffer.from("caf"), Buffer.from([0xe9]), Buffer.from("=1")]);
    const changing = Buffer.concat([Buffer.from("label=old"), Buffer.from([0xe9])]);
    await writeFile(file, Buffer.concat([await readFile(file), latin1Path, Buffer.from("\n"), stray, Buffer.from("\n"), key, Buffer.from("\n"), changing, Buffer.from("\n")]));

    const read = await store.read(id);
    // Shown as U+FFFD: never as a C1 control a terminal would act on.
    expect(read.note).toBe("a\uFFFD\uFFFD31m");
    await store.update(id, (cur) => ({ status: "pr_open", note: cur.note!, label: "new" }), "test");

    const lines = (await readFile(file)).toString("latin1").split("\n");
    for (const kept of [latin1Path, stray, key]) expect(lines).toContain(kept.toString("latin1"));
    expect(lines).toContain("status=pr_open");
    // A value ao changed is written as ao means it.
    expect(lines).toContain("label=new");
    expect({ ...(await store.read(id)) }).toMatchObject({ status: "pr_open", label: "new", worktreeNote: "/home/jos\uFFFD/proj", "caf\uFFFD": "1" });
  });

  it("loses no update when 20 processes write at once", async () => {
    const id = await store.create("fe", { counter: "0" }, "test");
    const runs = await Promise.all(Array.from({ length: 20 }, (_, i) => worker([id, "increment", String(i)]).done));
    expect(runs.map((r) => `${r.code} ${r.stderr}`)).toEqual(Array(20).fill("0 "));
    const meta = await store.read(id);
    expect(meta.counter).toBe("20");
    for (let i = 0; i < 20; i++) expect(meta[`writer${i}`]).toBe("done");
    // One event per update, each a whole JSON line.
    const events = await store.events(id);
    expect(events.filter((e) => e.kind === "update")).toHaveLength(20);
  });

  it("leaves the old file or the new one when a writer is killed mid-write, and recovers its lock", async () => {
    const id = await store.create("fe", { n: "0", big: "" }, "test");
    // Every read, during the writes and after each kill, must be one whole version of the file.
    const readWhole = async () => {
      const meta = await store.read(id);
      const n = Number(meta.n);
      expect(meta.big).toBe(n === 0 ? "" : String(n % 10).repeat(256 * 1024));
      return n;
    };
    for (let round = 0; round < 5; round++) {
      const w = worker([id, "churn"]);
      const start = await readWhole();
      const until = Date.now() + 150 + Math.random() * 150;
      let seen = start;
      while (Date.now() < until || seen < start + 2) seen = await readWhole();
      w.kill();
      await w.done;
      expect(await readWhole()).toBeGreaterThan(0);
    }
    // The dead writer's lock does not wedge the session.
    await store.update(id, () => ({ status: "working" }), "test");
    expect((await store.read(id)).status).toBe("working");
  });

  it("lists a corrupt or unreadable session as an error and every other session normally", async () => {
    const good = await store.create("fe", { status: "working" }, "test");
    await mkdir(path.join(store.root, "fe-7"));
    await writeFile(path.join(store.root, "fe-7", "metadata"), "status=working\nno equals sign here\n");
    const empty = path.join(store.root, "fe-8");
    await mkdir(empty);
    await utimes(empty, new Date(2020, 1, 1), new Date(2020, 1, 1));
    await mkdir(path.join(store.root, "not-a-session"));
    // An empty file is damage, not a record (ao writes each whole): it listed as working.
    await mkdir(path.join(store.root, "fe-9"));
    await writeFile(path.join(store.root, "fe-9", "metadata"), "");
    const list = (await store.list()).sort((a, b) => a.id.localeCompare(b.id, "en", { numeric: true }));
    expect(list.map((s) => [s.id, s.error ?? "ok"])).toEqual([
      [good, "ok"],
      ["fe-7", "unreadable metadata: line 2: expected key=value, got \"no equals sign here\""],
      ["fe-8", "unreadable metadata: metadata file missing"],
      ["fe-9", "unreadable metadata: metadata file is empty"],
    ]);
    await expect(store.read("fe-9")).rejects.toThrow("metadata file is empty");
  });

  it("appends one event per change, with only what changed, and never rewrites the log", async () => {
    const id = await store.create("fe", { status: "spawning", branch: "b" }, "test");
    const log = path.join(store.dir(id), "events.jsonl");
    const first = await readFile(log, "utf8");
    await store.update(id, () => ({ status: "working" }), "cli", "status");
    await store.update(id, () => ({ status: "working" }), "cli", "status"); // no change, no event
    const second = await readFile(log, "utf8");
    expect(second.startsWith(first)).toBe(true);
    const events = await store.events(id);
    expect(events.map((e) => e.kind)).toEqual(["created", "status"]);
    expect(events[1]).toMatchObject({ actor: "cli", before: { status: "spawning" }, after: { status: "working" } });
    expect(Date.parse(events[1]!.time)).not.toBeNaN();
    // No temp files are left beside the record.
    expect((await readdir(store.dir(id))).sort()).toEqual([".lock", "events.jsonl", "metadata"]);
    // The lock keeps its last generation and one spare folder for the next: nothing half-made.
    expect((await readdir(path.join(store.dir(id), ".lock"))).filter((n) => !/^g\d+$/.test(n) && !n.startsWith(".spare-"))).toEqual([]);
  });

  it("takes every record lock with one owner file per process, linked rather than written", async () => {
    const ids = [await store.create("fe", { status: "spawning" }, "test"), await store.create("fe", { status: "spawning" }, "test")];
    for (const id of ids) await store.update(id, () => ({ status: "working" }), "test");
    const owners = (await readdir(store.root)).filter((n) => n.startsWith(".owner-"));
    expect(owners).toHaveLength(1);
    const ino = (await stat(path.join(store.root, owners[0]!))).ino;
    for (const id of ids) {
      const lock = path.join(store.dir(id), ".lock");
      const gens = (await readdir(lock)).filter((n) => /^g\d+$/.test(n));
      expect(gens).toHaveLength(1);
      expect((await stat(path.join(lock, gens[0]!, "released"))).ino).toBe(ino);
    }
    expect(await store.list()).toHaveLength(2);
  });

  it("lists what is on disk now, whoever changed it, when a process lists again and again", async () => {
    const id = await store.create("fe", { status: "working" }, "cli");
    const status = async () => (await store.list()).find((x) => x.id === id)?.meta?.status;
    expect(await status()).toBe("working");
    // Another process's write (a rename of a new file), through a second store.
    await new SessionStore(home, "ws").update(id, () => ({ status: "stuck" }), "cli", "status");
    expect(await status()).toBe("stuck");
    // A hand edit in place, to a text of the same length.
    const file = path.join(home, "sessions/ws", id, "metadata");
    const text = await readFile(file, "utf8");
    await writeFile(file, text.replace("status=stuck", "status=ready"));
    expect(await status()).toBe("ready");
    // An unchanged record is the same object on every list (no copy per listing), frozen: a
    // caller cannot change what the next list returns.
    const listed = (await store.list()).find((x) => x.id === id)!;
    expect((await store.list()).find((x) => x.id === id)!.meta).toBe(listed.meta);
    expect(() => ((listed.meta as Record<string, string>).status = "mangled")).toThrow(TypeError);
    expect(await status()).toBe("ready");
  });

  it("rejects ids that could escape the sessions folder", () => {
    for (const bad of ["../x-1", "fe-1/..", "FE-1", "fe-01", "fe", "fe-1 ", ""]) {
      expect(() => store.dir(bad)).toThrow(/not a session id/);
    }
  });
});
