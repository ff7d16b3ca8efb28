// Fault class: first use. What a new user hits: a missing program, agents' leftover helpers, a
// killed session to pick up again, a local origin, many spawns at once, odd branch names.
import { spawn as spawnChild } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { run, pidAlive } from "../../src/exec.js";
import { WorktreeWorkspace } from "../../src/plugins/workspace/worktree.js";
import { createDashboard } from "../../src/store/dashboard.js";
import { fakeDeps } from "../helpers/dashboard-harness.js";
import { view } from "../helpers/session-view.js";
import { ROOT, requireBuild, runAo } from "../helpers/ao.js";
import { git, makeRepo } from "../helpers/git.js";
import { privateTmux, waitFor } from "../helpers/tmux.js";

// Real processes on a shared, loaded machine: generous deadlines, never timed assertions.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const SIM = path.join(ROOT, "demo/sim-agent.mjs");
const tm = privateTmux();
let root: string;

async function workspace(name: string): Promise<{ env: NodeJS.ProcessEnv; clone: string }> {
  const { clone } = await makeRepo(root, `repo-${name}`);
  const file = path.join(root, `${name}.yaml`);
  await writeFile(file, `name: ${name}\ngithub: { baseUrl: http://127.0.0.1:9/api/v3 }\nprojects:\n  api: { repo: org/api, path: ${JSON.stringify(clone)}, sessionPrefix: api, agent: generic, agentCommand: ${JSON.stringify(`node ${SIM}`)} }\n`);
  const env = { PATH: process.env.PATH, HOME: path.join(root, "home"), AO_HOME: path.join(root, `home-${name}`), AO_CONFIG_PATH: file, AO_TMUX_SOCKET: tm.socket, AO_SIM_THINK_MS: "100" };
  return { env, clone };
}

beforeAll(async () => {
  requireBuild();
  root = await mkdtemp(path.join(tmpdir(), "ao-faults-first-"));
});
afterAll(async () => {
  tm.kill();
  await rm(root, { recursive: true, force: true });
});

describe("a missing program is an error, never a crash", () => {
  it("the runner rejects for a program that is not there, even when started from a timer", async () => {
    // From a timer callback, Node emits a failed spawn's "error" before any promise continues:
    // a handler attached after an await is too late, and the process would crash.
    await run("true", []); // the runner is loaded: what follows starts processes at once
    const results = await new Promise<unknown[]>((resolve) =>
      setTimeout(() => {
        void Promise.all([
          run("ao-no-such-program-xdg-open", ["https://example.invalid"]).catch((e: Error) => e.message),
          run("ao-no-such-program-2", [], { input: "text" }).catch((e: Error) => e.message),
        ]).then(resolve);
      }, 0),
    );
    expect(results).toEqual([
      "ao-no-such-program-xdg-open: command not found (install it, or add its folder to PATH)",
      "ao-no-such-program-2: command not found (install it, or add its folder to PATH)",
    ]);
  });

  // "tmux: command not found" alone left a new user guessing what to install, and which version.
  it("says what to install: tmux with the version ao needs, git by name; a path that is not there is a path to check", async () => {
    const tmux = await run("tmux", ["-V"], { env: { PATH: path.join(root, "nowhere") } }).catch((e: Error) => e.message);
    expect(tmux).toBe("tmux: command not found (install tmux 3.2 or newer, or add its folder to PATH)");
    const gitMissing = await run("git", ["--version"], { env: { PATH: path.join(root, "nowhere") } }).catch((e: Error) => e.message);
    expect(gitMissing).toBe("git: command not found (install git, or add its folder to PATH)");
    const byPath = await run(path.join(root, "nowhere", "agent"), []).catch((e: Error) => e.message);
    expect(byPath).toBe(`${path.join(root, "nowhere", "agent")}: command not found (check the path)`);
  });
});

