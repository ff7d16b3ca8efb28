import { statSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { parseMergeTree } from "../../src/core/conflicts.js";
import { cachedConflicts, checkConflicts, sameFindings } from "../../src/services/conflicts.js";
import { ROOT, runAo } from "../helpers/ao.js";
import { git, makeRepo } from "../helpers/git.js";
import { privateTmux, waitFor } from "../helpers/tmux.js";

// Real git, real tmux, simulated agents that commit and push: the radar and its reaction.
const SIM = path.join(ROOT, "demo/sim-agent.mjs");
const tm = privateTmux();
let root: string;
let clone: string;
let env: NodeJS.ProcessEnv;
const GIT_ENV = { GIT_AUTHOR_NAME: "Sim", GIT_AUTHOR_EMAIL: "sim@example.com", GIT_COMMITTER_NAME: "Sim", GIT_COMMITTER_EMAIL: "sim@example.com" };

type Row = { name: string; worktree: string; conflicts: Array<{ with: string; kind: string; files: string[] }> };
const status = async () => JSON.parse((await runAo(["status", "--json", "--all"], { env })).stdout) as Row[];
const logged = async (id: string) => (await readFile(path.join(root, `${id}.log`), "utf8").catch(() => "")).trim().split("\n").filter(Boolean).map((l) => (JSON.parse(l) as { text: string }).text);

async function spawn(id: string, edit: { file: string; content: string } | null): Promise<void> {
  const script = path.join(root, `${id}.json`);
  await writeFile(script, JSON.stringify(edit ? [{ edit }, { commit: "edit" }, { push: true }] : []));
  const r = await runAo(["spawn", "frontend"], { env: { ...env, AO_SIM_SCRIPT: script, AO_SIM_LOG: path.join(root, `${id}.log`) } });
  expect(r.stderr).toBe("");
  expect(r.stdout).toBe(`${id}\n`);
}

/** Push a commit to origin/main from a second clone: the base moves under the sessions. */
async function moveBase(file: string, content: string): Promise<void> {
  const other = path.join(root, `other-${Date.now()}`);
  git(root, "clone", "-q", path.join(root, "app-origin.git"), other);
  await writeFile(path.join(other, file), content);
  git(other, "commit", "-qam", `base edits ${file}`);
  git(other, "push", "-q", "origin", "main");
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "ao-conflicts-"));
  ({ clone } = await makeRepo(root));
  await writeFile(path.join(clone, "notes.txt"), "one\ntwo\nthree\n");
  git(clone, "add", "notes.txt");
  git(clone, "commit", "-qm", "notes");
  git(clone, "push", "-q", "origin", "main");
  await writeFile(
    path.join(root, "ao.yaml"),
    `name: radar\nreactions:\n  conflict: { action: send-to-agent }\nnotifiers: []\nprojects:\n  frontend: { repo: org/app, path: ${JSON.stringify(clone)}, sessionPrefix: fe, agent: generic, agentCommand: ${JSON.stringify(`node ${SIM}`)} }\n`,
  );
  env = { PATH: process.env.PATH, HOME: path.join(root, "home"), AO_HOME: path.join(root, "ao-home"), AO_CONFIG_PATH: path.join(root, "ao.yaml"), AO_TMUX_SOCKET: tm.socket, AO_SIM_THINK_MS: "100", GITHUB_TOKEN: "", GH_TOKEN: "", ...GIT_ENV };
  await spawn("fe-1", { file: "README.md", content: "# app, by one\n" });
  await spawn("fe-2", { file: "README.md", content: "# app, by two\n" });
  await spawn("fe-3", { file: "notes.txt", content: "one\ntwo\nthree\nfour\n" });
  await waitFor("three pushes", () => git(clone, "branch", "-r").split("\n").filter((l) => l.includes("ao/fe-")).length === 3, 30_000);
}, 60_000);

afterAll(async () => {
  tm.kill();
  if (root) await rm(root, { recursive: true, force: true });
});

