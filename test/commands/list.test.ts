import { spawnSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AO_BIN, ROOT, runAo } from "../helpers/ao.js";
import { ago, makeWorkspace, type TestWorkspace } from "../helpers/workspace.js";

let ws: TestWorkspace;

beforeEach(async () => {
  ws = await makeWorkspace();
});
afterEach(() => ws.cleanup());

// Records written by hand, naming no tmux session: ao can see none of their agents, and says so
// (errored, cause unobservable) rather than guess "working" from the record.
async function seedExample(): Promise<void> {
  await ws.seed("fe-1", {
    projectId: "frontend",
    status: "working",
    branch: "feat/add-login",
    pr: "https://github.com/org/app/pull/42",
    createdAt: ago(600),
    lastActivityAt: ago(125),
    summary: "Implementing OAuth login flow with session management",
    issueId: "123",
    worktree: "/w/fe-1",
  });
  await ws.seed("fe-2", {
    projectId: "frontend",
    status: "pr_open",
    branch: "feat/dashboard",
    createdAt: ago(900),
    lastActivityAt: ago(300),
  });
  await ws.seed("api-1", { projectId: "backend", status: "working", branch: "fix/db-pool", createdAt: ago(3 * 86_400), lastActivityAt: ago(4000) });
  await ws.seed("api-2", { projectId: "backend", status: "killed", branch: "old/try", createdAt: ago(5 * 86_400) });
}