describe("kill ends every process ao started for the session", () => {
  it("a helper the agent left behind, outside tmux's process tree, is ended by ao session kill", async () => {
    const { env } = await workspace("leftover");
    expect(await runAo(["spawn", "api"], { env })).toMatchObject({ code: 0, stdout: "api-1\n" });
    const worktree = path.join(env.AO_HOME!, "worktrees", "leftover", "api-1");
    // Like `codex app-server` after a tmux crash: its own process group, not under the pane,
    // with the environment the agent handed it (the session's mark; a kill ends only such).
    const helper = spawnChild("sleep", ["300"], { cwd: worktree, detached: true, stdio: "ignore", env: { ...process.env, AO_SESSION: "api-1", AO_WORKSPACE: "leftover" } });
    helper.unref();
    const gone = new Promise<void>((resolve) => helper.on("exit", () => resolve()));
    expect(helper.pid && pidAlive(helper.pid)).toBeTruthy();
    expect((await runAo(["session", "kill", "api-1"], { env })).code).toBe(0);
    await gone;
    expect(pidAlive(helper.pid!)).toBe(false);
    expect(existsSync(worktree)).toBe(false);
  });
});

describe("a killed session offers what works", () => {
  it("send, attach and restore point to spawn --branch, which continues the killed session's branch", async () => {
    const { env, clone } = await workspace("revive");
    expect(await runAo(["spawn", "api"], { env })).toMatchObject({ code: 0, stdout: "api-1\n" });
    const worktree = path.join(env.AO_HOME!, "worktrees", "revive", "api-1");
    await writeFile(path.join(worktree, "work.txt"), "the agent's work\n");
    git(worktree, "add", "work.txt");
    git(worktree, "commit", "-q", "-m", "work");
    git(worktree, "push", "-q", "origin", "ao/api-1");
    expect((await runAo(["session", "kill", "api-1"], { env })).code).toBe(0);

    const hint = "ao spawn api --branch ao/api-1";
    for (const args of [["send", "api-1", "hello"], ["attach", "api-1"], ["session", "restore", "api-1"]]) {
      const r = await runAo(args, { env });
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stderr, args.join(" ")).toContain(hint);
      expect(r.stderr, args.join(" ")).not.toMatch(/bring it back with: ao session restore/);
    }

    const again = await runAo(["spawn", "api", "--branch", "ao/api-1"], { env });
    expect(again).toMatchObject({ code: 0, stdout: "api-2\n" });
    const next = path.join(env.AO_HOME!, "worktrees", "revive", "api-2");
    expect(await readFile(path.join(next, "work.txt"), "utf8")).toBe("the agent's work\n");
    expect(git(next, "rev-parse", "--abbrev-ref", "HEAD").trim()).toBe("ao/api-1");
    expect(await readFile(path.join(env.AO_HOME!, "sessions", "revive", "api-2", "metadata"), "utf8")).toMatch(/^continues=api-1$/m);

    // A branch that is in use, or not ao's, is refused with whose it is; the clone is untouched.
    const busy = await runAo(["spawn", "api", "--branch", "ao/api-1"], { env });
    expect(busy.code).toBe(2);
    expect(busy.stderr).toMatch(/belongs to session api-2/);
    const theirs = await runAo(["spawn", "api", "--branch", "main"], { env });
    expect(theirs.code).toBe(2);
    expect(theirs.stderr).toMatch(/no killed session of api owns it/);
    expect(git(clone, "rev-parse", "--abbrev-ref", "HEAD").trim()).toBe("main");
  });

  it("branch names are taken literally: @ and refs/… are refused before anything is made", async () => {
    const { env, clone } = await workspace("names");
    for (const bad of ["@", "refs/heads/main", "@{-1}", "HEAD", "-x", "a..b"]) {
      const r = await runAo(["spawn", "api", "--branch", bad], { env });
      expect(r.code, bad).toBe(2);
      expect(r.stderr, bad).toMatch(/is not a valid branch name/);
    }
    expect(git(clone, "branch", "--list").trim()).toBe("* main");
    expect(existsSync(path.join(env.AO_HOME!, "sessions", "names"))).toBe(false);
  });

  it("a branch named origin/… is refused: it would shadow the remote branch every later session starts from", async () => {
    const { env, clone } = await workspace("shadow");
    const r = await runAo(["spawn", "api", "--branch", "origin/main"], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/would shadow the remote branch of that name/);
    expect(git(clone, "branch", "--list").trim()).toBe("* main");
    const ok = await runAo(["spawn", "api"], { env });
    expect(ok.code, ok.stderr).toBe(0);
    expect((await runAo(["session", "kill", ok.stdout.trim()], { env })).code).toBe(0);
  });

  it("a spawn that fails before anything is made says why in its record, and cleanup takes it", async () => {
    const { env } = await workspace("early");
    // A PATH with node and tmux: git cannot be found (a missing tmux is said before any record).
    const bin = path.join(root, "node-only");
    await mkdir(bin, { recursive: true });
    await run("ln", ["-sf", process.execPath, path.join(bin, "node")]);
    await run("ln", ["-sf", (await run("sh", ["-c", "command -v tmux"])).stdout.trim(), path.join(bin, "tmux")]);
    const r = await runAo(["spawn", "api"], { env: { ...env, PATH: bin } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/spawn of api-1 failed: git: command not found/);
    const rows = JSON.parse((await runAo(["status", "--json"], { env })).stdout) as Array<{ name: string; status: string; statusReason: string }>;
    expect(rows.find((x) => x.name === "api-1")).toMatchObject({ status: "errored", statusReason: "spawn failed: git: command not found (install git, or add its folder to PATH)" });
    const plan = JSON.parse((await runAo(["session", "cleanup", "--dry-run", "--json"], { env })).stdout) as { plan: Array<{ id: string; reason: string; action: string }> };
    expect(plan.plan).toEqual([expect.objectContaining({ id: "api-1", reason: "spawn failed", action: "kill" })]);
    const sent = await runAo(["send", "api-1", "hi"], { env });
    expect(sent.code).toBe(1);
    expect(sent.stderr).toMatch(/its worktree is gone; start afresh with: ao spawn api/);
  });

  it("the dashboard names the session once in an error", async () => {
    const deps = fakeDeps([view({ id: "fe-3", status: "errored", activity: "exited" })]);
    deps.restore = async () => Promise.reject(new Error("fe-3: its worktree /x is gone, so there is nothing to resume in."));
    const dashboard = createDashboard(deps, { sessions: deps.sessions, cursor: "fe-3" });
    dashboard.actions.dispatch("restore");
    const toast = await waitFor("the error", () => dashboard.store.getState().toasts.find((t) => t.kind === "error"));
    expect(toast.text).toBe("restore fe-3: its worktree /x is gone, so there is nothing to resume in.");
    dashboard.stop();
  });
});