describe("the conflict radar", () => {
  it("finds two sessions editing the same line, naming each other and the file; a third stays clear; no worktree changes", async () => {
    const before = await Promise.all(["fe-1", "fe-2", "fe-3"].map(async (id) => git(path.join(env.AO_HOME!, "worktrees", "radar", id), "status", "--porcelain", "-b")));
    const rows = await status();
    const of = (id: string) => rows.find((r) => r.name === id)!.conflicts;
    expect(of("fe-1")).toEqual([{ with: "fe-2", kind: "session", files: ["README.md"], tip: expect.any(String) }]);
    expect(of("fe-2")).toEqual([{ with: "fe-1", kind: "session", files: ["README.md"], tip: expect.any(String) }]);
    expect(of("fe-3")).toEqual([]);
    const after = await Promise.all(["fe-1", "fe-2", "fe-3"].map(async (id) => git(path.join(env.AO_HOME!, "worktrees", "radar", id), "status", "--porcelain", "-b")));
    expect(after).toEqual(before);
  });

  it("finds a session whose base moved under it, tells its agent to rebase once per base tip", async () => {
    await moveBase("notes.txt", "one\ntwo\nTHREE\n");
    const ctx = await createApp({ env });
    const before = await cachedConflicts(ctx);
    const moved = await checkConflicts(ctx, { fetch: true, fetchEveryMs: 0 });
    // The dashboard looks again after a radar run only when it found something new.
    expect(sameFindings(before, moved)).toBe(false);
    expect(sameFindings(moved, await checkConflicts(ctx, { fetch: true, fetchEveryMs: 0 }))).toBe(true);
    const rows = await status();
    expect(rows.find((r) => r.name === "fe-3")!.conflicts).toEqual([{ with: "origin/main", kind: "base", files: ["notes.txt"], tip: expect.any(String) }]);
    expect(rows.find((r) => r.name === "fe-1")!.conflicts.map((c) => c.with)).toEqual(["fe-2"]);

    expect((await runAo(["watch", "--once"], { env })).code).toBe(0);
    await waitFor("the agent told to rebase", async () => (await logged("fe-3")).some((t) => t.includes("would conflict with origin/main")));
    const told = (await logged("fe-3")).filter((t) => t.includes("Please rebase onto origin/main"));
    expect(told).toHaveLength(1);
    expect(told[0]).toContain("notes.txt");
    expect(await logged("fe-1")).toEqual([]);

    // The same base tip: nothing more.
    expect((await runAo(["watch", "--once"], { env })).code).toBe(0);
    expect((await logged("fe-3")).filter((t) => t.includes("Please rebase"))).toHaveLength(1);

    // A new base tip that still conflicts: told again.
    await moveBase("notes.txt", "one\ntwo\nTHREE!\n");
    await checkConflicts(ctx, { fetch: true, fetchEveryMs: 0 });
    expect((await runAo(["watch", "--once"], { env })).code).toBe(0);
    await waitFor("told again", async () => (await logged("fe-3")).filter((t) => t.includes("Please rebase")).length === 2);
  });
});

describe("the radar on a full or read-only AO_HOME", () => {
  it("still answers: ao status does not fail on its snapshot's write", async () => {
    const home = path.join(root, "ro-home");
    await mkdir(path.join(home, "sessions"), { recursive: true });
    await cp(path.join(env.AO_HOME!, "sessions"), path.join(home, "sessions"), { recursive: true });
    // The cache folder cannot be made: a file holds its name (as a full disk refuses a write).
    await writeFile(path.join(home, "cache"), "");
    const r = await runAo(["status", "--json", "--all"], { env: { ...env, AO_HOME: home } });
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as Row[];
    expect(rows.find((x) => x.name === "fe-1")!.conflicts.map((c) => c.with)).toEqual(["fe-2"]);
  });
});

describe("the radar's cost", () => {
  it("runs no git while no branch and no base moved, and sees a branch that moved", async () => {
    const verbose = async () => runAo(["status", "--json", "--all", "--verbose"], { env });
    await verbose(); // the run that records what the refs look like
    const cache = path.join(env.AO_HOME!, "cache", "conflicts-radar.json");
    const written = statSync(cache);
    const quiet = await verbose();
    expect(quiet.stderr).not.toContain("$ git for-each-ref");
    // Nothing found anew: its cache is not written again (the same file, untouched).
    const kept = statSync(cache);
    expect([kept.ino, kept.mtimeMs]).toEqual([written.ino, written.mtimeMs]);
    expect((JSON.parse(quiet.stdout) as Row[]).find((r) => r.name === "fe-1")!.conflicts.map((c) => c.with)).toEqual(["fe-2"]);

    // fe-2's branch goes back to main's tip: it no longer edits README.md.
    const branch = git(clone, "for-each-ref", "--format=%(refname)", "refs/heads/ao/fe-2*").trim();
    git(clone, "update-ref", branch, git(clone, "rev-parse", "origin/main").trim());
    const moved = await verbose();
    expect(moved.stderr).toContain("$ git for-each-ref");
    expect(statSync(cache).ino).not.toBe(written.ino);
    expect((JSON.parse(moved.stdout) as Row[]).find((r) => r.name === "fe-1")!.conflicts).toEqual([]);
  });
});

describe("parseMergeTree", () => {
  it("reads a clean merge, a conflicted one, and refuses anything else", () => {
    expect(parseMergeTree(0, "abc\n")).toBeNull();
    expect(parseMergeTree(1, "abc\nREADME.md\nsrc/a.ts\n")).toEqual(["README.md", "src/a.ts"]);
    expect(() => parseMergeTree(128, "")).toThrow(/exited 128/);
  });
});