describe("ao status flags", () => {
  it("--interval without --watch is a usage error, not silently ignored", async () => {
    const r = await runAo(["status", "--interval", "1"], { env: ws.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--interval goes with --watch/);
  });
});

describe("ao session ls", () => {
  it("says there are no sessions in an empty workspace", async () => {
    const r = await runAo(["session", "ls"], { env: ws.env });
    expect(r).toMatchObject({ code: 0, stdout: "(no active sessions)\n" });
  });

  it("lists sessions grouped by project, in the seed's form, killed hidden", async () => {
    await seedExample();
    const r = await runAo(["session", "ls"], { env: ws.env });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        "Frontend:",
        "fe-1 (2m ago) feat/add-login [errored] https://github.com/org/app/pull/42",
        "fe-2 (5m ago) feat/dashboard [pr_open]",
        "backend:",
        "api-1 (1h ago) fix/db-pool [errored]",
        "",
      ].join("\n"),
    );
  });

  it("shows killed sessions with --all", async () => {
    await seedExample();
    const r = await runAo(["session", "ls", "--all", "-p", "backend"], { env: ws.env });
    expect(r.stdout).toContain("api-2 (5d ago) old/try [killed]");
    expect(r.stdout).not.toContain("fe-1");
  });

  it("filters by project id or name, and rejects an unknown project with exit 2", async () => {
    await seedExample();
    const byId = await runAo(["session", "ls", "-p", "frontend"], { env: ws.env });
    const byName = await runAo(["session", "ls", "--project", "Frontend"], { env: ws.env });
    expect(byId.stdout).toBe(byName.stdout);
    expect(byId.stdout).toContain("fe-2");
    expect(byId.stdout).not.toContain("api-1");
    const bad = await runAo(["session", "ls", "-p", "mobile"], { env: ws.env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('ao: unknown project "mobile"; projects: frontend, backend\n');
    // cleanup says it alone, before it says it is checking anything.
    const cleanup = await runAo(["session", "cleanup", "--dry-run", "-p", "mobile"], { env: ws.env });
    expect(cleanup).toMatchObject({ code: 2, stdout: "", stderr: 'ao: unknown project "mobile"; projects: frontend, backend\n' });
  });

  it("prints JSON that scripts can rely on", async () => {
    await seedExample();
    const r = await runAo(["session", "ls", "--json"], { env: ws.env });
    const rows = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(rows.map((x) => x.name).sort()).toEqual(["api-1", "fe-1", "fe-2"]);
    const fe1 = rows.find((x) => x.name === "fe-1")!;
    expect(fe1).toMatchObject({
      name: "fe-1",
      project: "frontend",
      branch: "feat/add-login",
      status: "errored",
      statusCause: "unobservable",
      statusReason: "ao cannot see this session: its record names no tmux session",
      prNumber: 42,
      prUrl: "https://github.com/org/app/pull/42",
      ciStatus: null,
      reviewDecision: null,
      pendingThreads: null,
      activity: null,
      lastActivity: "2m ago",
      issueId: "123",
      worktree: "/w/fe-1",
      summary: "Implementing OAuth login flow with session management",
    });
    for (const key of ["statusReason", "lastActivityAt", "createdAt"]) expect(fe1).toHaveProperty(key);
    expect(new Date(fe1.lastActivityAt as string).toISOString()).toBe(fe1.lastActivityAt);
  });

  it("prints --json in the tables' order: projects as the config has them, ids by number", async () => {
    const ids = ["fe-10", "api-3", "fe-2", "api-11", "fe-1", "api-2", "fe-21", "fe-3", "api-1", "fe-12"];
    for (const id of ids) await ws.seed(id, { projectId: id.startsWith("fe") ? "frontend" : "backend", status: "working", createdAt: ago(60) });
    const want = ["fe-1", "fe-2", "fe-3", "fe-10", "fe-12", "fe-21", "api-1", "api-2", "api-3", "api-11"];
    for (const cmd of [["session", "ls", "--json"], ["status", "--json"]]) {
      const r = await runAo(cmd, { env: ws.env });
      expect((JSON.parse(r.stdout) as Array<{ name: string }>).map((x) => x.name), cmd.join(" ")).toEqual(want);
    }
  });

  it("gives null, as the tables give '-', for a recorded time edited by hand into something that is no date", async () => {
    await ws.seed("fe-1", { projectId: "frontend", status: "working", branch: "b", createdAt: "next tuesday\u001b]0;x\u0007", lastActivityAt: "soon" });
    await ws.seed("fe-2", { projectId: "frontend", status: "working", branch: "c", createdAt: "2024-03-01T10:00:00Z" });
    for (const args of [["session", "ls", "--json"], ["status", "--json"]]) {
      const r = await runAo(args, { env: ws.env });
      expect(r.code, r.stderr).toBe(0);
      const rows = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
      expect(rows.find((x) => x.name === "fe-1"), args.join(" ")).toMatchObject({ createdAt: null, lastActivityAt: null, lastActivity: null });
      // A date stays one, in ISO form.
      expect(rows.find((x) => x.name === "fe-2"), args.join(" ")).toMatchObject({ createdAt: "2024-03-01T10:00:00.000Z", lastActivityAt: "2024-03-01T10:00:00.000Z" });
    }
    const table = await runAo(["session", "ls"], { env: ws.env });
    expect(table.stdout).toContain("fe-1 (-) b [errored]");
  });

  it("keeps listing when one session's file is corrupt, and shows that one as errored", async () => {
    await seedExample();
    await ws.seedRaw("fe-3", "status=working\nthis is not key value\n");
    const r = await runAo(["session", "ls", "--json"], { env: ws.env });
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(rows.map((x) => x.name).sort()).toEqual(["api-1", "fe-1", "fe-2", "fe-3"]);
    expect(rows.find((x) => x.name === "fe-3")).toMatchObject({
      project: "frontend",
      status: "errored",
      statusReason: 'unreadable metadata: line 2: expected key=value, got "this is not key value"',
    });
  });
});

describe("ao status", () => {
  it("prints the wide table with summaries and the closing count", async () => {
    await seedExample();
    const r = await runAo(["status"], { env: ws.env });
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("Frontend:");
    expect(lines[1]).toMatch(/^\s+Session\s+Status\s+Branch\s+PR\s+CI\s+Rev\s+Thr\s+Activity\s+Age$/);
    expect(lines[2]).toMatch(/^\s+fe-1\s+errored\s+feat\/add-login\s+#42\s+-\s+-\s+-\s+-\s+10m$/);
    // The reason comes before the task for an errored session.
    expect(lines[3]).toMatch(/^\s+ao cannot see this session: its record names no tmux session · Implementing OAuth login flow with session management$/);
    expect(lines[4]).toMatch(/^\s+fe-2\s+pr_open\s+feat\/dashboard\s+-\s+-\s+-\s+-\s+-\s+15m$/);
    expect(lines[5]).toMatch(/pr open \(last recorded; GitHub not checked\)/);
    expect(r.stdout).toContain("backend:");
    expect(r.stdout).toMatch(/api-1\s+errored\s+fix\/db-pool\s+-\s+-\s+-\s+-\s+-\s+3d/);
    expect(r.stdout).not.toContain("api-2");
    expect(r.stdout.endsWith("\n3 active sessions across 2 projects\n")).toBe(true);
    // Columns line up: the PR column starts at the same offset on the header and every row.
    const prAt = (l: string) => l.indexOf(l.includes("Session") ? "PR" : l.includes("#42") ? "#42" : "-  ");
    expect(prAt(lines[2]!)).toBe(prAt(lines[1]!));
  });

  it("says which sessions run without permission prompts", async () => {
    await ws.seed("fe-5", { projectId: "frontend", status: "working", branch: "b", permissions: "skip", summary: "Trusted task" });
    const r = await runAo(["status"], { env: ws.env });
    expect(r.stdout).toMatch(/Trusted task · permissions skipped/);
    const json = JSON.parse((await runAo(["status", "--json"], { env: ws.env })).stdout) as Array<Record<string, unknown>>;
    expect(json.find((x) => x.name === "fe-5")?.permissionsSkipped).toBe(true);
  });

  it("filters with -p and counts one project", async () => {
    await seedExample();
    const r = await runAo(["status", "-p", "backend"], { env: ws.env });
    expect(r.stdout).not.toContain("Frontend:");
    expect(r.stdout.endsWith("1 active session across 1 project\n")).toBe(true);
  });

  it("prints JSON with the same fields as ls", async () => {
    await seedExample();
    const a = await runAo(["status", "--json"], { env: ws.env });
    const b = await runAo(["session", "ls", "--json"], { env: ws.env });
    expect(JSON.parse(a.stdout)).toEqual(JSON.parse(b.stdout));
  });

  it("has no colour in a pipe or under NO_COLOR, and colour when forced", async () => {
    await seedExample();
    const esc = "\u001b[";
    const plain = await runAo(["status"], { env: ws.env });
    expect(plain.stdout).not.toContain(esc);
    const forced = await runAo(["status"], { env: { ...ws.env, FORCE_COLOR: "1" } });
    expect(forced.stdout).toContain(esc);
    const both = await runAo(["status"], { env: { ...ws.env, FORCE_COLOR: "1", NO_COLOR: "1" } });
    expect(both.stdout).not.toContain(esc);
  });

  it("fits a narrow terminal's width (COLUMNS), and prints the whole table without one", async () => {
    await seedExample();
    const narrow = await runAo(["status"], { env: { ...ws.env, COLUMNS: "40" } });
    expect(narrow.code).toBe(0);
    // The table; a note under it (GitHub: stale …) is a sentence the terminal wraps.
    expect(Math.max(...narrow.stdout.split("\n").filter((l) => !l.startsWith("GitHub:")).map((l) => [...l].length))).toBeLessThan(40);
    expect(narrow.stdout).toMatch(/^ {2}fe-1 +errored/m);
    const whole = await runAo(["status"], { env: ws.env });
    expect(whole.stdout).toMatch(/Session +Status +Branch +PR +CI +Rev +Thr +Activity +Age/);
  });

  it("works with no config at all, and says how to make one", async () => {
    const env = { ...ws.env };
    delete env.AO_CONFIG_PATH;
    const r = await runAo(["status"], { env, cwd: path.parse(ROOT).root });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("(no active sessions)\n");
    expect(r.stderr).toMatch(/ao init/);
  });
});

describe("headless start-up", () => {
  // ls reads cached PR facts and must not even load octokit; status asks GitHub, so it may.
  it.each([
    [["session", "ls"], /node_modules\/(react|ink|react-reconciler|@octokit)\//],
    [["status", "--json"], /node_modules\/(react|ink|react-reconciler)\//],
  ])("ao %s never loads React or Ink", async (args, forbidden) => {
    await seedExample();
    const trace = path.join(ws.root, "imports.txt");
    const r = await runAo(args, {
      env: { ...ws.env, AO_TRACE_IMPORTS: trace },
      nodeArgs: ["--import", path.join(ROOT, "test/helpers/trace-imports.mjs")],
    });
    expect(r.code).toBe(0);
    const loaded = await readFile(trace, "utf8");
    expect(loaded).toContain("/dist/bundle/ao.cjs"); // the trace works
    expect(loaded).not.toMatch(forbidden);
    // ink and React are bundled into the ui's chunks: no chunk this command loaded holds them
    // (esbuild marks each bundled module with a `// node_modules/<path>` comment).
    for (const url of loaded.split("\n").filter((u) => u.includes("/dist/bundle/") && /\.c?js$/.test(u))) {
      expect(await readFile(new URL(url), "utf8"), url).not.toMatch(/^\/\/ node_modules\/(ink|react|react-reconciler|yoga-layout)\//m);
    }
  });
});

describe("a reader that stops early", () => {
  // `ao … | head`: the pipe closes while ao still writes; that is the reader's choice, not an error.
  it.each([[["session", "ls", "--json"]], [["status", "--json"]], [["status"]]])("ao %s ends quietly, exit 0", async (args) => {
    for (let i = 1; i <= 400; i++) await ws.seed(`fe-${i}`, { projectId: "frontend", status: "working", branch: `feat/a-branch-name-of-some-length-${i}`, summary: "x".repeat(120), createdAt: ago(600) });
    const r = spawnSync("bash", ["-c", `"${process.execPath}" "${AO_BIN}" "$@" | head -c 100 >/dev/null; echo "exit \${PIPESTATUS[0]}"`, "ao", ...args], { env: ws.env, encoding: "utf8" });
    expect(r.stdout.trim()).toBe("exit 0");
    expect(r.stderr).toBe("");
  }, 60_000);
});

describe("a record's value named in an error", () => {
  // inert() took the escape out of the value it named: "tmuxName=ao-my-app-fe-1 is not
  // ao-my-app-fe-1", two names that read the same.
  it("is shown with its escape sequence spelled out, never sent, and never reads as the name it is not", async () => {
    await ws.seed("fe-1", { projectId: "frontend", status: "working", branch: "ao/fe-1", tmuxName: "ao-my-app-fe-1\u001b]0;T\u0007", createdAt: ago(60) });
    const r = await runAo(["attach", "fe-1"], { env: ws.env });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain("\u001b");
    expect(r.stderr).toContain('tmuxName="ao-my-app-fe-1\\u001b]0;T\\u0007" is not ao-my-app-fe-1,');
  });
});

describe("ao status --watch on a terminal", () => {
  // In a real terminal (a private tmux), what ao wrote recorded byte for byte (pipe-pane).
  it("redraws in place, but prints frame after frame on a dumb terminal, with no clear-screen codes", async () => {
    const { privateTmux, waitFor } = await import("../helpers/tmux.js");
    const { readFileSync, existsSync: exists } = await import("node:fs");
    const tm = privateTmux();
    try {
      await seedExample();
      const frames = async (term: string) => {
        const log = path.join(ws.root, `watch-${term}.log`);
        const envs = Object.entries({ ...ws.env, TERM: term }).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
        tm.tmux("new-session", "-d", "-s", term, "-x", "120", "-y", "40", "sh", "-c", `read go; exec env ${envs.join(" ")} ${JSON.stringify(process.execPath)} ${JSON.stringify(AO_BIN)} status --watch --interval 0.2`);
        // ao starts only once the recording does (the shell waits for a line).
        tm.tmux("pipe-pane", "-o", "-t", `=${term}:`, `cat >> ${JSON.stringify(log)}`);
        tm.tmux("send-keys", "-t", `=${term}:`, "Enter");
        const text = await waitFor("two frames", () => {
          const t = exists(log) ? readFileSync(log, "utf8") : "";
          return t.split("active sessions across").length > 2 ? t : null;
        });
        tm.tmux("kill-session", "-t", `=${term}`);
        return text;
      };
      expect(await frames("xterm")).toContain("\u001b[H\u001b[2J");
      expect(await frames("dumb")).not.toContain("\u001b[2J");
    } finally {
      tm.kill();
    }
  });
});
