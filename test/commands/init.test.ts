import { existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ROOT, runAo } from "../helpers/ao.js";
import { makeWorkspace, type TestWorkspace } from "../helpers/workspace.js";

let ws: TestWorkspace;
let repo: string;
let env: NodeJS.ProcessEnv;

function git(cwd: string, ...args: string[]): void {
  execFileSync("git", args, { cwd, env: { ...env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@t", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@t" }, stdio: "ignore" });
}

beforeEach(async () => {
  ws = await makeWorkspace();
  env = { ...ws.env };
  delete env.AO_CONFIG_PATH;
  repo = path.join(ws.root, "home", "code", "shop");
  await mkdir(repo, { recursive: true });
  git(repo, "init", "-q", "-b", "trunk");
  git(repo, "remote", "add", "origin", "git@github.com:acme/shop.git");
});
afterEach(() => ws.cleanup());

describe("ao init", () => {
  it("writes a starter config from origin that ao then reads", async () => {
    const r = await runAo(["init"], { env, cwd: repo });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(path.join(repo, "agent-orchestrator.yaml"));
    const text = await readFile(path.join(repo, "agent-orchestrator.yaml"), "utf8");
    expect(text).toContain('repo: "acme/shop"');
    expect(text).toContain('path: "~/code/shop"');
    expect(text).toContain('defaultBranch: "trunk"');
    expect(text).toMatch(/^# /m); // commented for a person to edit
    // It sends the reader to a section of the README that is there (it named a "Config" section the README does not have).
    const section = /Reference: the README's "([^"]+)" section/.exec(text)?.[1];
    expect((await readFile(path.join(ROOT, "README.md"), "utf8")).split("\n")).toContain(`## ${section}`);
    const st = await runAo(["status", "--json"], { env, cwd: repo });
    expect(st).toMatchObject({ code: 0, stdout: "[]\n" });
  });

  it("names that YAML would read as numbers or booleans stay names: a folder called 123, a branch called 2024", async () => {
    for (const folder of ["123", "true"]) {
      const dir = path.join(ws.root, "home", "code", folder);
      await mkdir(dir, { recursive: true });
      git(dir, "init", "-q", "-b", "2024");
      git(dir, "remote", "add", "origin", `git@github.com:acme/${folder}.git`);
      const r = await runAo(["init"], { env, cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      const st = await runAo(["status", "--json"], { env, cwd: dir });
      expect(st, st.stderr).toMatchObject({ code: 0, stdout: "[]\n" });
    }
  });

  it("an origin on a server that is not GitHub gets scm: none, and says so; GitHub Enterprise gets its API", async () => {
    git(repo, "remote", "set-url", "origin", "https://gitlab.com/group/sub/shop.git");
    const r = await runAo(["init"], { env, cwd: repo });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("origin is on gitlab.com, not GitHub: the project has scm: none");
    expect(await readFile(path.join(repo, "agent-orchestrator.yaml"), "utf8")).toMatch(/^ {4}scm: none +# origin is on gitlab\.com, not GitHub/m);
    expect((await runAo(["status", "--json"], { env, cwd: repo })).code).toBe(0);
    const ghe = path.join(ws.root, "home", "code", "ghe");
    await mkdir(ghe, { recursive: true });
    git(ghe, "init", "-q", "-b", "main");
    git(ghe, "remote", "add", "origin", "ssh://git@github.example.com:2222/org/app");
    expect((await runAo(["init"], { env, cwd: ghe })).code).toBe(0);
    const text = await readFile(path.join(ghe, "agent-orchestrator.yaml"), "utf8");
    expect(text).toContain("baseUrl: https://github.example.com/api/v3");
    expect(text).not.toContain("scm: none");
  });

  it("prints the folder's path inert: an escape sequence in a folder name does not reach the terminal", async () => {
    const dir = path.join(ws.root, "home", "code", "esc\u001b[2Jx");
    await mkdir(dir, { recursive: true });
    git(dir, "init", "-q", "-b", "main");
    git(dir, "remote", "add", "origin", "git@github.com:acme/esc.git");
    const r = await runAo(["init"], { env, cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain("\u001b");
  });

  it("run in a subfolder, writes the config at the repository's top level, named after it, and says so", async () => {
    const sub = path.join(repo, "src", "deep");
    await mkdir(sub, { recursive: true });
    const r = await runAo(["init"], { env, cwd: sub });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Not in ${sub}: a repository's config goes at its top level`);
    expect(r.stdout).toContain(`Wrote ${path.join(repo, "agent-orchestrator.yaml")}`);
    expect(existsSync(path.join(sub, "agent-orchestrator.yaml"))).toBe(false);
    const text = await readFile(path.join(repo, "agent-orchestrator.yaml"), "utf8");
    expect(text).toMatch(/^name: "shop"/m);
    expect(text).toContain('path: "~/code/shop"');
    // From the subfolder, ao finds it above.
    expect(await runAo(["status", "--json"], { env, cwd: sub })).toMatchObject({ code: 0, stdout: "[]\n" });
    // At the top level itself, nothing more is said.
    await rm(path.join(repo, "agent-orchestrator.yaml"));
    const again = await runAo(["init"], { env, cwd: repo });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).not.toContain("Not in");
  });

  it("an error carrying outside text (origin's URL) over several lines never lets a line pass for one of ao's", async () => {
    git(repo, "config", "remote.origin.url", "weird\nao: fe-1 killed. Worktree removed.\r\nao: done");
    const r = await runAo(["init"], { env, cwd: repo });
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines[0]).toBe("ao: cannot read owner/name from origin's URL weird");
    expect(lines.slice(1)).toEqual(["  ao: fe-1 killed. Worktree removed.", "  ao: done"]);
  });

  it("never overwrites an existing config", async () => {
    await writeFile(path.join(repo, "agent-orchestrator.yaml"), "name: mine\n");
    const r = await runAo(["init"], { env, cwd: repo });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/already exists; ao init never overwrites/);
    expect(await readFile(path.join(repo, "agent-orchestrator.yaml"), "utf8")).toBe("name: mine\n");
  });

  it("writes no .yaml beside an agent-orchestrator.yml, which it would hide", async () => {
    const dir = path.join(ws.root, "yml-repo");
    await mkdir(dir, { recursive: true });
    git(dir, "init", "-q");
    git(dir, "remote", "add", "origin", "git@github.com:acme/yml.git");
    await writeFile(path.join(dir, "agent-orchestrator.yml"), "name: mine\n");
    const r = await runAo(["init"], { env, cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/agent-orchestrator\.yml already exists; ao init never writes a second config beside it/);
    expect(existsSync(path.join(dir, "agent-orchestrator.yaml"))).toBe(false);
  });

  it("explains, with exit 2, outside a repository or without origin", async () => {
    const outside = await runAo(["init"], { env, cwd: ws.root });
    expect(outside.code).toBe(2);
    expect(outside.stderr).toMatch(/not inside a git repository/);
    git(repo, "remote", "remove", "origin");
    const noOrigin = await runAo(["init"], { env, cwd: repo });
    expect(noOrigin.code).toBe(2);
    expect(noOrigin.stderr).toMatch(/no "origin" remote/);
  });
});
