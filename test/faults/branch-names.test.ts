// Fault suite — a session's branch under others' hands: a name another ao sharing the clone takes
// between this spawn's check and its make, the branch of a spawn that does not finish, and a
// branch deleted behind ao's back. Found by a fault pass: the first spawn failed on git's "a
// branch named … already exists", the second's branch stayed and held its name, and the third
// had kill, restore and spawn --branch print git's raw words ("ambiguous argument 'HEAD'").
import { existsSync, readFileSync } from "node:fs";
import { readdir, rm, writeFile } from "node:fs/promises";
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
  ws = await faultWorkspace("branches", { socket: tm.socket, agentCommand: "sleep 600" });
});
afterAll(async () => {
  tm.kill();
  await rm(ws.root, { recursive: true, force: true });
});

const IDENTITY = ["-c", "user.name=Test", "-c", "user.email=t@example.com"];
const record = async (id: string) => (await createApp({ env: ws.env })).store.read(id);
const branchAt = (branch: string): string | null => {
  try {
    return git(ws.clone, "rev-parse", "--verify", "--quiet", `refs/heads/${branch}`).trim();
  } catch {
    return null;
  }
};
const sessions = async () => (existsSync(ws.sessionsDir) ? (await readdir(ws.sessionsDir)).filter((d) => /^fe-\d+$/.test(d)) : []);
const nextId = async () => `fe-${Math.max(0, ...(await sessions()).map((d) => Number(d.slice(3)))) + 1}`;

/** The project's config, with these postCreate commands (run in the new worktree by /bin/sh). */
async function postCreate(cmds: string[]): Promise<void> {
  await writeFile(
    ws.env.AO_CONFIG_PATH!,
    `name: branches\nprojects:\n  frontend: { repo: org/app, path: ${JSON.stringify(ws.clone)}, sessionPrefix: fe, agent: generic, agentCommand: "sleep 600", postCreate: ${JSON.stringify(cmds)} }\n`,
  );
}

async function spawnOne(): Promise<{ id: string; meta: Record<string, string> }> {
  const r = await runAo(["spawn", "frontend"], { env: ws.env });
  expect(r.code, r.stderr).toBe(0);
  const id = r.stdout.trim();
  return { id, meta: await record(id) };
}

describe("two ao workspaces sharing one clone [class: race between processes]", () => {
  it("a branch name taken between the spawn's check and its make: the next free name, and the other's branch untouched", async () => {
    const id = await nextId();
    const taken = `ao/${id}`;
    // origin's main moves, so the spawn's fetch updates origin/main: git runs this hook then,
    // after ao found the name free and before its worktree add, and the hook makes the branch as
    // another ao would (on a commit of its own), once.
    const upstream = git(ws.clone, "commit-tree", "-p", "main", "-m", "upstream", "main^{tree}").trim();
    git(ws.clone, "push", "-q", ws.origin, `${upstream}:refs/heads/main`);
    const theirsFile = path.join(ws.root, "theirs");
    const hook = path.join(ws.clone, ".git/hooks/reference-transaction");
    await writeFile(
      hook,
      `#!/bin/sh
[ "$1" = committed ] || exit 0
grep -q ' refs/remotes/origin/main$' || exit 0
rm -f -- "$0"
c=$(git -C '${ws.clone}' ${IDENTITY.join(" ")} commit-tree -p refs/remotes/origin/main -m theirs 'refs/remotes/origin/main^{tree}') &&
git -C '${ws.clone}' branch '${taken}' "$c" && echo "$c" > '${theirsFile}'
`,
      { mode: 0o755 },
    );
    const r = await runAo(["spawn", "frontend"], { env: ws.env });
    expect(existsSync(hook)).toBe(false); // it ran: the name was taken in between
    expect(r.code, r.stderr).toBe(0);
    const meta = await record(r.stdout.trim());
    expect(meta.branch).toBe(`${taken}-2`);
    expect(git(meta.worktree!, "symbolic-ref", "--short", "HEAD").trim()).toBe(`${taken}-2`);
    expect(branchAt(taken)).toBe(readFileSync(theirsFile, "utf8").trim());
  });
});

