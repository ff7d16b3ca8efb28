// Fault suite — class "A person's own processes ended by a kill": a shell, editor or dev server
// working in a session's worktree is theirs. A kill ends what ao started for the session (its
// agent, and a helper the agent left running outside tmux's reach), and nothing else, whether
// the worktree is kept (--keep-worktree, to go on working there) or removed.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { readFile, readlink, rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAo } from "../helpers/ao.js";
import { privateTmux, waitFor } from "../helpers/tmux.js";
import { faultWorkspace, SIM, type FaultWorkspace } from "./helpers.js";

const tm = privateTmux();
const tm2 = privateTmux();
let ws: FaultWorkspace;
const mine: ChildProcess[] = [];
/** Every helper an agent started, ended at the end should a kill have missed it (a red run). */
const helpers: number[] = [];

/** Alive and not a zombie: /proc's state letter, after the command's closing parenthesis. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(")") + 2));
  } catch {
    return false;
  }
}

/** A process of the person's own, working in `dir`: started here, not under ao's tmux. */
function startMine(dir: string, what: string): number {
  const child = spawn("sleep", [what], { cwd: dir, env: { PATH: process.env.PATH }, stdio: "ignore", detached: true });
  mine.push(child);
  return child.pid!;
}

/**
 * Spawn a session whose agent first leaves a helper running on its own (its own session, its
 * parent gone, so tmux closing the pane neither signals it nor sees it in the pane's tree), as a
 * dev server started by an agent would, in the worktree. Its pid is written under the test's HOME.
 */
async function spawnWithHelper(env: NodeJS.ProcessEnv = ws.env, server = tm): Promise<{ id: string; worktree: string; helper: number }> {
  const r = await runAo(["spawn", "frontend"], { env });
  expect(r.stderr).toBe("");
  const id = r.stdout.trim();
  const pidFile = path.join(ws.env.HOME!, `${id}.helper`);
  const helper = Number(await waitFor("the agent's helper", () => existsSync(pidFile) && readFileSync(pidFile, "utf8").trim()));
  const worktree = /worktree=(.*)/.exec(await readFile(path.join(ws.sessionsDir, id, "metadata"), "utf8"))![1]!;
  helpers.push(helper);
  expect(running(helper)).toBe(true);
  // The pane's first process (the launcher, started with `env -i`) carries the mark too.
  const panePid = server.tmux("display-message", "-p", "-t", `=ao-killprocs-${id}:`, "#{pane_pid}").stdout.trim();
  expect(readFileSync(`/proc/${panePid}/environ`, "utf8").split("\0")).toEqual(expect.arrayContaining([`AO_SESSION=${id}`, "AO_WORKSPACE=killprocs"]));
  return { id, worktree, helper };
}

beforeAll(async () => {
  ws = await faultWorkspace("killprocs", {
    socket: tm.socket,
    agentCommand:
      'mkdir -p "$HOME" && (setsid sleep 301 </dev/null >/dev/null 2>&1 & echo $! > "$HOME/$AO_SESSION.helper.tmp" && mv "$HOME/$AO_SESSION.helper.tmp" "$HOME/$AO_SESSION.helper"); ' +
      `exec node ${SIM}`,
  });
});
afterAll(async () => {
  for (const c of mine) c.kill("SIGKILL");
  for (const pid of helpers.filter(running)) process.kill(pid, "SIGKILL");
  tm.kill();
  tm2.kill();
  await rm(ws.root, { recursive: true, force: true });
});

describe("kill ends only the session's own processes [class: a person's own processes ended by a kill]", () => {
  it("--keep-worktree: the agent and its helper go; a process the person started in the worktree keeps running", async () => {
    const { id, worktree, helper } = await spawnWithHelper();
    const own = startMine(worktree, "302");
    await waitFor("the person's process in the worktree", async () => readlink(`/proc/${own}/cwd`).then((c) => c === worktree, () => false));

    const k = await runAo(["session", "kill", id, "--keep-worktree"], { env: ws.env });
    expect(k.stderr).toBe("");
    expect(k.code).toBe(0);
    // Ended, if at all, before the kill returned: checked at once.
    expect(running(own)).toBe(true);
    expect(k.stdout).toMatch(new RegExp(`Worktree kept\\.\\n  Left running in the worktree \\(not started by ao, so not ended\\):\\n    ${own} sleep 302\\n`));
    await waitFor("the agent's helper ended", () => !running(helper));
    expect(tm.tmux("has-session", "-t", `=ao-killprocs-${id}`).code).not.toBe(0);
    expect(existsSync(worktree)).toBe(true);

    // A restore will not start a second agent beside it, and says a kill will not end it either.
    const restore = await runAo(["session", "restore", id], { env: ws.env });
    expect(restore.code).toBe(1);
    expect(restore.stderr).toMatch(/ao started none of them .*a kill leaves such alone/);
    expect(running(own)).toBe(true);
  }, 90_000);

  it("a tmux server started by an ao run inside a session's agent does not carry its mark, so its kill spares the server", async () => {
    const { id } = await spawnWithHelper();
    // The agent of `id` runs ao, which starts a server of its own (another socket) for a new session.
    const inside = { ...ws.env, AO_TMUX_SOCKET: tm2.socket, AO_SESSION: id, AO_WORKSPACE: "killprocs" };
    const other = await spawnWithHelper(inside, tm2);
    expect((await runAo(["session", "kill", id], { env: ws.env })).code).toBe(0);
    expect(tm2.tmux("has-session", "-t", `=ao-killprocs-${other.id}`).code).toBe(0);
    expect(running(other.helper)).toBe(true);
    expect((await runAo(["session", "kill", other.id], { env: { ...ws.env, AO_TMUX_SOCKET: tm2.socket } })).code).toBe(0);
    await waitFor("the other session's helper ended", () => !running(other.helper));
  }, 90_000);

  it("a kill that removes the worktree leaves the person's process too, and says so", async () => {
    const { id, worktree, helper } = await spawnWithHelper();
    const own = startMine(worktree, "303");
    await waitFor("the person's process in the worktree", async () => readlink(`/proc/${own}/cwd`).then((c) => c === worktree, () => false));

    const k = await runAo(["session", "kill", id], { env: ws.env });
    expect(k.stderr).toBe("");
    expect(k.code).toBe(0);
    expect(running(own)).toBe(true);
    expect(k.stdout).toMatch(new RegExp(`Worktree removed\\.\\n  Left running in the removed worktree \\(not started by ao, so not ended\\):\\n    ${own} sleep 303\\n`));
    await waitFor("the agent's helper ended", () => !running(helper));
    expect(existsSync(worktree)).toBe(false);
  }, 90_000);
});
