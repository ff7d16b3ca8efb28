import { appendFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGitHub, type FakeGitHub } from "../../demo/fake-github.js";
import { ROOT, requireBuild, runAo } from "../helpers/ao.js";
import { git, makeRepo } from "../helpers/git.js";
import { privateTmux } from "../helpers/tmux.js";
import { rowOf, summaryOf, uiDriver, waitFor } from "../helpers/ui-driver.js";

// The cockpit in a real terminal of 80×24: `ao ui` over simulated agents on their own tmux
// server, a fake GitHub over real HTTP, real git. Each step waits on the screen.
const SIM = path.join(ROOT, "demo/sim-agent.mjs");
const agents = privateTmux();
const ui = uiDriver({ columns: 80, rows: 24 });
let root: string;
let config: string;
let env: NodeJS.ProcessEnv;
let gh: FakeGitHub;
let logFile: string;
let clone: string;
let origin: string;

type LsRow = { name: string; status: string; activity: string | null; branch: string; conflicts?: Array<{ with: string; files: string[] }> };
async function ls(...extra: string[]): Promise<LsRow[]> {
  return JSON.parse((await runAo(["session", "ls", "--all", "--json", ...extra], { env })).stdout) as LsRow[];
}
const tableKeys = (s: string) => s.includes("AGENT ORCHESTRATOR") && !/Send to|Kill |Cleanup|New session|Merge /.test(s);

beforeAll(async () => {
  requireBuild();
  root = await mkdtemp(path.join(tmpdir(), "ao-e2e-cockpit-"));
  gh = await startFakeGitHub({ token: "fake-token" });
  ({ clone, origin } = await makeRepo(root));
  config = path.join(root, "agent-orchestrator.yaml");
  await writeFile(
    config,
    `name: e2e\ngithub: { baseUrl: ${gh.baseUrl} }\nprojects:\n  frontend: { repo: org/app, path: ${JSON.stringify(clone)}, sessionPrefix: fe, agent: generic, agentCommand: ${JSON.stringify(`node ${SIM}`)} }\n`,
  );
  env = {
    PATH: process.env.PATH,
    HOME: path.join(root, "home"),
    AO_HOME: path.join(root, "ao-home"),
    AO_CONFIG_PATH: config,
    AO_TMUX_SOCKET: agents.socket,
    AO_SIM_THINK_MS: "200",
    GITHUB_TOKEN: "fake-token",
    GIT_AUTHOR_NAME: "Sim",
    GIT_AUTHOR_EMAIL: "sim@example.com",
    GIT_COMMITTER_NAME: "Sim",
    GIT_COMMITTER_EMAIL: "sim@example.com",
  };
  // fe-1 and fe-2 change the same line of README.md and push; fe-3 changes nothing.
  const edits: Record<string, string> = { "fe-1": "# app, says one", "fe-2": "# app, says two" };
  for (const id of ["fe-1", "fe-2", "fe-3"]) {
    const script = edits[id] ? [{ edit: { file: "README.md", content: `${edits[id]}\n` } }, { commit: "edit" }, { push: true }] : [];
    const scriptFile = path.join(root, `${id}.script.json`);
    await writeFile(scriptFile, JSON.stringify(script));
    const r = await runAo(["spawn", "frontend", "--prompt", `task of ${id}`], { env: { ...env, AO_SIM_SCRIPT: scriptFile } });
    expect(r.stderr).toBe("");
    expect(r).toMatchObject({ code: 0, stdout: `${id}\n` });
  }
  await waitFor("the agents ready", async () => (await ls()).filter((r) => r.activity === "ready").length === 3, 30_000);
  gh.state.addIssue({ repo: "org/app", number: 5, title: "Add a footer" });
  logFile = path.join(root, "new-session.log");
  ui.start({ ...env, AO_SIM_LOG: logFile }, ["--github-interval", "2"]);
}, 60_000);

