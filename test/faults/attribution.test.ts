// Fault suite — class "Wrong work attributed, live agents killed": PRs that share a session's
// branch name but are not its own, ids reused after a reset, a restore racing a slow status,
// and a tmux server whose socket file was deleted.
import { execFileSync, spawn as spawnChild } from "node:child_process";
import { mkdir, readFile, rm, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGitHub, type FakeGitHub } from "../../demo/fake-github.js";
import { createApp } from "../../src/app.js";
import { serializeMetadata } from "../../src/core/metadata-format.js";
import { applyCleanup, cleanupPlan } from "../../src/services/cleanup.js";
import { restoreSession } from "../../src/services/restore.js";
import { processesIn } from "../../src/plugins/runtime/processes.js";
import { runAo } from "../helpers/ao.js";
import { git } from "../helpers/git.js";
import { privateTmux, waitFor } from "../helpers/tmux.js";
import { faultWorkspace, startAo, type FaultWorkspace } from "./helpers.js";

const REPO = "org/app";
const tm = privateTmux();
let gh: FakeGitHub;
let ws: FaultWorkspace;

type Row = { name: string; status: string; statusReason: string; prNumber: number | null; activity: string | null; branch: string };
// --refresh: these cases change GitHub between calls, faster than the shared snapshot's 30 s.
const rows = async (cmd: "status" | "ls" = "status"): Promise<Row[]> =>
  JSON.parse((await runAo(cmd === "status" ? ["status", "--json", "--refresh"] : ["session", "ls", "--json"], { env: ws.env })).stdout) as Row[];
const row = async (id: string, cmd: "status" | "ls" = "status") => (await rows(cmd)).find((r) => r.name === id)!;
const meta = async (id: string) => readFile(path.join(ws.sessionsDir, id, "metadata"), "utf8");

async function spawnReady(): Promise<string> {
  const r = await runAo(["spawn", "frontend"], { env: ws.env });
  expect(r.stderr).toBe("");
  const id = r.stdout.trim();
  await waitFor(`${id} ready`, async () => (await row(id, "ls"))?.activity === "ready");
  return id;
}

const hourAgo = () => new Date(Date.now() - 3_600_000).toISOString();

beforeAll(async () => {
  gh = await startFakeGitHub({ token: "fake-token" });
  ws = await faultWorkspace("attrib", { socket: tm.socket, github: gh.baseUrl });
});
afterAll(async () => {
  tm.kill();
  await gh.close();
  await rm(ws.root, { recursive: true, force: true });
});

