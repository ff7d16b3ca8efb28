import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, runAo } from "../helpers/ao.js";
import { git, makeRepo } from "../helpers/git.js";
import { privateTmux, waitFor } from "../helpers/tmux.js";
import { startFakeGitHub, type FakeGitHub } from "../../demo/fake-github.js";
import { createApp } from "../../src/app.js";
import { dashboardDeps } from "../../src/commands/ui.js";

const SIM = path.join(ROOT, "demo/sim-agent.mjs");
const tm = privateTmux();
let root: string;
let shared: string;
let gh: FakeGitHub;
const clones: Record<string, string> = {};

function config(name: string, clone: string, agentCommand = `node ${SIM}`): string {
  return `name: ${name}
github: { baseUrl: ${gh.baseUrl} }
projects:
  frontend:
    repo: org/app
    path: ${JSON.stringify(clone)}
    sessionPrefix: fe
    agent: generic
    agentCommand: ${JSON.stringify(agentCommand)}
    copy: [".env"]
`;
}

/** A workspace config on its own clone (or on the shared one), with the simulated agent. */
async function workspace(name: string, agentCommand?: string, repo?: string): Promise<NodeJS.ProcessEnv> {
  const file = path.join(root, `${name}.yaml`);
  clones[name] = repo ?? (await makeRepo(root, `repo-${name}`)).clone;
  await writeFile(file, config(name, clones[name], agentCommand));
  return {
    PATH: process.env.PATH,
    HOME: path.join(root, "home"),
    AO_HOME: path.join(root, "ao-home"),
    AO_CONFIG_PATH: file,
    AO_TMUX_SOCKET: tm.socket,
    AO_SIM_THINK_MS: "300",
    GITHUB_TOKEN: "fake-token",
  };
}

type Row = { name: string; status: string; statusCause: string; statusReason: string; activity: string | null; branch: string; worktree: string; summary: string | null };

async function ls(env: NodeJS.ProcessEnv, ...extra: string[]): Promise<Row[]> {
  const r = await runAo(["session", "ls", "--json", ...extra], { env });
  expect(r.stderr).toBe("");
  return JSON.parse(r.stdout) as Row[];
}

async function row(env: NodeJS.ProcessEnv, id: string): Promise<Row | undefined> {
  return (await ls(env, "--all")).find((x) => x.name === id);
}

function tmuxSessions(): string[] {
  return tm.tmux("list-sessions", "-F", "#{session_name}").stdout.split("\n").filter(Boolean);
}

beforeAll(async () => {
  gh = await startFakeGitHub();
  gh.state.addIssue({ repo: "org/app", number: 42, title: "Fix the login bug", body: "Users loop on /login." });
  root = await mkdtemp(path.join(tmpdir(), "ao-sessions-"));
  shared = (await makeRepo(root, "shared")).clone;
});
afterAll(async () => {
  tm.kill();
  await gh.close();
  await rm(root, { recursive: true, force: true });
});