describe("ao init with a local or bare origin", () => {
  it("writes a config that works: sessions without a GitHub behind them", async () => {
    const { clone, origin } = await makeRepo(root, "localorigin");
    const home = path.join(root, "init-home");
    const env = { PATH: process.env.PATH, HOME: home, AO_HOME: path.join(root, "init-ao-home"), AO_TMUX_SOCKET: tm.socket, AO_SIM_THINK_MS: "100" };
    const r = await runAo(["init"], { env, cwd: clone });
    expect(r.code).toBe(0);
    const text = await readFile(path.join(clone, "agent-orchestrator.yaml"), "utf8");
    expect(text).toContain("scm: none");
    expect(text).toContain(JSON.stringify(origin));
    expect(await runAo(["status", "--json"], { env, cwd: clone })).toMatchObject({ code: 0, stdout: "[]\n" });
    // The config is the user's to edit: point the agent at the simulator and spawn.
    await writeFile(path.join(clone, "agent-orchestrator.yaml"), text.replace("defaults:\n", `defaults:\n  agentCommand: ${JSON.stringify(`node ${SIM}`)}\n`).replace("agent: claude-code", "agent: generic"));
    const spawned = await runAo(["spawn", "localorigin"], { env, cwd: clone });
    expect(spawned.code, spawned.stderr).toBe(0);
    const [row] = JSON.parse((await runAo(["status", "--json"], { env, cwd: clone })).stdout) as Array<{ status: string }>;
    // Running: at work, or already done with its task and waiting for the person.
    expect(["working", "needs_input"]).toContain(row?.status);
  });
});

