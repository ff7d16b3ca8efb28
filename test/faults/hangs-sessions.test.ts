// Fault class: false notices from time and from crashes, against real git, tmux and processes.
// - a wall clock that jumps 2 h forward must not make a seconds-old session "stuck";
// - an `ao spawn` killed with SIGKILL must not leave its session "spawning" forever.
import { spawn as spawnChild } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app.js";
import { pidAlive } from "../../src/exec.js";
import { endProcessesIn } from "../../src/plugins/runtime/processes.js";
import type { NotifierPlugin } from "../../src/plugins/types.js";
import { LifecycleService } from "../../src/services/lifecycle.js";
import { readSessions } from "../../src/services/sessions.js";
import { AO_BIN, ROOT, requireBuild, runAo } from "../helpers/ao.js";
import { makeRepo } from "../helpers/git.js";
import { privateTmux, waitFor } from "../helpers/tmux.js";

// Real processes on a shared, loaded machine: generous deadlines, never timed assertions.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const SIM = path.join(ROOT, "demo/sim-agent.mjs");
const tm = privateTmux();
let root: string;

async function workspace(name: string, extra = ""): Promise<NodeJS.ProcessEnv> {
  const { clone } = await makeRepo(root, `repo-${name}`);
  const file = path.join(root, `${name}.yaml`);
  await writeFile(
    file,
    `name: ${name}\ngithub: { baseUrl: http://127.0.0.1:9/api/v3 }\nprojects:\n  frontend:\n    repo: org/app\n    path: ${JSON.stringify(clone)}\n    sessionPrefix: fe\n    agent: generic\n    agentCommand: ${JSON.stringify(`node ${SIM}`)}\n${extra}`,
  );
  return { PATH: process.env.PATH, HOME: path.join(root, "home"), AO_HOME: path.join(root, `ao-home-${name}`), AO_CONFIG_PATH: file, AO_TMUX_SOCKET: tm.socket, AO_SIM_THINK_MS: "200" };
}

type Row = { name: string; status: string; statusReason: string; activity: string | null; worktree: string | null };
async function ls(env: NodeJS.ProcessEnv): Promise<Row[]> {
  return JSON.parse((await runAo(["session", "ls", "--all", "--json"], { env })).stdout) as Row[];
}

beforeAll(async () => {
  requireBuild();
  root = await mkdtemp(path.join(tmpdir(), "ao-faults-time-"));
});
afterAll(async () => {
  tm.kill();
  await rm(root, { recursive: true, force: true });
});

describe("a wall-clock jump is not time passing", () => {
  it("a seconds-old session stays working, and nothing is escalated, after the clock moves 2 h forward", async () => {
    // An agent that says it works and then shows nothing more (no prompt, no event): the one
    // kind of session that becomes stuck once it has been quiet for stuckAfter (10 minutes).
    const script = path.join(root, "hang.json");
    await writeFile(script, JSON.stringify([{ say: "working on it" }, { hang: true }]));
    const env = { ...(await workspace("jump")), AO_SIM_SCRIPT: script };
    expect(await runAo(["spawn", "frontend"], { env })).toMatchObject({ code: 0, stdout: "fe-1\n" });
    await waitFor("the agent quiet at work", async () => (await ls(env)).find((r) => r.name === "fe-1")?.activity === "active", 60_000);

    // ao looks once with the true clock (as `ao watch` or the dashboard does every tick)…
    const before = await createApp({ env });
    expect((await readSessions(before, { record: true })).views[0]).toMatchObject({ id: "fe-1", status: "working" });

    // …then the system clock jumps two hours ahead: everything ao reads from the wall clock
    // (its own records, tmux's activity times, event times) is suddenly 2 h old.
    const jumped = await createApp({ env, now: () => new Date(Date.now() + 2 * 3_600_000) });
    const { views } = await readSessions(jumped, { record: true });
    expect(views[0]).toMatchObject({ id: "fe-1", status: "working", activity: "active" });

    const told: string[] = [];
    const memo: NotifierPlugin = { name: "memo", notify: async (n) => void told.push(n.title) };
    const life = new LifecycleService(jumped, { notifiers: [{ plugin: memo, priorities: ["urgent", "action", "info"] }] });
    expect(await life.tick()).toEqual([]);
    await life.release();
    expect(told).toEqual([]);
    expect((await ls(env)).find((r) => r.name === "fe-1")?.status).toBe("working");
  });
});

describe("a spawn killed half-way is recognisably dead", () => {
  it("SIGKILL during postCreate: the session is errored with the reason, not spawning forever", async () => {
    // postCreate is the slow step a spawn can be caught in (npm ci): here a sleep that says
    // when it has started.
    const marker = path.join(root, "postcreate-started");
    const env = await workspace("sigkill", `    postCreate: [${JSON.stringify(`touch ${marker}; sleep 120`)}]\n`);
    const child = spawnChild(process.execPath, [AO_BIN, "spawn", "frontend"], { env, stdio: "ignore" });
    const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
    await waitFor("postCreate to run", () => existsSync(marker), 60_000);
    const [during] = await ls(env);
    expect(during).toMatchObject({ name: "fe-1", status: "spawning" });
    child.kill("SIGKILL");
    await exited;
    // The postCreate's sleep outlives ao (it is adopted by init); end it, as kill would.
    const worktree = (await ls(env))[0]?.worktree;
    if (worktree) await endProcessesIn(worktree, 500);

    const [after] = await ls(env);
    expect(after).toMatchObject({ name: "fe-1", status: "errored" });
    expect(after?.statusReason).toMatch(/^spawn interrupted \(ao stopped mid-spawn\)/);
    // The record follows the facts once a status run has looked.
    expect((await runAo(["status", "--json"], { env })).code).toBe(0);
    const meta = await readFile(path.join(env.AO_HOME!, "sessions", "sigkill", "fe-1", "metadata"), "utf8");
    expect(meta).toMatch(/^status=errored$/m);
    // And the session can be put away like any other.
    expect((await runAo(["session", "kill", "fe-1"], { env })).code).toBe(0);
    expect(child.pid !== undefined && pidAlive(child.pid)).toBe(false);
  });
});
