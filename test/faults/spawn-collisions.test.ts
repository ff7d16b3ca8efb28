// A spawn whose names are already taken: its worktree folder (another ao's session sharing
// worktreeDir, or one whose record was deleted) or its tmux session (another AO_HOME with the
// same workspace name on the same tmux server). Found by a fault pass: the failed spawn removed
// the folder with its files, and a later cleanup killed the other ao's live agent.
import { existsSync, readFileSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { runAo } from "../helpers/ao.js";
import { git } from "../helpers/git.js";
import { privateTmux } from "../helpers/tmux.js";
import { faultWorkspace, type FaultWorkspace } from "./helpers.js";

const tm = privateTmux();
let ws: FaultWorkspace;

beforeAll(async () => {
  ws = await faultWorkspace("collide", { socket: tm.socket, agentCommand: "sleep 600" });
});
afterAll(async () => {
  tm.kill();
  await rm(ws.root, { recursive: true, force: true });
});

/** A session spawned as a user would, and its record. */
async function spawnOne(): Promise<{ id: string; meta: Record<string, string> }> {
  const spawned = await runAo(["spawn", "frontend"], { env: ws.env });
  expect(spawned.code, spawned.stderr).toBe(0);
  const id = spawned.stdout.trim();
  return { id, meta: await (await createApp({ env: ws.env })).store.read(id) };
}

describe("a spawn whose names are taken [class: work lost without --force, live agents killed]", () => {
  it("fails without touching a folder already at its worktree's place, and cleanup leaves it too", async () => {
    const theirs = path.join(ws.worktreeDir, "fe-1");
    await mkdir(theirs, { recursive: true });
    await writeFile(path.join(theirs, "notes.txt"), "someone's uncommitted work\n");
    const r = await runAo(["spawn", "frontend"], { env: ws.env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${theirs} already exists`);
    expect(readFileSync(path.join(theirs, "notes.txt"), "utf8")).toBe("someone's uncommitted work\n");
    const rec = await (await createApp({ env: ws.env })).store.read("fe-1");
    expect(rec.worktree).toBeUndefined();
    expect((await runAo(["session", "cleanup"], { env: ws.env })).code).toBe(0);
    expect(readFileSync(path.join(theirs, "notes.txt"), "utf8")).toBe("someone's uncommitted work\n");
  });

  it("fails on a tmux session of its name made by another, and its cleanup leaves that session running", async () => {
    // Another AO_HOME with this workspace's name made it, on this tmux server.
    expect(tm.tmux("new-session", "-d", "-s", "ao-collide-fe-2", "sleep", "600").code).toBe(0);
    const r = await runAo(["spawn", "frontend"], { env: ws.env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/duplicate session/);
    const rec = await (await createApp({ env: ws.env })).store.read("fe-2");
    expect(rec.tmuxName).toBeUndefined();
    expect(existsSync(path.join(ws.worktreeDir, "fe-2"))).toBe(false);
    expect((await runAo(["session", "cleanup"], { env: ws.env })).stdout).toMatch(/fe-2/);
    expect(tm.tmux("has-session", "-t", "=ao-collide-fe-2").code).toBe(0);
  });
});

describe("a worktree deleted behind ao's back", () => {
  it("is let go by its kill, and its branch can be continued in a new session", async () => {
    const { id, meta } = await spawnOne();
    await rm(meta.worktree!, { recursive: true, force: true });
    expect((await runAo(["session", "kill", id], { env: ws.env })).code).toBe(0);
    const again = await runAo(["spawn", "frontend", "--branch", meta.branch!], { env: ws.env });
    expect(again.code, again.stderr).toBe(0);
  });
});

describe("an origin that takes the connection and never answers", () => {
  it("costs ao status its radar's short fetch deadline, not a minute; the answer still comes", async () => {
    // A live session with a branch: the radar has a base to fetch.
    await spawnOne();
    const silent = net.createServer(() => {}); // accepts, says nothing
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}/app.git`;
    const before = git(ws.clone, "remote", "get-url", "origin").trim();
    try {
      git(ws.clone, "remote", "set-url", "origin", url);
      const r = await runAo(["status", "--json"], { env: ws.env });
      expect(r.code, r.stderr).toBe(0);
      expect(Array.isArray(JSON.parse(r.stdout))).toBe(true);
    } finally {
      git(ws.clone, "remote", "set-url", "origin", before);
      silent.close();
    }
  }, 40_000);
});

describe("a worktree the person locked (git worktree lock)", () => {
  it("is left by a kill that says so and how to go on, and --keep-worktree ends the session", async () => {
    const { id, meta } = await spawnOne();
    git(ws.clone, "worktree", "lock", meta.worktree!);
    const r = await runAo(["session", "kill", id], { env: ws.env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${id}: its worktree ${meta.worktree} is locked (git worktree lock), so it was left`);
    expect(existsSync(meta.worktree!)).toBe(true);
    expect((await runAo(["session", "kill", id, "--keep-worktree"], { env: ws.env })).code).toBe(0);
    git(ws.clone, "worktree", "unlock", meta.worktree!);
  });
});

describe("a record ao cannot read", () => {
  it("is named by cleanup, never cleaned", async () => {
    const dir = path.join(ws.sessionsDir, "fe-99");
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, "metadata"), "");
    const dry = await runAo(["session", "cleanup", "--dry-run"], { env: ws.env });
    expect(dry.stdout).toMatch(/Would skip fe-99 \(record unreadable; unreadable metadata: metadata file is empty; see its folder under AO_HOME\/sessions\)/);
    const real = await runAo(["session", "cleanup"], { env: ws.env });
    expect(real.stdout).toMatch(/Skipped fe-99 \(record unreadable/);
    expect(existsSync(path.join(dir, "metadata"))).toBe(true);
    await rm(dir, { recursive: true, force: true });
  });
});

describe("a session killed with its worktree kept", () => {
  it("has the worktree removed by a later kill without --keep-worktree, and its branch continues", async () => {
    const { id, meta } = await spawnOne();
    git(meta.worktree!, "push", "-q", "-u", "origin", meta.branch!);
    expect((await runAo(["session", "kill", id, "--keep-worktree"], { env: ws.env })).code).toBe(0);
    expect(existsSync(meta.worktree!)).toBe(true);
    const again = await runAo(["session", "kill", id], { env: ws.env });
    expect(again.code, again.stderr).toBe(0);
    expect(existsSync(meta.worktree!)).toBe(false);
    expect((await runAo(["spawn", "frontend", "--branch", meta.branch!], { env: ws.env })).code).toBe(0);
  });
});