describe("many spawns at once on one clone", () => {
  it("24 worktrees created in parallel all succeed, and none leaves a tracking entry in .git/config", async () => {
    const { clone } = await makeRepo(root, "parallel");
    const trees = path.join(root, "parallel-trees");
    await mkdir(trees, { recursive: true });
    const ws = new WorktreeWorkspace();
    const results = await Promise.allSettled(
      Array.from({ length: 24 }, (_, i) => ws.create({ repoPath: clone, worktree: path.join(trees, `p-${i}`), branch: `ao/p-${i}`, base: "origin/main", remoteBranch: "main" })),
    );
    expect(results.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    expect(git(clone, "branch", "--list", "ao/p-*").trim().split("\n")).toHaveLength(24);
    expect(git(clone, "config", "--list").split("\n").filter((l) => l.startsWith("branch.ao/"))).toEqual([]);
  });

  it("a worktree that cannot be made leaves no branch behind", async () => {
    const { clone } = await makeRepo(root, "nobranch");
    // git makes the branch, then fails to make its worktree entry (a file where the folder goes).
    await writeFile(path.join(clone, ".git", "worktrees"), "");
    const ws = new WorktreeWorkspace();
    await expect(ws.create({ repoPath: clone, worktree: path.join(root, "nb"), branch: "ao/nb-1", base: "origin/main", remoteBranch: "main" })).rejects.toThrow(/worktrees/);
    expect(git(clone, "branch", "--list", "ao/nb-1").trim()).toBe("");
    expect(existsSync(path.join(root, "nb"))).toBe(false);
  });
});

describe("a kill with no tmux on the PATH", () => {
  // The kill recorded its intent, then failed to run tmux: a running agent then read
  // "errored: kill interrupted", though nothing had been ended.
  it("fails saying what to install, and records nothing: the session still reads as it was", async () => {
    const { env } = await workspace("notmux");
    const spawned = await runAo(["spawn", "api", "--prompt", "hello"], { env });
    expect(spawned.code, spawned.stderr).toBe(0);
    const id = spawned.stdout.trim();
    // git and node, no tmux.
    const bin = path.join(root, "git-and-node");
    await mkdir(bin, { recursive: true });
    await run("ln", ["-sf", process.execPath, path.join(bin, "node")]);
    await run("ln", ["-sf", (await run("sh", ["-c", "command -v git"])).stdout.trim(), path.join(bin, "git")]);
    const r = await runAo(["session", "kill", id], { env: { ...env, PATH: bin } });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("ao: tmux: command not found (install tmux 3.2 or newer, or add its folder to PATH)\n");
    const meta = await readFile(path.join(env.AO_HOME!, "sessions", "notmux", id, "metadata"), "utf8");
    expect(meta).not.toMatch(/^killRequestedAt=/m);
    const rows = JSON.parse((await runAo(["status", "--json"], { env })).stdout) as Array<{ name: string; status: string; statusCause: string }>;
    expect(rows.find((x) => x.name === id)?.statusCause).not.toBe("kill_interrupted");
    expect((await runAo(["session", "kill", id], { env })).code).toBe(0);
  });
});

describe("an issue that cannot be read", () => {
  // The spawn warned and went on: an agent started with no task at all, its record with no summary.
  it("without --prompt, starts nothing and says how to go on; with one, warns and starts", async () => {
    const { env, clone } = await workspace("noissue");
    const withToken = { ...env, GITHUB_TOKEN: "fake-token" };
    const r = await runAo(["spawn", "api", "123"], { env: withToken });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ao: could not read issue 123: GitHub issue org\/api#123: .*\. Nothing was started; check the issue, or give the task with --prompt\n$/);
    expect(existsSync(path.join(env.AO_HOME!, "sessions", "noissue"))).toBe(false);
    expect(git(clone, "branch", "--list").trim()).toBe("* main");
    const ok = await runAo(["spawn", "api", "123", "--prompt", "Fix the login loop"], { env: withToken });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/warning: could not read issue 123 .*the branch is named from its number/);
    expect((await runAo(["session", "kill", ok.stdout.trim()], { env })).code).toBe(0);
  });
});

describe("a spawn with no tmux on the PATH", () => {
  // The spawn made its record and worktree, then failed to run tmux: each try left an errored
  // session for cleanup to take.
  it("fails saying what to install, before anything is recorded or made", async () => {
    const { env, clone } = await workspace("spawnnotmux");
    const bin = path.join(root, "git-and-node");
    await mkdir(bin, { recursive: true });
    await run("ln", ["-sf", process.execPath, path.join(bin, "node")]);
    await run("ln", ["-sf", (await run("sh", ["-c", "command -v git"])).stdout.trim(), path.join(bin, "git")]);
    const r = await runAo(["spawn", "api", "--prompt", "hello"], { env: { ...env, PATH: bin } });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("ao: tmux: command not found (install tmux 3.2 or newer, or add its folder to PATH)\n");
    expect(JSON.parse((await runAo(["session", "ls", "--all", "--json"], { env })).stdout)).toEqual([]);
    expect(git(clone, "branch", "--list").trim()).toBe("* main");
  });
});
