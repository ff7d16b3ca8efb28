import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, runAo } from "../helpers/ao.js";
import { makeRepo } from "../helpers/git.js";
import { privateTmux, waitFor } from "../helpers/tmux.js";

const SIM = path.join(ROOT, "demo/sim-agent.mjs");
const tm = privateTmux();
let root: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "ao-open-"));
  const { clone } = await makeRepo(root);
  const opened = path.join(root, "opened.txt");
  await writeFile(
    path.join(root, "ao.yaml"),
    `name: openws
github: { baseUrl: "http://127.0.0.1:9/api/v3" }
defaults: { terminal: command, terminalCommand: ${JSON.stringify(`echo {{id}} {{tmuxName}} {{attach}} >> ${opened}`)} }
projects:
  frontend: { repo: org/app, path: ${JSON.stringify(clone)}, sessionPrefix: fe, agent: generic, agentCommand: ${JSON.stringify(`node ${SIM}`)} }
`,
  );
  env = { PATH: process.env.PATH, HOME: path.join(root, "home"), AO_HOME: path.join(root, "ao-home"), AO_CONFIG_PATH: path.join(root, "ao.yaml"), AO_TMUX_SOCKET: tm.socket };
});
afterAll(async () => {
  tm.kill();
  await rm(root, { recursive: true, force: true });
});

describe("ao open", () => {
  it("opens one session, a project's or all through the configured terminal command", async () => {
    expect((await runAo(["spawn", "frontend"], { env })).stdout).toBe("fe-1\n");
    expect((await runAo(["spawn", "frontend"], { env })).stdout).toBe("fe-2\n");
    const one = await runAo(["open", "fe-1"], { env });
    expect(one).toMatchObject({ code: 0, stdout: "Opened fe-1\n" });
    const opened = path.join(root, "opened.txt");
    expect((await readFile(opened, "utf8")).trim()).toBe(`fe-1 ao-openws-fe-1 tmux -u -L ${tm.socket} attach-session -t =ao-openws-fe-1`);
    await waitFor("both running", async () => {
      const r = await runAo(["open", "frontend"], { env });
      return r.stdout === "Opened fe-1, fe-2\n";
    });
    expect((await runAo(["open", "all"], { env })).stdout).toBe("Opened fe-1, fe-2\n");
    expect((await runAo(["open", "nothing-like-that"], { env })).code).toBe(2);
    expect(existsSync(opened)).toBe(true);
  });

  it("a terminal command that keeps running (the window it opened) is left running, not waited on; one that fails says why", async () => {
    const base = await readFile(path.join(root, "ao.yaml"), "utf8");
    // A unique sleep to find again: 60.<pid> seconds.
    const marker = `60.${process.pid}`;
    const withCommand = async (command: string) => {
      const file = path.join(root, `ao-${Math.random().toString(36).slice(2)}.yaml`);
      await writeFile(file, base.replace(/terminalCommand: .*\}/, `terminalCommand: ${JSON.stringify(command)} }`));
      return { ...env, AO_CONFIG_PATH: file };
    };
    await waitFor("fe-1 running", async () => (await runAo(["open", "fe-1"], { env })).code === 0);
    const blocking = await withCommand(`exec sleep ${marker}`);
    const r = await runAo(["open", "fe-1"], { env: blocking });
    expect(r, r.stderr).toMatchObject({ code: 0, stdout: "Opened fe-1\n" });
    // ao has exited; the "window" it opened still runs, on its own.
    const running = spawnSync("pgrep", ["-f", `sleep ${marker}`], { encoding: "utf8" }).stdout.trim();
    expect(running).not.toBe("");
    process.kill(Number(running.split("\n")[0]), "SIGKILL");
    const failing = await withCommand("echo no display here >&2; exit 3");
    const f = await runAo(["open", "fe-1"], { env: failing });
    expect(f.code).toBe(1);
    expect(f.stderr).toMatch(/open fe-1: terminal command failed \(exit 3\): no display here/);
    // spawn --open: the session runs whether or not it can be shown; the failure is a warning.
    const s = await runAo(["spawn", "frontend", "--open"], { env: failing });
    expect(s.code, s.stderr).toBe(0);
    const id = s.stdout.trim();
    expect(s.stderr).toContain(`ao: warning: ${id} started but could not be opened`);
    expect(s.stderr).toContain(`see it with: ao attach ${id}`);
    // ao attach from a script (no terminal) says so itself, with exit 2.
    const a = await runAo(["attach", "fe-1"], { env });
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/attaching to fe-1 needs a terminal/);
    expect((await runAo(["session", "kill", id], { env })).code).toBe(0);
  });
});