describe("which work is a session's [class: wrong work attributed, live agents killed]", () => {
  it("an old merged PR or a fork's PR on the session's branch name is not the session's", async () => {
    const id = await spawnReady();
    const { branch } = await row(id, "ls");
    // Both share the branch name: one merged long before this session, one from a fork.
    const old = gh.state.openPr({ repo: REPO, branch, createdAt: new Date(Date.now() - 86_400_000).toISOString() });
    gh.state.merge(REPO, old);
    gh.state.openPr({ repo: REPO, branch, fork: "mallory/app" });
    const r = await row(id);
    expect(r).toMatchObject({ status: expect.not.stringMatching(/merged|pr_open/), prNumber: null });
    const plan = JSON.parse((await runAo(["session", "cleanup", "--dry-run", "--json"], { env: ws.env })).stdout) as { plan: Array<{ id: string }> };
    expect(plan.plan.map((p) => p.id)).not.toContain(id);
    await runAo(["session", "cleanup"], { env: ws.env });
    expect((await row(id, "ls")).activity).not.toBe("exited");
    expect(await meta(id)).not.toMatch(/status=killed/);

    // The session's own PR, opened after it began, is found.
    const own = gh.state.openPr({ repo: REPO, branch });
    expect(await row(id)).toMatchObject({ status: "pr_open", prNumber: own });
    await runAo(["session", "kill", id], { env: ws.env });
  }, 90000);

  it("an older PR carrying the session's own commit is the session's", async () => {
    const id = `fe-${90}`;
    const branch = "ao/fe-90";
    const worktree = path.join(ws.worktreeDir, id);
    git(ws.clone, "worktree", "add", "-q", "-b", branch, worktree, "main");
    await writeFile(path.join(worktree, "work.txt"), "session work\n");
    git(worktree, "add", "work.txt");
    git(worktree, "commit", "-q", "-m", "session work");
    const sha = git(worktree, "rev-parse", "HEAD").trim();
    await mkdir(path.join(ws.sessionsDir, id), { recursive: true });
    // Recorded as created now, but its PR says an hour ago (clocks disagree): the commit decides.
    await writeFile(path.join(ws.sessionsDir, id, "metadata"), serializeMetadata({ id, projectId: "frontend", status: "working", createdAt: new Date().toISOString(), branch, worktree }));
    const n = gh.state.openPr({ repo: REPO, branch, createdAt: hourAgo(), headSha: sha });
    expect(await row(id)).toMatchObject({ status: "pr_open", prNumber: n });
  });

  it("an id reused after a reset inherits nothing the old session had", async () => {
    const id = "fe-200";
    const branch = "feat/reset";
    const seed = async (createdAt: string) => {
      await mkdir(path.join(ws.sessionsDir, id), { recursive: true });
      await writeFile(path.join(ws.sessionsDir, id, "metadata"), serializeMetadata({ id, projectId: "frontend", status: "working", createdAt, branch }));
    };
    await seed(hourAgo());
    const n = gh.state.openPr({ repo: REPO, branch });
    gh.state.merge(REPO, n);
    expect(await row(id)).toMatchObject({ status: "merged", prNumber: n });
    // A reset: the session's record is gone, and a new session gets the same id.
    await rm(path.join(ws.sessionsDir, id), { recursive: true });
    await seed(new Date(Date.now() + 1000).toISOString());
    // The cached facts (no GitHub asked) are the old session's, not this one's: never merged.
    // (The hand-made record names no tmux session: ao cannot see it, and says so.)
    expect(await row(id, "ls")).toMatchObject({ status: "errored", statusCause: "unobservable", prNumber: null });
    expect(await row(id)).toMatchObject({ status: "errored", statusCause: "unobservable", prNumber: null });
  });

  it("a slow ao status never records its stale observation over a restore", async () => {
    const id = await spawnReady();
    const m = await meta(id);
    const tmuxName = /tmuxName=(.*)/.exec(m)![1]!;
    const worktree = /worktree=(.*)/.exec(m)![1]!;
    tm.tmux("kill-session", "-t", `=${tmuxName}`);
    await waitFor("the agent gone", async () => (await processesIn(worktree)).length === 0);
    // GitHub answers the status run only after the restore has finished.
    const release = gh.state.holdNext(1);
    const status = startAo(["status", "--json"], ws.env);
    await waitFor("the status run waiting on GitHub", () => gh.state.heldNow === 1);
    const restore = await runAo(["session", "restore", id], { env: ws.env });
    release();
    expect(restore.stderr).toBe("");
    await status.done;
    // The run saw the agent gone before the restore; it must not say so now. The restore
    // started the agent, and nothing has seen it since.
    expect(await meta(id)).toMatch(/status=spawning/);
    expect(await meta(id)).toMatch(/agentStartedAt=/);
    expect(await meta(id)).toMatch(/restoredAt=/);
    const events = await readFile(path.join(ws.sessionsDir, id, "events.jsonl"), "utf8");
    const afterRestore = events.slice(events.lastIndexOf('"kind":"restored"'));
    expect(afterRestore, events).not.toMatch(/runtime lost/);
    const plan = JSON.parse((await runAo(["session", "cleanup", "--dry-run", "--json"], { env: ws.env })).stdout) as { plan: Array<{ id: string }> };
    expect(plan.plan.map((p) => p.id)).not.toContain(id);

    // A cleanup planned while the agent was gone, carried out after a restore: the plan is stale.
    tm.tmux("kill-session", "-t", `=${tmuxName}`);
    await waitFor("the agent gone", async () => (await processesIn(worktree)).length === 0);
    const ctx = await createApp({ env: ws.env });
    const stalePlan = (await cleanupPlan(ctx)).filter((p) => p.id === id);
    expect(stalePlan).toMatchObject([{ id, action: "kill", reason: "runtime dead" }]);
    expect((await runAo(["session", "restore", id], { env: ws.env })).stderr).toBe("");
    const applied = await applyCleanup(ctx, stalePlan);
    expect(applied.killed).toEqual([]);
    expect(applied.failed[0]?.error).toMatch(/changed since the plan/);
    expect(tm.tmux("has-session", "-t", `=${tmuxName}`).code).toBe(0);
    await runAo(["session", "kill", id], { env: ws.env });
  }, 90000);

  it("a kill that lands while a restore starts the agent is not overwritten by the restore", async () => {
    const id = await spawnReady();
    expect((await runAo(["session", "kill", id, "--keep-worktree"], { env: ws.env })).code).toBe(0);
    const ctx = await createApp({ env: ws.env });
    // The kill runs just before the restore records its result.
    const real = ctx.store.update.bind(ctx.store);
    let raced = false;
    ctx.store.update = (async (...args: Parameters<typeof real>) => {
      if (!raced && args[3] === "restored") {
        raced = true;
        expect((await runAo(["session", "kill", id], { env: ws.env })).stderr).toBe("");
      }
      return real(...args);
    }) as typeof real;
    await expect(restoreSession(ctx, id)).rejects.toThrow(/killed while it was being restored/);
    expect(await meta(id)).toMatch(/status=killed/);
  }, 90000);

  it("a tmux socket deleted while its server runs: not errored, nothing recorded, no second agent", async () => {
    const id = await spawnReady();
    const worktree = /worktree=(.*)/.exec(await meta(id))![1]!;
    const serverPid = Number(tm.tmux("display-message", "-p", "#{pid}").stdout.trim());
    const agents = (await processesIn(worktree)).length;
    expect(agents).toBeGreaterThan(0);
    const recorded = /^status=.*$/m.exec(await meta(id))![0];
    const socket = path.join(process.env.TMUX_TMPDIR || "/tmp", `tmux-${process.getuid!()}`, tm.socket);
    await unlink(socket);
    try {
      const r = await row(id);
      expect(r.statusReason).not.toMatch(/runtime lost/);
      expect(r.statusReason).toMatch(/tmux/);
      expect(/^status=.*$/m.exec(await meta(id))![0]).toBe(recorded);
      const plan = JSON.parse((await runAo(["session", "cleanup", "--dry-run", "--json"], { env: ws.env })).stdout) as { plan: Array<{ id: string }> };
      expect(plan.plan.map((p) => p.id)).not.toContain(id);
      const restore = await runAo(["session", "restore", id], { env: ws.env });
      expect(restore.code).toBe(1);
      expect(restore.stderr).toMatch(/already run in/);
      expect((await processesIn(worktree)).length).toBe(agents);
    } finally {
      // tmux makes its socket again on SIGUSR1.
      execFileSync("kill", ["-USR1", String(serverPid)]);
      await waitFor("socket back", async () => tm.tmux("has-session", "-t", `=ao-attrib-${id}`).code === 0);
    }
    await runAo(["session", "kill", id], { env: ws.env });
  }, 90000);

  it("a spawn and a restore record that they started the agent, not that it works; a look records what it saw", async () => {
    const r = await runAo(["spawn", "frontend"], { env: ws.env });
    expect(r.stderr).toBe("");
    const id = r.stdout.trim();
    // Nothing has looked at the agent yet: the record says no more than that it was started.
    let m = await meta(id);
    expect(m).toMatch(/^status=spawning$/m);
    expect(m).toMatch(/^agentStartedAt=/m);
    expect(m).not.toMatch(/^spawnPid=/m);
    await waitFor(`${id} seen`, async () => (await row(id, "ls"))?.activity === "ready");
    // A look that sees it records what it saw (the generic agent at its prompt). A look begun
    // within a file-time grain of the spawn's last write records nothing (it may be older than
    // the write): the next one does.
    const recordedSeen = async () => {
      const seen = await row(id);
      return seen.status !== "spawning" && new RegExp(`^status=${seen.status}$`, "m").test(await meta(id));
    };
    await waitFor(`${id} recorded as seen`, recordedSeen);

    const tmuxName = /tmuxName=(.*)/.exec(await meta(id))![1]!;
    tm.tmux("kill-session", "-t", `=${tmuxName}`);
    expect(await row(id)).toMatchObject({ status: "errored" });
    expect((await runAo(["session", "restore", id], { env: ws.env })).stderr).toBe("");
    m = await meta(id);
    expect(m).toMatch(/^status=spawning$/m);
    expect(m).toMatch(/^restoredAt=/m);
    // Its tmux lost again before anything saw the agent: lost, not a spawn under way, and a
    // restore brings it back (it is no unfinished spawn). `ls` records nothing: the record
    // still says spawning when the restore reads it.
    tm.tmux("kill-session", "-t", `=${tmuxName}`);
    expect(await row(id, "ls")).toMatchObject({ status: "errored", statusReason: expect.stringMatching(/runtime lost/) });
    expect(await meta(id)).toMatch(/^status=spawning$/m);
    expect((await runAo(["session", "restore", id], { env: ws.env })).stderr).toBe("");
    await waitFor(`${id} recorded as seen again`, recordedSeen);
    await runAo(["session", "kill", id], { env: ws.env });
  }, 120000);

  it("a person's own process in the worktree of a session whose tmux is gone does not make the agent seem alive", async () => {
    const id = await spawnReady();
    const m = await meta(id);
    const tmuxName = /tmuxName=(.*)/.exec(m)![1]!;
    const worktree = /worktree=(.*)/.exec(m)![1]!;
    // A shell of the person's, sitting in the worktree: no session's mark.
    const mine = spawnChild("sleep", ["300"], { cwd: worktree, stdio: "ignore", env: { PATH: process.env.PATH } });
    try {
      tm.tmux("kill-session", "-t", `=${tmuxName}`);
      await waitFor("only the person's process left", async () => (await processesIn(worktree)).map((p) => p.pid).join() === String(mine.pid));
      expect(await row(id)).toMatchObject({ status: "errored", statusReason: expect.stringMatching(/runtime lost/) });
    } finally {
      mine.kill();
    }
    await runAo(["session", "kill", id], { env: ws.env });
  }, 90000);
});
