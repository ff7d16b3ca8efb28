// The demo end to end: `npm run demo -- --headless` played through its whole timeline at a high
// speed while `ao status --json` watches from outside, then proof that it left nothing behind;
// the same teardown on Ctrl-C (SIGINT), and on `q` in the real dashboard (`ao ui --demo`).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { STATUSES } from "../../src/core/types.js";
import { AO_BIN, ROOT, requireBuild, runAo } from "../helpers/ao.js";
import { privateTmux, waitFor } from "../helpers/tmux.js";

interface DemoInfo {
  root: string;
  AO_HOME: string;
  AO_CONFIG_PATH: string;
  AO_TMUX_SOCKET: string;
  GITHUB_TOKEN: string;
}
type Row = { name: string; status: string };

const SPEED = "6";
// What `npm run demo` runs (scripts/demo.mjs) once dist/ is fresh, as the user gets it.
const DEMO = "dist/bundle/demo.js";
// Nothing of the developer's own ao, tmux or GitHub setup reaches the demo.
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.startsWith("AO_") && !["TMUX", "TMUX_PANE", "GITHUB_TOKEN", "GH_TOKEN"].includes(k)),
);
const children: ChildProcess[] = [];
const ui = privateTmux();
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  ui.kill();
  rmSync(path.join(process.env.TMUX_TMPDIR || "/tmp", `tmux-${process.getuid?.()}`, ui.socket), { force: true });
});

function startDemo(args: string[]): { child: ChildProcess; stderr: () => string; exited: Promise<number | null> } {
  requireBuild();
  const child = spawn(process.execPath, [path.join(ROOT, DEMO), ...args], { env: cleanEnv, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let err = "";
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  child.stdout!.resume(); // the frames; not needed here, but the pipe must not fill up
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { child, stderr: () => err, exited };
}

const demoInfo = (stderr: string): DemoInfo | null => {
  const line = stderr.split("\n").find((l) => l.startsWith("AO_DEMO_ENV "));
  return line ? (JSON.parse(line.slice("AO_DEMO_ENV ".length)) as DemoInfo) : null;
};

const statusEnv = (d: DemoInfo): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  AO_HOME: d.AO_HOME,
  AO_CONFIG_PATH: d.AO_CONFIG_PATH,
  AO_TMUX_SOCKET: d.AO_TMUX_SOCKET,
  GITHUB_TOKEN: d.GITHUB_TOKEN,
});

async function statusRows(d: DemoInfo): Promise<Row[] | null> {
  const r = await runAo(["status", "--json"], { env: statusEnv(d) });
  return r.code === 0 ? (JSON.parse(r.stdout) as Row[]) : null;
}

/** Everything the demo could have left behind; empty when it cleaned up. */
function leftovers(d: DemoInfo): string[] {
  const out: string[] = [];
  const ls = spawnSync("tmux", ["-L", d.AO_TMUX_SOCKET, "list-sessions"], { encoding: "utf8" });
  if (ls.status === 0) out.push(`a tmux server on ${d.AO_TMUX_SOCKET}: ${ls.stdout}`);
  const socketFile = path.join(process.env.TMUX_TMPDIR || "/tmp", `tmux-${process.getuid?.()}`, d.AO_TMUX_SOCKET);
  if (existsSync(socketFile)) out.push(`the socket file ${socketFile}`);
  const pg = spawnSync("pgrep", ["-af", d.root], { encoding: "utf8" });
  if (pg.status === 0) out.push(`processes naming ${d.root}: ${pg.stdout}`);
  // A process whose argv says nothing (a git the agent ran) still carries the demo's AO_HOME.
  if (existsSync("/proc")) {
    for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
      try {
        if (readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(`AO_HOME=${d.AO_HOME}`)) out.push(`process ${pid} with the demo's AO_HOME`);
      } catch {
        /* gone, or not ours */
      }
    }
  }
  if (existsSync(d.root)) out.push(`the folder ${d.root}`);
  return out;
}