describe("a spawn that does not finish, after it made its branch [class: names held for nothing]", () => {
  it("cut short (SIGKILL): its kill lets go of the branch it made, which held nothing of its own", async () => {
    const id = await nextId();
    // $PPID is ao itself: killed once the worktree and its branch are made.
    await postCreate(["kill -KILL $PPID"]);
    try {
      const r = await runAo(["spawn", "frontend"], { env: ws.env });
      expect(r.code).not.toBe(0);
    } finally {
      await postCreate([]);
    }
    const meta = await record(id);
    expect(meta.status).toBe("spawning");
    expect(branchAt(meta.branch!)).not.toBeNull();
    const k = await runAo(["session", "kill", id], { env: ws.env });
    expect(k.code, k.stderr).toBe(0);
    expect(existsSync(meta.worktree!)).toBe(false);
    expect(branchAt(meta.branch!)).toBeNull();
  });

  it("cut short after a commit on its branch: the kill (forced) keeps the branch with that commit", async () => {
    const id = await nextId();
    await postCreate([`git ${IDENTITY.join(" ")} commit -q --allow-empty -m setup && kill -KILL $PPID`]);
    try {
      expect((await runAo(["spawn", "frontend"], { env: ws.env })).code).not.toBe(0);
    } finally {
      await postCreate([]);
    }
    const meta = await record(id);
    const commit = git(meta.worktree!, "rev-parse", "HEAD").trim();
    expect(commit).not.toBe(meta.branchMadeAt);
    const k = await runAo(["session", "kill", id, "--force"], { env: ws.env });
    expect(k.code, k.stderr).toBe(0);
    expect(existsSync(meta.worktree!)).toBe(false);
    expect(branchAt(meta.branch!)).toBe(commit);
  });

  it("failed (postCreate exits non-zero): the branch it made goes, unless it holds a commit", async () => {
    const empty = await nextId();
    await postCreate(["exit 3"]);
    try {
      expect((await runAo(["spawn", "frontend"], { env: ws.env })).code).toBe(1);
    } finally {
      await postCreate([]);
    }
    const emptyMeta = await record(empty);
    expect(emptyMeta.errorReason).toMatch(/^spawn failed: postCreate/);
    expect(branchAt(emptyMeta.branch!)).toBeNull();

    const worked = await nextId();
    await postCreate([`git ${IDENTITY.join(" ")} commit -q --allow-empty -m setup && exit 3`]);
    try {
      expect((await runAo(["spawn", "frontend"], { env: ws.env })).code).toBe(1);
    } finally {
      await postCreate([]);
    }
    const workedMeta = await record(worked);
    const at = branchAt(workedMeta.branch!);
    expect(at).not.toBeNull();
    expect(at).not.toBe(workedMeta.branchMadeAt);
    expect(git(ws.clone, "log", "-1", "--format=%s", at!).trim()).toBe("setup");
  });
});

describe("a branch deleted behind ao's back, its worktree still there [class: raw tool words, work lost without --force]", () => {
  it("kill refuses in ao's words, naming the last commit, and --force removes it; restore and spawn --branch say what it means", async () => {
    const { id, meta } = await spawnOne();
    git(meta.worktree!, ...IDENTITY, "commit", "-q", "--allow-empty", "-m", "agent's work");
    const last = git(meta.worktree!, "rev-parse", "HEAD").trim();
    expect((await runAo(["session", "kill", id, "--keep-worktree"], { env: ws.env })).code).toBe(0);
    // git branch -D refuses a branch checked out in a worktree; update-ref does not ask.
    git(ws.clone, "update-ref", "-d", `refs/heads/${meta.branch}`);

    const restore = await runAo(["session", "restore", id], { env: ws.env });
    expect(restore.code).toBe(1);
    expect(restore.stderr).toContain(`its branch ${meta.branch} no longer exists`);
    expect(restore.stderr).toContain(`its last commit was ${last.slice(0, 12)}`);

    const before = (await sessions()).length;
    const again = await runAo(["spawn", "frontend", "--branch", meta.branch!], { env: ws.env });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`branch ${meta.branch} no longer exists (deleted outside ao), yet the worktree ${meta.worktree} is still on it`);
    expect(again.stderr).toContain(`git -C ${meta.worktree} branch ${meta.branch} ${last.slice(0, 12)}`);
    expect((await sessions()).length).toBe(before);

    const kill = await runAo(["session", "kill", id], { env: ws.env });
    expect(kill.code).toBe(1);
    expect(kill.stderr).toContain(`its branch ${meta.branch} is gone (deleted outside ao)`);
    expect(kill.stderr).toContain(`its last commit was ${last.slice(0, 12)}`);
    expect(existsSync(meta.worktree!)).toBe(true);

    for (const out of [restore.stderr, again.stderr, kill.stderr]) expect(out).not.toMatch(/fatal:|ambiguous argument/);

    const forced = await runAo(["session", "kill", id, "--force"], { env: ws.env });
    expect(forced.code, forced.stderr).toBe(0);
    expect(existsSync(meta.worktree!)).toBe(false);
  });

  it("cleanup skips a dead session whose branch is gone, saying why, and leaves its worktree", async () => {
    const { id, meta } = await spawnOne();
    git(ws.clone, "update-ref", "-d", `refs/heads/${meta.branch}`);
    expect(tm.tmux("kill-session", "-t", `=${meta.tmuxName}`).code).toBe(0);
    const dry = await runAo(["session", "cleanup", "--dry-run"], { env: ws.env });
    expect(dry.stdout).toContain(`Would skip ${id} (runtime dead; unpushed work: its branch ${meta.branch} is gone, so what would be lost cannot be told)`);
    const real = await runAo(["session", "cleanup"], { env: ws.env });
    expect(real.stdout).toContain(`Skipped ${id}`);
    expect(existsSync(meta.worktree!)).toBe(true);
  });
});
