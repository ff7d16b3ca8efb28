// Restore, kill and cleanup meeting one session at once, and a restore cut short: found by a
// fault pass that killed -9 `ao session restore` after its tmux session started.
import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { processStartTime } from "../../src/exec.js";
import { tryLock } from "../../src/metadata/lock.js";
import { cleanupPlan } from "../../src/services/cleanup.js";
import { killLockDir } from "../../src/services/kill.js";
import { restoreLockDir, restoreSession } from "../../src/services/restore.js";
import { readSessions } from "../../src/services/sessions.js";
import { privateTmux } from "../helpers/tmux.js";
import { faultWorkspace, seedPushedSession, type FaultWorkspace } from "./helpers.js";

const tm = privateTmux();
let ws: FaultWorkspace;

/** A session whose tmux session is gone (recorded as runtime lost), its worktree pushed and clean. */
async function lostSession(meta: Record<string, string> = {}): Promise<{ id: string; tmuxName: string }> {
  const { id } = await seedPushedSession(ws, { status: "errored", statusCause: "runtime_lost", errorReason: "runtime lost (tmux session gone without a kill)", agent: "generic", ...meta });
  const tmuxName = `ao-races-${id}`;
  await (await createApp({ env: ws.env })).store.update(id, () => ({ tmuxName }), "cli");
  return { id, tmuxName };
}

const planFor = async (id: string) => (await cleanupPlan(await createApp({ env: ws.env }))).find((i) => i.id === id);

beforeAll(async () => {
  ws = await faultWorkspace("races", { socket: tm.socket, agentCommand: "sleep 600" });
});
afterAll(async () => {
  tm.kill();
  await rm(ws.root, { recursive: true, force: true });
});

describe("a restore meeting cleanup or a kill [class: live agents killed]", () => {
  it("cleanup leaves alone a session whose restore runs now", async () => {
    const { id } = await lostSession();
    expect((await planFor(id))?.action).toBe("kill");
    const ctx = await createApp({ env: ws.env });
    const lock = await tryLock(restoreLockDir(ctx, id));
    if (typeof lock !== "object") throw new Error(`lock: ${lock}`);
    try {
      expect(await planFor(id)).toMatchObject({ action: "skip", skipReason: "a restore of it is under way" });
    } finally {
      await lock.release();
    }
    expect((await planFor(id))?.action).toBe("kill");
  });

  it("a restore cut short after its agent started: the session reads as live, and cleanup does not kill it", async () => {
    const { id, tmuxName } = await lostSession({ restoring: new Date().toISOString() });
    // What the restore had started before it was killed: the agent, in its tmux session.
    expect(tm.tmux("new-session", "-d", "-s", tmuxName, "sleep", "600").code).toBe(0);
    const view = (await readSessions(await createApp({ env: ws.env }), { ids: [id] })).views[0]!;
    // Its agent has drawn nothing (no activity, being no evidence of any): live and starting.
    expect(view).toMatchObject({ status: "spawning", statusCause: "booting", activity: null });
    expect(await planFor(id)).toBeUndefined();
  });

  it("a restore refuses while a kill of the session runs, and goes ahead once it is done", async () => {
    const { id } = await lostSession({ killRequestedAt: new Date().toISOString() });
    const ctx = await createApp({ env: ws.env });
    const lock = await tryLock(killLockDir(ctx, id));
    if (typeof lock !== "object") throw new Error(`lock: ${lock}`);
    try {
      await expect(restoreSession(ctx, id)).rejects.toThrow(`${id}: it is being killed; restore it once the kill is done`);
    } finally {
      await lock.release();
    }
    // A kill cut short (its intent on record, its process gone) does not hold a restore back.
    await expect(restoreSession(await createApp({ env: ws.env }), id)).resolves.toMatchObject({ id });
  });
});

describe("a record's worktree= edited to point elsewhere [class: acts on what is not its own]", () => {
  it("is not where restore starts an agent: the user's own clone is refused, and nothing starts", async () => {
    const { id, tmuxName } = await lostSession();
    await (await createApp({ env: ws.env })).store.update(id, () => ({ worktree: ws.clone }), "cli");
    await expect(restoreSession(await createApp({ env: ws.env }), id)).rejects.toThrow(`${id}: its record's worktree=${ws.clone} is not a folder ao made for it`);
    expect(tm.tmux("has-session", "-t", `=${tmuxName}`).code).not.toBe(0);
  });
});

describe("a spawn cut short before its agent started [class: acts without cause]", () => {
  it("is not restored: no agent ever had its task, and nothing starts", async () => {
    // What ao leaves when it dies between making the worktree and starting the agent: the
    // record still spawning, its spawner gone.
    const { id, tmuxName } = await lostSession({ status: "spawning", statusCause: "", errorReason: "", spawnPid: "999999", spawnStart: "1" });
    await expect(restoreSession(await createApp({ env: ws.env }), id)).rejects.toThrow(`${id}: its spawn never finished`);
    expect(tm.tmux("has-session", "-t", `=${tmuxName}`).code).not.toBe(0);
    expect((await planFor(id))?.reason).toBe("spawn abandoned");
  });

  it("is not restored while its spawn still runs: restore says so, and nothing starts", async () => {
    // The spawner is this very process, alive: its spawn is under way (fetch, postCreate).
    const { id, tmuxName } = await lostSession({ status: "spawning", statusCause: "", errorReason: "", spawnPid: String(process.pid), spawnStart: processStartTime(process.pid) ?? "" });
    await expect(restoreSession(await createApp({ env: ws.env }), id)).rejects.toThrow(`${id}: it is still being spawned`);
    expect(tm.tmux("has-session", "-t", `=${tmuxName}`).code).not.toBe(0);
  });
});