describe("npm run demo", () => {
  it("runs the demo's bundle", () => {
    const scripts = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    expect(scripts.demo).toBe("node scripts/demo.mjs");
    // Which, with dist/ fresh (the test run builds first), runs the bundle in its own process.
    const bundle = path.join(ROOT, DEMO);
    const before = statSync(bundle).mtimeMs;
    const help = spawnSync(process.execPath, [path.join(ROOT, "scripts/demo.mjs"), "--help"], { cwd: ROOT, encoding: "utf8" });
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/--headless/);
    expect(statSync(bundle).mtimeMs).toBe(before);
  });

  it("--headless plays the whole timeline: ao status --json shows every status, and nothing is left behind", async () => {
    const demo = startDemo(["--headless", "--speed", SPEED]);
    const info = await waitFor("the AO_DEMO_ENV line", () => demoInfo(demo.stderr()), 20_000);
    const seen = new Map<string, Set<string>>();
    let running = true;
    void demo.exited.then(() => (running = false));
    // Several pollers, so brief states (spawning) are caught; they stop as the demo tears down.
    const poll = async () => {
      while (running && !demo.stderr().includes("timeline finished")) {
        for (const r of (await statusRows(info)) ?? []) seen.set(r.status, (seen.get(r.status) ?? new Set()).add(r.name));
      }
    };
    await Promise.all([poll(), poll(), poll()]);
    expect(await demo.exited, demo.stderr()).toBe(0);
    const want = STATUSES.filter((s) => s !== "killed");
    const summary = Object.fromEntries([...seen].map(([s, ids]) => [s, [...ids].sort()]));
    expect(want.filter((s) => !seen.has(s)), JSON.stringify(summary)).toEqual([]);
    // The sessions the scenarios intend for the end states (api-2 crashes, fe-3 hangs).
    expect(summary).toMatchObject({ errored: expect.arrayContaining(["api-2"]), stuck: expect.arrayContaining(["fe-3"]), merged: ["fe-2"] });
    expect(leftovers(info)).toEqual([]);
  }, 90_000);

  it("tears everything down on Ctrl-C (SIGINT) mid-run", async () => {
    const demo = startDemo(["--headless", "--speed", SPEED]);
    const info = await waitFor("the AO_DEMO_ENV line", () => demoInfo(demo.stderr()), 20_000);
    await waitFor("three agents running", async () => ((await statusRows(info)) ?? []).filter((r) => r.status !== "spawning").length >= 3, 30_000);
    demo.child.kill("SIGINT");
    expect(await demo.exited).toBe(130);
    expect(leftovers(info)).toEqual([]);
  }, 60_000);

  it("ao ui --demo: the dashboard on the demo, gone without a trace on q", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "ao-demo-ui-"));
    try {
      const errFile = path.join(dir, "stderr");
      const env = Object.entries(cleanEnv).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
      const cmd = `exec ${[process.execPath, AO_BIN, "ui", "--demo"].map((w) => `'${w}'`).join(" ")} 2>'${errFile}'`;
      expect(ui.tmux("new-session", "-d", "-s", "dash", "-x", "120", "-y", "40", ...env, "--", "/bin/sh", "-c", cmd, ";", "set-option", "-w", "-t", "=dash:", "remain-on-exit", "on").code).toBe(0);
      const info = await waitFor("the AO_DEMO_ENV line", async () => demoInfo(await readFile(errFile, "utf8").catch(() => "")), 20_000);
      const screen = () => ui.tmux("capture-pane", "-p", "-t", "=dash:").stdout;
      await waitFor("the dashboard showing the demo's sessions", () => {
        const s = screen();
        if (/Frontend/.test(s) && /api-1/.test(s) && /fe-2/.test(s)) return true;
        throw new Error(`the screen was:\n${s}`);
      }, 60_000);
      ui.tmux("send-keys", "-t", "=dash:", "q");
      const pane = (f: string) => ui.tmux("display-message", "-p", "-t", "=dash:", f).stdout.trim();
      // The teardown (every session killed, every worktree removed) is slow on a loaded machine.
      await waitFor("the demo to exit", () => {
        if (pane("#{pane_dead}") === "1") return true;
        throw new Error(`the screen was:\n${screen()}`);
      }, 90_000);
      // tmux 3.3 collects a dead pane's status only when it handles another child's exit.
      ui.tmux("run-shell", "true");
      expect(pane("#{pane_dead_status}")).toBe("0");
      expect(leftovers(info)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