afterAll(async () => {
  ui.kill();
  agents.kill();
  await gh?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

describe("the cockpit at 80×24", () => {
  it("no row wraps: every table line fits, the footer keeps help and quit", async () => {
    // The rows come first (from the records), their activity once the first tmux look is done.
    const s = await ui.see("the table with activity", (x) => / ready /.test(rowOf(x, "fe-1") ?? "") && !!rowOf(x, "fe-2") && !!rowOf(x, "fe-3"));
    // -J joins lines the terminal wrapped: a wrapped row would come back longer than 80.
    for (const l of ui.screen(true).split("\n")) expect([...l].length).toBeLessThan(80);
    // The simulated agents sit at their prompts, their work done: each waits for its person.
    expect(rowOf(s, "fe-1")).toMatch(/^▸ fe-1 +ao\/fe-1\S* +needs_input .* ready +\d+[smh]$/);
    expect(s).toMatch(/3 sessions · 3 need you/);
    expect(s).toContain("[?] help");
    expect(s).toContain("[q] quit");
    // The row's summary is the task (fe-3 has no conflict line in its place).
    expect(s).toContain("task of fe-3");
  });

  it("shows a project added to the config by name, without a restart", async () => {
    await appendFile(config, `  docs: { repo: org/docs, path: ${JSON.stringify(root)}, name: Docs Site }\n`);
    await ui.press("p", "the new project in the project filter", (x) => x.includes("project: Docs Site"), tableKeys);
  });
});

describe("starting and reviewing from the dashboard", () => {
  it("n starts a session on a picked issue with a prompt; the row is selected and the agent gets the prompt", async () => {
    await ui.press("Escape", "no filter", (x) => !x.includes("project:"), tableKeys);
    await ui.press("n", "the new-session dialog", (x) => x.includes("New session"), tableKeys);
    ui.keys("Tab");
    await ui.see("the issue list", (x) => x.includes("#5 Add a footer"));
    ui.typed("footer");
    await ui.see("the search", (x) => x.includes("Issue: footer"));
    ui.keys("Tab", "Tab");
    await ui.see("the prompt field", (x) => /Prompt: █/.test(x));
    ui.typed("hello from the cockpit");
    await ui.see("the prompt", (x) => x.includes("Prompt: hello from the cockpit"));
    ui.keys("Enter");
    const s = await ui.see("the new row, selected", (x) => /^▸ fe-4 +ao\/fe-4-add/m.test(x) && !x.includes("New session"));
    expect(s).toContain("Add a footer");
    await waitFor("the agent to take the prompt", async () => (await readFile(logFile, "utf8").catch(() => "")).includes("hello from the cockpit"), 30_000);
    await ui.see("fe-4 running", (x) => / (working|needs_input) /.test(rowOf(x, "fe-4") ?? ""));
    expect((await ls()).find((r) => r.name === "fe-4")).toMatchObject({ branch: "ao/fe-4-add-a-footer" });
  });

  it("d shows the file the agent changed, with its added line", async () => {
    await ui.press("g", "the cursor on fe-1", (x) => !!rowOf(x, "fe-1")?.startsWith("▸"), tableKeys);
    const list = await ui.press("d", "the changed files", (x) => x.includes("Diff of fe-1") && x.includes("README.md"), tableKeys);
    expect(list).toMatch(/\+1 +−1 README\.md/);
    ui.keys("Enter");
    const file = await ui.see("README's diff", (x) => x.includes("README.md  +1 −1"));
    expect(file).toContain("+# app, says one");
    expect(file).toContain("-# app");
    await ui.press("q", "the table again", (x) => !!rowOf(x, "fe-1"), (x) => !rowOf(x, "fe-1"));
  });
});

describe("merging from the dashboard", () => {
  it("m merges a mergeable PR on the fake GitHub, after a confirmation naming it", async () => {
    const n = gh.state.openPr({ repo: "org/app", branch: "ao/fe-3", title: "fe-3's work" });
    gh.state.setCi("org/app", n, "success");
    gh.state.approve("org/app", n, "reviewer");
    gh.state.setMergeable("org/app", n, true);
    await ui.see("fe-3 mergeable", (x) => / mergeable /.test(rowOf(x, "fe-3") ?? ""));
    // Rows sort by attention (the ones waiting for their person first): walk down to fe-3.
    const cursorOn = (x: string) => /^▸.?(\S+)/m.exec(x)?.[1];
    await ui.press("g", "the cursor on the first row", (x) => cursorOn(x) !== undefined, tableKeys);
    for (let i = 0; i < 6 && cursorOn(ui.screen()) !== "fe-3"; i++) {
      const from = cursorOn(ui.screen());
      await ui.press("j", "the cursor to move down", (x) => cursorOn(x) !== from, tableKeys);
    }
    expect(cursorOn(ui.screen())).toBe("fe-3");
    await ui.press("m", "the question", (x) => x.includes(`Merge PR #${n} of fe-3 (merge)?`), tableKeys);
    ui.keys("y");
    await ui.see("fe-3 merged", (x) => / merged /.test(rowOf(x, "fe-3") ?? "") && !x.includes("Merge PR"));
    expect(gh.state.pr("org/app", n).state).toBe("MERGED");
    expect(gh.state.mergeMethods.get(`org/app#${n}`)).toBe("merge");
    expect((await ls()).find((r) => r.name === "fe-3")?.status).toBe("merged");
  });
});

describe("the conflict radar", () => {
  it("two sessions editing the same line both show the marker naming each other and the file", async () => {
    const s = await ui.see("both marked", (x) => summaryOf(x, "fe-1").includes("⚠ conflicts with fe-2 (README.md)") && summaryOf(x, "fe-2").includes("⚠ conflicts with fe-1 (README.md)"));
    expect(summaryOf(s, "fe-4")).not.toContain("⚠");
    const rows = JSON.parse((await runAo(["status", "--json"], { env })).stdout) as LsRow[];
    expect(rows.find((r) => r.name === "fe-1")?.conflicts).toEqual([expect.objectContaining({ with: "fe-2", files: ["README.md"] })]);
  });

  it("a session whose base moved under it shows it too", async () => {
    const other = path.join(root, "other");
    git(root, "clone", "-q", origin, other);
    await writeFile(path.join(other, "README.md"), "# app, says main\n");
    git(other, "commit", "-qam", "main moves on");
    git(other, "push", "-q", "origin", "main");
    const s = await ui.see("the base conflict", (x) => summaryOf(x, "fe-1").includes("origin/main (README.md)"), 30_000);
    expect(summaryOf(s, "fe-1")).toContain("fe-2 (README.md)");
    await ui.press("g", "the cursor on fe-1", (x) => !!rowOf(x, "fe-1")?.startsWith("▸"), tableKeys);
    const detail = await ui.press("Tab", "the detail pane", (x) => x.includes("would conflict with origin/main in README.md"), tableKeys);
    expect(detail).toContain("would conflict with fe-2 in README.md");
    await ui.press("Tab", "the detail pane closed", (x) => !x.includes("would conflict with"), tableKeys);
  });
});

describe("many at once", () => {
  it("marking three sessions and killing them kills those three", async () => {
    await ui.press("g", "the cursor on fe-1", (x) => !!rowOf(x, "fe-1")?.startsWith("▸"), tableKeys);
    // Space marks and moves on: fe-1, fe-2, then past the merged fe-3 to fe-4.
    await ui.press("Space", "fe-1 marked", (x) => /^ ●fe-1 /m.test(x), (x) => !!rowOf(x, "fe-1")?.startsWith("▸ "));
    await ui.press("Space", "fe-2 marked", (x) => /^ ●fe-2 /m.test(x), (x) => !!rowOf(x, "fe-2")?.startsWith("▸ "));
    await ui.press("j", "the cursor on fe-4", (x) => !!rowOf(x, "fe-4")?.startsWith("▸"), (x) => !!rowOf(x, "fe-3")?.startsWith("▸"));
    await ui.press("Space", "fe-4 marked", (x) => /^ ●fe-4 /m.test(x), (x) => !!rowOf(x, "fe-4")?.startsWith("▸ "));
    expect(ui.screen()).toContain("3 marked");
    const q = await ui.press("K", "the question", (x) => x.includes("Kill 3 sessions: fe-1, fe-2, fe-4?") && x.includes("no uncommitted or unpushed work"), tableKeys);
    expect(q).toContain("[y] kill");
    await ui.press("y", "the three gone", (x) => !rowOf(x, "fe-1") && !rowOf(x, "fe-2") && !rowOf(x, "fe-4"), (x) => x.includes("Kill 3 sessions"));
    await waitFor("ao session ls to agree", async () => {
      const rows = await ls();
      return ["fe-1", "fe-2", "fe-4"].every((id) => rows.find((r) => r.name === id)?.status === "killed") && rows.find((r) => r.name === "fe-3")?.status === "merged";
    });
  });
});
