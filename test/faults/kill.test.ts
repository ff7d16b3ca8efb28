// Fault suite — class "Work lost without --force": submodule commits that exist only here, a
// kill that cannot record (EROFS, ENOSPC, a held lock), kill SIGKILLed half-way, and a
// `worktree=` edited to point at someone's own checkout.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { rm, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type AppContext } from "../../src/app.js";
import { applyCleanup, cleanupPlan } from "../../src/services/cleanup.js";
import { killSession } from "../../src/services/kill.js";
import { readSessions } from "../../src/services/sessions.js";
import { runAo } from "../helpers/ao.js";
import { git } from "../helpers/git.js";
import { privateTmux, waitFor } from "../helpers/tmux.js";
import { faultWorkspace, seedPushedSession, startAo, type FaultWorkspace } from "./helpers.js";

const tm = privateTmux();
let ws: FaultWorkspace;

const seedSession = (meta: Record<string, string> = {}) => seedPushedSession(ws, meta);

/** Make the store's Nth write (1-based, from now on) fail as a full or read-only disk would. */
function failWrite(ctx: AppContext, nth: number, error: Error): void {
  const real = ctx.store.update.bind(ctx.store);
  let calls = 0;
  ctx.store.update = (async (...args: Parameters<typeof real>) => {
    if (++calls === nth) throw error;
    return real(...args);
  }) as typeof real;
}

