// The dashboard's destructive keys, against real sessions: `ao ui` in a private tmux server,
// simulated agents on another, real git. Written against what the person sees and what is left
// on disk, so it holds however the dashboard's code is arranged.
// - K then y never forces: work that appeared after the dialog checked is not thrown away.
// - c then y really cleans up what the plan shows.
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ROOT, requireBuild, runAo } from "../helpers/ao.js";
import { makeRepo } from "../helpers/git.js";
import { privateTmux, waitFor } from "../helpers/tmux.js";
import { rowOf, uiDriver } from "../helpers/ui-driver.js";

// Real processes on a shared, loaded machine: generous deadlines, never timed assertions.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const SIM = path.join(ROOT, "demo/sim-agent.mjs");
const agents = privateTmux();
const ui = uiDriver({ columns: 120, rows: 35 });
let root: string;
let env: NodeJS.ProcessEnv;

// The machine is loaded: every wait on the screen gets 45 s.
const WAIT_MS = 45_000;
const see = (what: string, check: (s: string) => boolean) => ui.see(what, check, WAIT_MS);
const press = (key: string, what: string, check: (s: string) => boolean, again: (s: string) => boolean) => ui.press(key, what, check, again, WAIT_MS);

const tableKeys = (s: string) => s.includes("AGENT ORCHESTRATOR") && !/Send to|Kill fe-|Cleanup/.test(s);
type LsRow = { name: string; status: string; activity: string | null };
const ls = async () => JSON.parse((await runAo(["session", "ls", "--all", "--json"], { env })).stdout) as LsRow[];
const worktree = (id: string) => path.join(env.AO_HOME!, "worktrees", "dashfaults", id);

beforeAll(async () => {
  requireBuild();
  root = await mkdtemp(path.join(tmpdir(), "ao-faults-dash-"));
  const { clone } = await makeRepo(root);
  const config = path.join(root, "agent-orchestrator.yaml");
  await writeFile(
    config,
    `name: dashfaults\ngithub: { baseUrl: http://127.0.0.1:9/api/v3 }\nprojects:\n  frontend: { repo: org/app, path: ${JSON.stringify(clone)}, sessionPrefix: fe, agent: generic, agentCommand: ${JSON.stringify(`node ${SIM}`)} }\n`,
  );
  env = { PATH: process.env.PATH, HOME: path.join(root, "home"), AO_HOME: path.join(root, "ao-home"), AO_CONFIG_PATH: config, AO_TMUX_SOCKET: agents.socket, AO_SIM_THINK_MS: "200" };
  for (const id of ["fe-1", "fe-2"]) expect(await runAo(["spawn", "frontend"], { env })).toMatchObject({ code: 0, stdout: `${id}\n` });
  await waitFor("both agents ready", async () => (await ls()).filter((r) => r.activity === "ready").length === 2, 60_000);
  ui.start(env);
  await see("the table", (s) => !!rowOf(s, "fe-1") && !!rowOf(s, "fe-2"));
});

afterAll(async () => {
  ui.kill();
  agents.kill();
  if (root) await rm(root, { recursive: true, force: true });
});

describe("the dashboard's destructive keys", () => {
  it("K then y does not force: work that appeared after the check stays, and the kill is refused", async () => {
    await press("g", "the cursor on fe-1", (s) => !!rowOf(s, "fe-1")?.startsWith("▸"), tableKeys);
    await press("K", "the kill question", (s) => s.includes("Kill fe-1?") && s.includes("no uncommitted or unpushed work"), tableKeys);
    // The agent writes a file while the person reads the question.
    await writeFile(path.join(worktree("fe-1"), "notes.md"), "unsaved work\n");
    const s = await press("y", "the refusal", (x) => /would be lost/.test(x), (x) => x.includes("Kill fe-1?"));
    expect(s).toMatch(/kill fe-1: /);
    expect(existsSync(path.join(worktree("fe-1"), "notes.md"))).toBe(true);
    expect((await ls()).find((r) => r.name === "fe-1")?.status).not.toBe("killed");
  });

  it("c then y kills what the plan shows, and only that", async () => {
    expect(agents.tmux("kill-session", "-t", "=ao-dashfaults-fe-2").code).toBe(0);
    await see("fe-2 errored", (s) => / errored /.test(rowOf(s, "fe-2") ?? ""));
    const plan = await press("c", "the cleanup plan", (s) => s.includes("Cleanup") && /fe-2\s.*runtime dead\s.*kill/.test(s), tableKeys);
    expect(plan).toContain("[y] kill 1 session");
    await press("y", "the cleanup done", (s) => /Cleanup: 1 session killed/.test(s) || / killed /.test(rowOf(s, "fe-2") ?? ""), (s) => s.includes("[y] kill 1 session"));
    await waitFor("fe-2 killed", async () => (await ls()).find((r) => r.name === "fe-2")?.status === "killed");
    expect(existsSync(worktree("fe-2"))).toBe(false);
    const fe1 = (await ls()).find((r) => r.name === "fe-1");
    expect(fe1?.status).not.toBe("killed");
    expect(existsSync(path.join(worktree("fe-1"), "notes.md"))).toBe(true);
  });
});
