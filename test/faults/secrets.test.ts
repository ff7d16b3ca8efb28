// Fault class: secrets and files. Tokens reach only the agent (through a private launch file the
// launcher deletes), never tmux's global environment or a file left by a failed step, and all
// that ao keeps in AO_HOME is private to the user.
import { readdir, readFile, stat, chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { TmuxRuntime } from "../../src/plugins/runtime/tmux.js";
import { ROOT, requireBuild, runAo } from "../helpers/ao.js";
import { makeRepo } from "../helpers/git.js";
import { privateTmux, waitFor } from "../helpers/tmux.js";

// Real processes on a shared, loaded machine: generous deadlines, never timed assertions.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const GITHUB_TOKEN = "ghp_secretsFault0123456789abcdefghijklm";
const LINEAR_API_KEY = "lin_api_secretsFault0123456789";
const tm = privateTmux();
let root: string;

beforeAll(async () => {
  requireBuild();
  root = await mkdtemp(path.join(tmpdir(), "ao-faults-secrets-"));
});
afterAll(async () => {
  tm.kill();
  await rm(root, { recursive: true, force: true });
});

describe("tokens stay out of files and tmux", () => {
  it("a tmux new-session that fails leaves no launch file (with the tokens) behind", async () => {
    const stateDir = path.join(root, "state-failed");
    await mkdir(stateDir, { recursive: true });
    const runtime = new TmuxRuntime(tm.socket);
    const spec = { name: "ao-secrets-dup", cwd: root, command: "sleep 60", env: { PATH: process.env.PATH, GITHUB_TOKEN, LINEAR_API_KEY }, stateDir };
    await runtime.create(spec);
    // The same name again: tmux refuses ("duplicate session"), and the launcher never runs.
    await expect(runtime.create(spec)).rejects.toThrow(/duplicate session/);
    await waitFor("the first launcher to take its file", async () => (await readdir(stateDir)).length === 0);
    expect(await readdir(stateDir)).toEqual([]);
    await runtime.destroy("ao-secrets-dup");
  });

  it("the tmux server ao starts keeps no token in its global environment; the agent still gets them", async () => {
    const own = privateTmux();
    const saved = { GITHUB_TOKEN: process.env.GITHUB_TOKEN, LINEAR_API_KEY: process.env.LINEAR_API_KEY };
    // ao's own environment holds the tokens, as a user's shell does.
    process.env.GITHUB_TOKEN = GITHUB_TOKEN;
    process.env.LINEAR_API_KEY = LINEAR_API_KEY;
    try {
      const stateDir = path.join(root, "state-env");
      await mkdir(stateDir, { recursive: true });
      const out = path.join(root, "agent-env.txt");
      const runtime = new TmuxRuntime(own.socket);
      await runtime.create({
        name: "ao-secrets-env",
        cwd: root,
        command: `printf '%s %s' "$GITHUB_TOKEN" "$LINEAR_API_KEY" > ${out}; sleep 60`,
        env: { PATH: process.env.PATH, GITHUB_TOKEN, LINEAR_API_KEY },
        stateDir,
      });
      const global = own.tmux("show-environment", "-g").stdout;
      expect(global).toContain("PATH=");
      expect(global).not.toContain(GITHUB_TOKEN);
      expect(global).not.toContain(LINEAR_API_KEY);
      expect(global).not.toMatch(/^(GITHUB_TOKEN|LINEAR_API_KEY)=/m);
      expect(await waitFor("the agent's environment", async () => (await readFile(out, "utf8").catch(() => "")) || null)).toBe(`${GITHUB_TOKEN} ${LINEAR_API_KEY}`);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      own.kill();
    }
  });
});

/** Every folder and file under `dir`, with its permission bits. */
async function walk(dir: string, skip: string[] = []): Promise<Array<{ p: string; mode: number; dir: boolean }>> {
  const out: Array<{ p: string; mode: number; dir: boolean }> = [];
  const st = await stat(dir);
  out.push({ p: dir, mode: st.mode & 0o777, dir: true });
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (skip.includes(p)) continue;
    if (e.isDirectory()) out.push(...(await walk(p, skip)));
    else out.push({ p, mode: (await stat(p)).mode & 0o777, dir: false });
  }
  return out;
}

describe("AO_HOME is private", () => {
  it("every folder ao makes is 0700 and every file 0600: metadata, events (whole messages), caches, locks", async () => {
    const { clone } = await makeRepo(root, "perm");
    const config = path.join(root, "perm.yaml");
    await writeFile(config, `name: perm\nprojects:\n  frontend: { repo: org/app, path: ${JSON.stringify(clone)}, sessionPrefix: fe, agent: generic, agentCommand: ${JSON.stringify(`node ${path.join(ROOT, "demo/sim-agent.mjs")}`)} }\n`);
    const aoHome = path.join(root, "perm-home");
    const env = { PATH: process.env.PATH, HOME: path.join(root, "home"), AO_HOME: aoHome, AO_CONFIG_PATH: config, AO_TMUX_SOCKET: tm.socket, AO_SIM_THINK_MS: "100", GITHUB_TOKEN: "fake" };
    expect(await runAo(["spawn", "frontend", "--prompt", "a private task"], { env })).toMatchObject({ code: 0, stdout: "fe-1\n" });
    expect((await runAo(["send", "fe-1", "a private message"], { env })).code).toBe(0);
    expect((await runAo(["status", "--json"], { env })).code).toBe(0);
    expect((await runAo(["session", "kill", "fe-1"], { env })).code).toBe(0);

    const events = await readFile(path.join(aoHome, "sessions", "perm", "fe-1", "events.jsonl"), "utf8");
    expect(events).toContain("a private message");
    // Worktrees are the user's checkouts (git sets their files' modes); only their folder is ao's.
    const entries = await walk(aoHome, [path.join(aoHome, "worktrees", "perm")]);
    expect(entries.length).toBeGreaterThan(5);
    const open = entries.filter((e) => (e.mode & 0o077) !== 0).map((e) => `${e.p.slice(aoHome.length)} ${e.mode.toString(8)}`);
    expect(open).toEqual([]);
  });

  it("an AO_HOME an older ao left open is closed on the next run", async () => {
    const aoHome = path.join(root, "old-home");
    await mkdir(path.join(aoHome, "sessions"), { recursive: true });
    await chmod(aoHome, 0o755);
    const env = { PATH: process.env.PATH, HOME: path.join(root, "home"), AO_HOME: aoHome, AO_CONFIG_PATH: path.join(root, "perm.yaml") };
    expect((await runAo(["session", "ls"], { env })).code).toBe(0);
    expect((await stat(aoHome)).mode & 0o777).toBe(0o700);
  });
});
