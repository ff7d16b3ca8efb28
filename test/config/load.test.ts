import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { findConfigFile, loadConfig } from "../../src/config/load.js";
import { AoError } from "../../src/core/errors.js";
import { runAo } from "../helpers/ao.js";

let root: string;
let env: NodeJS.ProcessEnv;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "ao-config-"));
  env = { HOME: path.join(root, "home"), AO_HOME: path.join(root, "ao-home") };
});
afterEach(() => rm(root, { recursive: true, force: true }));

const MINIMAL = "projects:\n  app: { repo: org/app, path: ~/code/app }\n";

async function put(rel: string, text: string): Promise<string> {
  const file = path.join(root, rel);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
  return file;
}

describe("config lookup", () => {
  it("uses $AO_CONFIG_PATH first, even with a config in the current folder", async () => {
    const chosen = await put("elsewhere/custom.yaml", MINIMAL);
    await put("repo/agent-orchestrator.yaml", MINIMAL);
    expect(findConfigFile({ cwd: path.join(root, "repo"), env: { ...env, AO_CONFIG_PATH: chosen } })).toBe(chosen);
  });

  it("fails with exit 2 when $AO_CONFIG_PATH names no file", () => {
    const call = () => findConfigFile({ cwd: root, env: { ...env, AO_CONFIG_PATH: path.join(root, "nope.yaml") } });
    expect(call).toThrow(/AO_CONFIG_PATH.*no file/);
    try {
      call();
    } catch (e) {
      expect((e as AoError).exitCode).toBe(2);
    }
  });

  it("walks up from the current folder to the nearest agent-orchestrator.yaml", async () => {
    const outer = await put("agent-orchestrator.yaml", MINIMAL);
    const inner = await put("a/agent-orchestrator.yml", MINIMAL);
    await mkdir(path.join(root, "a/b/c"), { recursive: true });
    expect(findConfigFile({ cwd: path.join(root, "a/b/c"), env })).toBe(inner);
    expect(findConfigFile({ cwd: root, env })).toBe(outer);
  });

  it("falls back to $AO_HOME/config.yaml, then to an empty built-in workspace", async () => {
    await mkdir(path.join(root, "empty"), { recursive: true });
    const cwd = path.join(root, "empty");
    // tmpdir has no agent-orchestrator.yaml above it, so only the fallbacks remain.
    const none = await loadConfig({ cwd, env });
    expect(none.file).toBeNull();
    expect(none.projects).toEqual([]);
    const home = await put("ao-home/config.yaml", MINIMAL);
    expect(findConfigFile({ cwd, env })).toBe(home);
  });
});

describe("a project whose origin is not on GitHub (scm: none)", () => {
  it("has no issue tracker unless one is named: an issue number is not looked up on GitHub", async () => {
    const file = await put("loc/agent-orchestrator.yaml", "projects:\n  app: { repo: org/app, path: ~/code/app, scm: none }\n  lin: { repo: org/app, path: ~/code/app, scm: none, tracker: linear }\n  gh: { repo: org/app, path: ~/code/app }\n");
    const c = await loadConfig({ cwd: path.dirname(file), env });
    expect(c.projects.map((p) => p.tracker)).toEqual(["none", "linear", "github"]);
    const { fetchIssue } = await import("../../src/services/trackers.js");
    await expect(fetchIssue({ config: c, env } as never, c.projects[0]!, "12")).rejects.toThrow("project app has no issue tracker (scm: none)");
  });
});