function canBindReadOnly(): boolean {
  if (process.platform !== "linux") return false;
  const dir = mkdtempSync(path.join(tmpdir(), "ao-ro-probe-"));
  try {
    execFileSync("mount", ["--bind", dir, dir], { stdio: "ignore" });
    execFileSync("umount", [dir], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const errno = (code: string) => Object.assign(new Error(`${code}: simulated`), { code });

beforeAll(async () => {
  ws = await faultWorkspace("killfault", { socket: tm.socket });
});
afterAll(async () => {
  tm.kill();
  await rm(ws.root, { recursive: true, force: true });
});

describe("kill and cleanup [class: work lost without --force]", () => {
  it("refuses to kill a worktree whose submodule holds a commit that exists only here", async () => {
    // A library repository, added to the app as a submodule and pushed.
    const lib = path.join(ws.root, "lib");
    const libOrigin = path.join(ws.root, "lib-origin.git");
    git(ws.root, "init", "-q", "--bare", "-b", "main", libOrigin);
    git(ws.root, "init", "-q", "-b", "main", lib);
    await writeFile(path.join(lib, "lib.txt"), "v1\n");
    git(lib, "add", "lib.txt");
    git(lib, "commit", "-q", "-m", "lib v1");
    git(lib, "remote", "add", "origin", libOrigin);
    git(lib, "push", "-q", "-u", "origin", "main");
    git(ws.clone, "-c", "protocol.file.allow=always", "submodule", "add", "-q", libOrigin, "vendor/lib");
    git(ws.clone, "commit", "-q", "-m", "add lib");
    git(ws.clone, "push", "-q", "origin", "main");

    const { id, worktree, branch } = await seedSession();
    git(worktree, "-c", "protocol.file.allow=always", "submodule", "update", "-q", "--init");
    const sub = path.join(worktree, "vendor/lib");
    await writeFile(path.join(sub, "lib.txt"), "v2, only here\n");
    git(sub, "commit", "-q", "-am", "lib v2 local only");
    // The superproject's pointer to it is committed and pushed: the superproject looks clean.
    git(worktree, "commit", "-q", "-am", "bump lib");
    git(worktree, "push", "-q", "origin", branch);

    const r = await runAo(["session", "kill", id], { env: ws.env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("vendor/lib: ");
    expect(r.stderr).toContain("lib v2 local only");
    expect(existsSync(path.join(sub, "lib.txt"))).toBe(true);
    // Cleanup sees the same work and leaves the session alone.
    const ctx = await createApp({ env: ws.env });
    await ctx.store.update(id, () => ({ status: "merged" }), "test");
    const plan = (await cleanupPlan(ctx)).find((p) => p.id === id);
    expect(plan).toMatchObject({ action: "skip" });
    expect(plan?.skipReason).toMatch(/unpushed/);
    // Once pushed, it goes.
    git(sub, "push", "-q", "origin", "HEAD:main");
    const ok = await runAo(["session", "kill", id], { env: ws.env });
    expect(ok.stderr).toBe("");
    expect(existsSync(worktree)).toBe(false);
  }, 60000);

  for (const [fault, error] of [
    ["EROFS", errno("EROFS")],
    ["ENOSPC", errno("ENOSPC")],
    ["a lock timeout", new Error("timed out waiting for lock")],
  ] as const) {
    it(`with ${fault} when recording, kill destroys nothing; cut short later, it resumes`, async () => {
      const { id, worktree } = await seedSession({ status: "merged" });
      const ctx = await createApp({ env: ws.env });
      // Cleanup's real run, failing on its first write: the session is whole afterwards.
      const plan = await cleanupPlan(ctx);
      expect(plan.find((p) => p.id === id)).toMatchObject({ action: "kill" });
      failWrite(ctx, 1, error);
      const result = await applyCleanup(ctx, plan.filter((p) => p.id === id));
      expect(result.failed.map((f) => f.id)).toEqual([id]);
      expect(existsSync(worktree)).toBe(true);
      expect((await ctx.store.read(id)).status).toBe("merged");

      // The same fault after the intent is on record: the kill stops half-way, says so, and a
      // second run finishes it.
      const ctx2 = await createApp({ env: ws.env });
      failWrite(ctx2, 2, error);
      await expect(killSession(ctx2, id)).rejects.toThrow();
      const view = (await readSessions(ctx2, { all: true })).views.find((v) => v.id === id)!;
      expect(view.statusReason).toMatch(/kill interrupted/);
      expect((await cleanupPlan(ctx2)).find((p) => p.id === id)).toMatchObject({ action: "kill", reason: "kill interrupted" });
      const again = await runAo(["session", "kill", id], { env: ws.env });
      expect(again.stderr).toBe("");
      expect((await ctx.store.read(id)).status).toBe("killed");
      expect((await ctx.store.read(id)).killRequestedAt).toBeUndefined();
      expect(existsSync(worktree)).toBe(false);
    });
  }

  // A real read-only session folder (a read-only bind mount) where the machine lets us make one.
  it.skipIf(!canBindReadOnly())("with a read-only session folder, cleanup's dry run and real run agree, and nothing is destroyed", async () => {
    const { id, worktree } = await seedSession({ status: "merged" });
    const dir = path.join(ws.sessionsDir, id);
    execFileSync("mount", ["--bind", dir, dir]);
    try {
      execFileSync("mount", ["-o", "remount,ro,bind", dir]);
      const dry = JSON.parse((await runAo(["session", "cleanup", "--dry-run", "--json"], { env: ws.env })).stdout) as { plan: Array<{ id: string; action: string; skipReason?: string }> };
      const item = dry.plan.find((p) => p.id === id);
      expect(item).toMatchObject({ action: "skip" });
      expect(item?.skipReason).toMatch(/cannot record the kill: .*EROFS/);
      const real = await runAo(["session", "cleanup"], { env: ws.env });
      expect(real.stdout).not.toMatch(new RegExp(`(Could not kill|Killed) ${id}\\b`));
      expect(existsSync(worktree)).toBe(true);
    } finally {
      execFileSync("umount", [dir]);
    }
    await runAo(["session", "kill", id], { env: ws.env });
  });

  it("a kill SIGKILLed at a random point is finished by running it again", async () => {
    for (let round = 0; round < 3; round++) {
      const spawned = await runAo(["spawn", "frontend"], { env: ws.env });
      expect(spawned.stderr).toBe("");
      const id = spawned.stdout.trim();
      const meta = await (await createApp({ env: ws.env })).store.read(id);
      const kill = startAo(["session", "kill", id], ws.env);
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 600));
      kill.proc.kill("SIGKILL");
      await kill.done;
      const again = await runAo(["session", "kill", id], { env: ws.env });
      expect({ round, code: again.code, stderr: again.stderr }).toEqual({ round, code: 0, stderr: "" });
      const after = await (await createApp({ env: ws.env })).store.read(id);
      expect(after.status).toBe("killed");
      expect(existsSync(meta.worktree!)).toBe(false);
      expect(tm.tmux("has-session", "-t", `=${meta.tmuxName}`).code).not.toBe(0);
    }
  }, 90000);

  it("never removes a worktree= edited to point elsewhere, nor a link out of ao's folder", async () => {
    const mine = path.join(ws.root, "my-own-checkout");
    git(ws.clone, "worktree", "add", "-q", "-b", "mine", mine, "main");
    await writeFile(path.join(mine, "precious.txt"), "mine\n");
    // Committed and pushed: nothing marks it as unsaved work, only whose folder it is.
    git(mine, "add", "precious.txt");
    git(mine, "commit", "-q", "-m", "mine");
    git(mine, "push", "-q", "origin", "mine");
    const edited = await seedSession();
    const ctx = await createApp({ env: ws.env });
    await ctx.store.update(edited.id, () => ({ worktree: mine }), "hand-edit");
    const r = await runAo(["session", "kill", edited.id], { env: ws.env });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/left in place: .*my-own-checkout is not/);
    expect(existsSync(path.join(mine, "precious.txt"))).toBe(true);

    // ao's folder for the session replaced by a link to the user's checkout.
    const linked = await seedSession();
    git(ws.clone, "worktree", "remove", "--force", linked.worktree);
    await symlink(mine, linked.worktree);
    const r2 = await runAo(["session", "kill", linked.id], { env: ws.env });
    expect(r2.code).toBe(0);
    expect(r2.stderr).toMatch(/is a link to/);
    expect(existsSync(path.join(mine, "precious.txt"))).toBe(true);
    await waitFor("both killed", async () => (await ctx.store.read(edited.id)).status === "killed" && (await ctx.store.read(linked.id)).status === "killed");
  });
});
