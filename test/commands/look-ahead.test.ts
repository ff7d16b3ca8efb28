import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runAo, type StatusRow } from "../helpers/ao.js";
import { privateTmux } from "../helpers/tmux.js";
import { ago, makeWorkspace, type TestWorkspace } from "../helpers/workspace.js";

// `ao status` and `ao session ls` start the look the last run left them (AO_HOME/cache/
// look-ahead.json) before their code loads: bin/ao.js starts it, and the bundle takes it only
// when it is the very look it would start (services/look-ahead.ts).
const tm = privateTmux();
let ws: TestWorkspace;
let env: NodeJS.ProcessEnv;
const aheadFile = () => path.join(ws.aoHome, "cache", "look-ahead.json");
const EARLY = "(started before ao's code loaded)";
const tmuxLines = (stderr: string) => stderr.split("\n").filter((l) => l.startsWith("$ tmux"));
const rows = (stdout: string) => (JSON.parse(stdout) as StatusRow[]).map((r) => [r.name, r.status, r.activity]);

beforeAll(async () => {
  ws = await makeWorkspace();
  for (const id of ["fe-1", "fe-2"]) {
    expect(tm.tmux("new-session", "-d", "-s", `ao-t-${id}`, "-x", "40", "-y", "4", "sh", "-c", `printf '${id}\\n'; exec sleep 600`).code).toBe(0);
    await ws.seed(id, { projectId: "frontend", status: "working", agent: "generic", tmuxName: `ao-t-${id}`, branch: `b-${id}`, createdAt: ago(60) });
  }
  env = { ...ws.env, AO_TMUX_SOCKET: tm.socket, AO_VERBOSE: "1" };
});
afterAll(async () => {
  tm.kill();
  await ws.cleanup();
});
beforeEach(async () => {
  // The first run's look finds the panes and leaves the next run's.
  const first = await runAo(["session", "ls", "--json"], { env, cwd: ws.root });
  expect(first.code).toBe(0);
});

describe("the look started before ao's code loads", () => {
  it("is left by a run that looked, private, and taken by the next listing and status: one tmux process each, the same answer", async () => {
    expect(statSync(aheadFile()).mode & 0o777).toBe(0o600);
    const plain = await runAo(["session", "ls", "--json"], { env: { ...env, AO_VERBOSE: "" }, cwd: ws.root });
    for (const args of [["session", "ls", "--json"], ["status", "--json"]]) {
      const r = await runAo(args, { env, cwd: ws.root });
      expect(r.code).toBe(0);
      expect(tmuxLines(r.stderr)).toEqual([expect.stringContaining(EARLY)]);
      expect(rows(r.stdout)).toEqual(rows(plain.stdout));
      expect(rows(r.stdout).every(([, , activity]) => activity !== null)).toBe(true);
    }
  });

  it("is not started for a run from elsewhere (another folder may mean another config), nor from a file others could write", async () => {
    const elsewhere = path.join(ws.root, "elsewhere");
    mkdirSync(elsewhere, { recursive: true });
    const r = await runAo(["session", "ls", "--json"], { env, cwd: elsewhere });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain(EARLY);
    // That run left its own: the next from the first folder looks when it gets to it, and leaves one again.
    expect((await runAo(["session", "ls", "--json"], { env, cwd: ws.root })).stderr).not.toContain(EARLY);
    expect((await runAo(["session", "ls", "--json"], { env, cwd: ws.root })).stderr).toContain(EARLY);

    chmodSync(aheadFile(), 0o666);
    const open = await runAo(["session", "ls", "--json"], { env, cwd: ws.root });
    expect(open.code).toBe(0);
    expect(open.stderr).not.toContain(EARLY);
    // It is made again, private.
    expect(statSync(aheadFile()).mode & 0o777).toBe(0o600);
    expect((await runAo(["session", "ls", "--json"], { env, cwd: ws.root })).stderr).toContain(EARLY);
  });

  it("that is not the look ao would start is let go, and ao looks itself", async () => {
    const la = JSON.parse(readFileSync(aheadFile(), "utf8")) as { input: string };
    // A script of another ao (or an edited file): tmux runs it, nobody hears it.
    la.input = `display-message -p 'ao-look-NONCE p'\n${la.input}`;
    writeFileSync(aheadFile(), JSON.stringify(la), { mode: 0o600 });
    const r = await runAo(["session", "ls", "--json"], { env, cwd: ws.root });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain(EARLY);
    expect(tmuxLines(r.stderr)).toHaveLength(1);
    expect(rows(r.stdout).map(([name]) => name)).toEqual(["fe-1", "fe-2"]);
  });

  it("gives tmux no credentials from ao's environment", async () => {
    // A tmux on the PATH that writes down the environment it was given, then runs the real one.
    const bin = path.join(ws.root, "bin");
    mkdirSync(bin, { recursive: true });
    const real = process.env.PATH!.split(":").map((d) => path.join(d, "tmux")).find((f) => statSync(f, { throwIfNoEntry: false })?.isFile());
    const seen = path.join(ws.root, "tmux-env.txt");
    writeFileSync(path.join(bin, "tmux"), `#!/bin/sh\nenv >> '${seen}'\necho --- >> '${seen}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
    const r = await runAo(["session", "ls", "--json"], { env: { ...env, PATH: `${bin}:${env.PATH}`, GITHUB_TOKEN: "ghp_secret0123456789", MY_API_KEY: "k-secret" }, cwd: ws.root });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(EARLY);
    const told = readFileSync(seen, "utf8");
    expect(told).toContain(`AO_TMUX_SOCKET=${tm.socket}`);
    expect(told).not.toContain("secret");
  });
});