describe("sessions in real git and tmux", () => {
  it("spawn → working → kill", async () => {
    const env: NodeJS.ProcessEnv = { ...(await workspace("w1")), SECRET_TOKEN: "s3cr3t-value" };
    const log = path.join(root, "w1-agent.log");
    env.AO_SIM_LOG = log;
    const spawned = await runAo(["spawn", "frontend", "42", "--prompt", "Fix the login bug"], { env });
    expect(spawned.stderr).toBe("");
    expect(spawned).toMatchObject({ code: 0, stdout: "fe-1\n" });
    expect(tmuxSessions()).toContain("ao-w1-fe-1");

    // The agent got its task and ao's environment, and the worktree its copied files.
    await waitFor("the agent to log its prompt", async () => existsSync(log) && (await readFile(log, "utf8")).includes("Fix the login bug"));
    const r = (await row(env, "fe-1"))!;
    // The branch is named from the issue's title.
    expect(r).toMatchObject({ status: expect.stringMatching(/^(working|needs_input)$/), branch: "ao/fe-1-fix-the-login-bug", summary: "Fix the login bug" });
    expect(git(r.worktree, "rev-parse", "--abbrev-ref", "HEAD").trim()).toBe("ao/fe-1-fix-the-login-bug");
    expect(await readFile(path.join(r.worktree, ".env"), "utf8")).toBe("SECRET=local\n");
    // Secrets ride in the environment, never on a command line.
    const ps = (await import("node:child_process")).execFileSync("ps", ["-eo", "args"], { encoding: "utf8" });
    expect(ps).not.toContain("s3cr3t-value");
    // The screen goes still once the agent finishes: active, then ready.
    await waitFor("activity ready", async () => (await row(env, "fe-1"))?.activity === "ready");
    // Done with its task and at its prompt, with no PR: the next move is the person's.
    expect(await row(env, "fe-1")).toMatchObject({ status: "needs_input", statusCause: "turn_finished", statusReason: "finished its turn; waiting for your next message" });

    const killed = await runAo(["session", "kill", "fe-1"], { env });
    expect(killed).toMatchObject({ code: 0, stdout: "✓ Session fe-1 killed. Worktree removed.\n" });
    expect(tmuxSessions()).not.toContain("ao-w1-fe-1");
    expect(existsSync(r.worktree)).toBe(false);
    expect(await ls(env)).toEqual([]);
    expect((await row(env, "fe-1"))?.status).toBe("killed");
    const events = (await readFile(path.join(root, "ao-home/sessions/w1/fe-1/events.jsonl"), "utf8")).trim().split("\n").map((l) => JSON.parse(l) as { kind: string });
    expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(["created", "spawned", "killed"]));
  });

  it("gives the agent the spawning environment, not the tmux server's", async () => {
    const env = await workspace("w2", `echo "token=$SECRET_TOKEN stale=$STALE_VAR" > seen.txt; exec node ${SIM}`);
    tm.tmux("set-environment", "-g", "STALE_VAR", "from-old-server");
    const r = await runAo(["spawn", "frontend"], { env: { ...env, SECRET_TOKEN: "fresh" } });
    expect(r.code).toBe(0);
    const wt = (await row(env, "fe-1"))!.worktree;
    await waitFor("seen.txt", () => existsSync(path.join(wt, "seen.txt")));
    expect(await readFile(path.join(wt, "seen.txt"), "utf8")).toBe("token=fresh stale=\n");
    // No launch file with the environment is left behind.
    const state = await (await import("node:fs/promises")).readdir(path.join(root, "ao-home/sessions/w2/fe-1"));
    expect(state.filter((f) => f.startsWith("launch-env"))).toEqual([]);
    await runAo(["session", "kill", "fe-1", "--force"], { env });
  });

  it("refuses to kill a dirty or unpushed worktree, names the work, and obeys --force", async () => {
    const env = await workspace("w3");
    expect((await runAo(["spawn", "frontend"], { env })).code).toBe(0);
    const wt = (await row(env, "fe-1"))!.worktree;

    await writeFile(path.join(wt, "notes.txt"), "half-done work\n");
    const dirty = await runAo(["session", "kill", "fe-1"], { env });
    expect(dirty.code).toBe(1);
    expect(dirty.stderr).toContain("uncommitted changes (1)");
    expect(dirty.stderr).toContain("?? notes.txt");
    expect(existsSync(wt)).toBe(true);
    expect(tmuxSessions()).toContain("ao-w3-fe-1");

    git(wt, "add", "notes.txt");
    git(wt, "commit", "-q", "-m", "Half-done work");
    const unpushed = await runAo(["session", "kill", "fe-1"], { env });
    expect(unpushed.code).toBe(1);
    expect(unpushed.stderr).toMatch(/commits on no remote \(1\):\n\s+[0-9a-f]{7,} Half-done work/);
    expect(existsSync(wt)).toBe(true);

    const forced = await runAo(["session", "kill", "fe-1", "--force"], { env });
    expect(forced.code).toBe(0);
    expect(forced.stderr).toContain("Half-done work");
    expect(existsSync(wt)).toBe(false);
    // The branch, and so the commit, survives the worktree.
    expect(git(clones.w3!, "log", "--oneline", "-1", "ao/fe-1").trim()).toMatch(/Half-done work/);
  });

  it("shows a session whose tmux vanished as errored (runtime lost), and restores it", async () => {
    const env = await workspace("w4");
    expect((await runAo(["spawn", "frontend"], { env })).code).toBe(0);
    tm.tmux("kill-session", "-t", "=ao-w4-fe-1");
    const lost = (await row(env, "fe-1"))!;
    expect(lost.status).toBe("errored");
    expect(lost.statusReason).toMatch(/runtime lost/);

    const r = await runAo(["session", "restore", "fe-1"], { env });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `✓ Session fe-1 restored.\nWorktree: ${lost.worktree}\nBranch: ao/fe-1\nAttach: tmux -u -L ${tm.socket} attach-session -t =ao-w4-fe-1\n`,
    );
    // Alive again: working, or already back at its prompt.
    expect(["working", "needs_input"]).toContain((await row(env, "fe-1"))!.status);
    const again = await runAo(["session", "restore", "fe-1"], { env });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/session is alive/);
  });

  it("restores after the whole tmux server is gone, and after kill --keep-worktree", async () => {
    const env = await workspace("w5");
    expect((await runAo(["spawn", "frontend"], { env })).code).toBe(0);
    expect((await runAo(["session", "kill", "fe-1", "--keep-worktree"], { env })).stdout).toBe("✓ Session fe-1 killed. Worktree kept.\n");
    expect((await runAo(["session", "restore", "fe-1"], { env })).code).toBe(0);
    tm.kill();
    expect((await row(env, "fe-1"))!.statusReason).toMatch(/runtime lost/);
    expect((await runAo(["session", "restore", "fe-1"], { env })).code).toBe(0);
    expect(tmuxSessions()).toContain("ao-w5-fe-1");
  });

  it("never lets fe-1 reach fe-12", async () => {
    const env = await workspace("w6");
    const home = path.join(root, "ao-home/sessions/w6");
    const { mkdir } = await import("node:fs/promises");
    await mkdir(path.join(home, "fe-1"), { recursive: true });
    await writeFile(path.join(home, "fe-1/metadata"), "id=fe-1\nprojectId=frontend\nstatus=working\ntmuxName=ao-w6-fe-1\n");
    tm.tmux("new-session", "-d", "-s", "ao-w6-fe-12", "sleep", "600");
    const r = (await row(env, "fe-1"))!;
    expect(r.status).toBe("errored");
    expect(r.statusReason).toMatch(/runtime lost/);
    expect((await runAo(["attach", "fe-1"], { env })).code).toBe(1);
    expect((await runAo(["session", "kill", "fe-1"], { env })).code).toBe(0);
    expect(tmuxSessions()).toContain("ao-w6-fe-12");
  });

  it("keeps two workspaces with the same ids apart", async () => {
    const a = await workspace("wa", undefined, shared);
    const b = await workspace("wb", undefined, shared);
    expect((await runAo(["spawn", "frontend"], { env: a })).stdout).toBe("fe-1\n");
    expect((await runAo(["spawn", "frontend"], { env: b })).stdout).toBe("fe-1\n");
    expect(tmuxSessions()).toEqual(expect.arrayContaining(["ao-wa-fe-1", "ao-wb-fe-1"]));
    expect((await row(a, "fe-1"))!.worktree).not.toBe((await row(b, "fe-1"))!.worktree);
    // Same clone, same id: the second workspace's branch steps aside instead of failing.
    expect([(await row(a, "fe-1"))!.branch, (await row(b, "fe-1"))!.branch]).toEqual(["ao/fe-1", "ao/fe-1-2"]);
    expect((await runAo(["session", "kill", "fe-1"], { env: a })).code).toBe(0);
    expect(tmuxSessions()).toContain("ao-wb-fe-1");
    // The other fe-1 lives on: working, or at its prompt waiting for a first message.
    expect(["working", "needs_input"]).toContain((await row(b, "fe-1"))!.status);
  });

  it("cleans up after a spawn that fails, and says why", async () => {
    const env = await workspace("w7", "echo 'agent: cannot start, no credentials' >&2; exit 3");
    const r = await runAo(["spawn", "frontend"], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/spawn of fe-1 failed: the agent exited at once \(status 3\): agent: cannot start, no credentials/);
    const failed = (await row(env, "fe-1"))!;
    expect(failed.status).toBe("errored");
    expect(failed.statusReason).toMatch(/spawn failed/);
    expect(existsSync(failed.worktree)).toBe(false);
    expect(git(clones.w7!, "branch", "--list", "ao/fe-1").trim()).toBe("");
    expect(tmuxSessions()).not.toContain("ao-w7-fe-1");
  });

  it("rejects bad input with exit 2", async () => {
    const env = await workspace("w8");
    expect((await runAo(["spawn", "nope"], { env })).code).toBe(2);
    const badBranch = await runAo(["spawn", "frontend", "--branch", "bad..name"], { env });
    expect(badBranch.code).toBe(2);
    expect(badBranch.stderr).toMatch(/not a valid branch name/);
    const unknown = await runAo(["session", "kill", "fe-99"], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no session "fe-99"/);
  });

  it("takes a GitHub issue that is not a number, or one GitHub does not have, for bad input (exit 2), recording neither", async () => {
    const env = await workspace("w9");
    for (const extra of [[], ["--prompt", "fix it"]]) {
      const r = await runAo(["spawn", "frontend", "abc", ...extra], { env });
      expect(r).toMatchObject({ code: 2, stdout: "", stderr: `ao: "abc" is not an issue number; the issues of frontend are GitHub's (ao spawn frontend 12)\n` });
    }
    const missing = await runAo(["spawn", "frontend", "999"], { env });
    // GitHub's 404 is all ao knows: the number is wrong, or the repository is private to this token.
    expect(missing).toEqual({
      code: 2,
      stdout: "",
      stderr:
        "ao: could not read issue 999: GitHub issue org/app#999: not found (HTTP 404): either there is no issue 999 in org/app, or org/app is private and the GitHub token ao uses has no access to it. Nothing was started; check the issue, or give the task with --prompt\n",
    });
    expect(await ls(env, "--all")).toEqual([]);
  });

  it("warns that an issue is closed, and starts on it all the same", async () => {
    gh.state.addIssue({ repo: "org/app", number: 12, title: "An old bug", state: "closed" });
    gh.state.addIssue({ repo: "org/app", number: 13, title: "A new bug" });
    const env = await workspace("w10");
    const closed = await runAo(["spawn", "frontend", "12"], { env });
    expect(closed).toEqual({ code: 0, stdout: "fe-1\n", stderr: "ao: warning: issue 12 is closed; the session starts all the same, and ao session cleanup will count it as done\n" });
    expect((await row(env, "fe-1"))!.branch).toBe("ao/fe-1-an-old-bug");
    expect(await runAo(["spawn", "frontend", "13"], { env })).toEqual({ code: 0, stdout: "fe-2\n", stderr: "" });
    // The dashboard's spawn hears the same warning, and starts the session all the same.
    const heard: string[] = [];
    const spawn = dashboardDeps(await createApp({ env }), async () => {}).spawn!;
    expect(await spawn({ project: "frontend", issue: "12" }, () => {}, (w) => heard.push(w))).toMatchObject({ id: "fe-3" });
    expect(heard).toEqual(["issue 12 is closed; the session starts all the same, and ao session cleanup will count it as done"]);
    for (const id of ["fe-1", "fe-2", "fe-3"]) expect((await runAo(["session", "kill", id, "--force"], { env })).code).toBe(0);
  });

  it("names a project's path that does not exist, before anything is recorded", async () => {
    const env = await workspace("w11");
    const gone = path.join(root, "moved-away");
    await writeFile(env.AO_CONFIG_PATH!, config("w11", gone));
    const r = await runAo(["spawn", "frontend"], { env });
    expect(r).toEqual({ code: 2, stdout: "", stderr: `ao: project frontend: its path ${gone} does not exist; set projects.frontend.path in the config to its clone\n` });
    expect(await ls(env, "--all")).toEqual([]);
    expect(tmuxSessions().filter((n) => n.startsWith("ao-w11-"))).toEqual([]);
  });
});