describe("config values", () => {
  it("fills defaults: workspace name from the folder, ~ expanded, prefix from the project id", async () => {
    const file = await put("my-app/agent-orchestrator.yaml", MINIMAL);
    const c = await loadConfig({ cwd: path.dirname(file), env });
    expect(c.name).toBe("my-app");
    expect(c.defaults).toMatchObject({ runtime: "tmux", agent: "claude-code", workspace: "worktree" });
    expect(c.github.baseUrl).toBe("https://api.github.com");
    expect(c.worktreeDir).toBe(path.join(root, "ao-home", "worktrees", "my-app"));
    expect(c.projects[0]).toMatchObject({ id: "app", name: "app", repo: "org/app", path: path.join(root, "home/code/app"), sessionPrefix: "app", defaultBranch: "main", agent: "claude-code", permissions: "default" });
  });

  it("reads the issue's example in full", async () => {
    const file = await put(
      "agent-orchestrator.yaml",
      `name: my-app
defaults: { runtime: tmux, agent: codex, workspace: worktree, terminal: tmux }
github: { baseUrl: https://ghe.example.com/api/v3 }
projects:
  frontend: { repo: org/app, path: ~/code/app, sessionPrefix: fe, defaultBranch: main, name: Frontend }
  backend:  { repo: org/api, path: ../api, sessionPrefix: api, agent: generic, agentCommand: "bash -l", agentConfig: { permissions: skip } }
`,
    );
    const c = await loadConfig({ cwd: root, env });
    expect(c.name).toBe("my-app");
    expect(c.github.baseUrl).toBe("https://ghe.example.com/api/v3");
    expect(c.projects.map((p) => [p.id, p.name, p.sessionPrefix, p.agent])).toEqual([
      ["frontend", "Frontend", "fe", "codex"],
      ["backend", "backend", "api", "generic"],
    ]);
    expect(c.projects[1]).toMatchObject({ path: path.resolve(path.dirname(file), "../api"), permissions: "skip", agentCommand: "bash -l" });
  });

  it("sees an edited file at once, never a stale cached copy", async () => {
    const file = await put("agent-orchestrator.yaml", MINIMAL);
    expect((await loadConfig({ cwd: root, env })).projects[0]?.repo).toBe("org/app");
    expect((await loadConfig({ cwd: root, env })).projects[0]?.repo).toBe("org/app");
    await writeFile(file, MINIMAL.replace("org/app", "org/other"));
    // Same size, and an mtime forced into the past: the key still changes.
    await utimes(file, new Date(2001, 1, 1), new Date(2001, 1, 1));
    expect((await loadConfig({ cwd: root, env })).projects[0]?.repo).toBe("org/other");
  });

  it("never uses a cache an older ao wrote (an older cache version), and replaces it", async () => {
    await put("agent-orchestrator.yaml", MINIMAL);
    expect((await loadConfig({ cwd: root, env })).projects[0]?.repo).toBe("org/app");
    const dir = path.join(env.AO_HOME!, "cache");
    const [name, ...more] = (await readdir(dir)).filter((f) => /^config-.*\.json$/.test(f));
    expect(more).toEqual([]);
    const cached = path.join(dir, name!);
    const entry = JSON.parse(await readFile(cached, "utf8")) as { v: number; key: string; config: { projects: Array<{ repo: string }> } };
    entry.config.projects[0]!.repo = "org/from-the-cache";
    // This version's cache for this very file is used as it is (the copy below differs in v alone)...
    await writeFile(cached, JSON.stringify(entry));
    expect((await loadConfig({ cwd: root, env })).projects[0]?.repo).toBe("org/from-the-cache");
    // ...an older version's is not: the file is parsed again, and the cache written anew.
    await writeFile(cached, JSON.stringify({ ...entry, v: entry.v - 1 }));
    expect((await loadConfig({ cwd: root, env })).projects[0]?.repo).toBe("org/app");
    expect(JSON.parse(await readFile(cached, "utf8"))).toMatchObject({ v: entry.v, key: entry.key, config: { projects: [{ repo: "org/app" }] } });
  });
});

describe("config errors name file, line, column, key and what was expected", () => {
  const cases: Array<[string, string, RegExp]> = [
    ["YAML syntax", "projects:\n  app: { repo: org/app, path: x\n", /:3:1: YAML syntax: Flow map .* end with a }/],
    ["a duplicate key", "name: a\nname: b\n", /:2:1: YAML syntax: .*[Mm]ap keys must be unique/],
    ["an unknown key", "name: a\nprojects:\n  app:\n    repo: org/app\n    path: x\n    sessionPrefx: fe\n", /:6:5: projects\.app\.sessionPrefx: unknown key/],
    ["an unknown top-level key", "nmae: a\n", /:1:1: nmae: unknown key/],
    ["a missing key", "projects:\n  app:\n    path: x\n", /:3:5: projects\.app\.repo: missing; expected string/],
    ["a wrong type", "projects:\n  app:\n    repo: org/app\n    path: 42\n", /:4:11: projects\.app\.path: expected string, received number/],
    ["a bad repo", "projects:\n  app: { repo: just-a-name, path: x }\n", /:2:16: projects\.app\.repo: expected owner\/name/],
    ["an unknown agent", "defaults:\n  agent: clippy\n", /:2:10: defaults\.agent: expected one of .*claude-code/],
    ["a bad session prefix", "projects:\n  app: { repo: o/a, path: x, sessionPrefix: FE-1 }\n", /:2:45: projects\.app\.sessionPrefix: expected lower-case letters/],
    ["a bad duration", "stuckAfter: soon\n", /:1:13: stuckAfter: /],
    ["a workspace name that starts with a dot", 'name: ".."\n', /:1:7: name: expected a letter or digit first/],
    ["two projects with one prefix", "projects:\n  a: { repo: o/a, path: x, sessionPrefix: fe }\n  b: { repo: o/b, path: y, sessionPrefix: fe }\n", /projects\.b\.sessionPrefix: "fe" is already used by project a/],
    ["a generic agent without a command", "projects:\n  a: { repo: o/a, path: x, agent: generic }\n", /:2:6: projects\.a: agent "generic" needs agentCommand/],
  ];
  it.each(cases)("%s", async (_name, text, expected) => {
    const file = await put("agent-orchestrator.yaml", text);
    const err = await loadConfig({ cwd: root, env }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AoError);
    expect((err as AoError).exitCode).toBe(2);
    expect((err as AoError).message.startsWith(`${file}:`)).toBe(true);
    expect((err as AoError).message).toMatch(expected);
  });

  it("ao exits 2 and prints the location", async () => {
    const file = await put("agent-orchestrator.yaml", "projects:\n  app:\n    repo: 7\n    path: x\n");
    const r = await runAo(["session", "ls"], { env: { ...env, PATH: process.env.PATH }, cwd: root });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`ao: ${file}:3:11: projects.app.repo: expected string, received number`);
    expect(r.stdout).toBe("");
  });
});
