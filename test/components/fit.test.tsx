import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { fakeDeps, renderDashboard } from "../helpers/dashboard-harness.js";
import { many, view } from "../helpers/session-view.js";

afterEach(() => cleanup());

const long = () => [
  ...many(30, "fe", { branch: "ao/fe-1-a-branch-name-that-goes-on-and-on-for-a-while", summary: "x".repeat(300), status: "review_pending" }),
  view({ id: "api-1", status: "needs_input" }),
];

describe("the dashboard fits any terminal", () => {
  for (const [columns, rows] of [
    [80, 24],
    [200, 60],
  ] as const) {
    it(`at ${columns}×${rows} no line reaches the last column, the footer keeps ? and q, the header its counts`, async () => {
      const h = await renderDashboard({ sessions: long(), cursor: "fe-1" }, { columns, rows });
      const f = h.frame();
      const lines = f.split("\n");
      for (const l of lines) expect([...l].length).toBeLessThan(columns);
      expect(lines.length).toBeLessThan(rows);
      expect(lines[0]).toMatch(/31 sessions · 1 need you/);
      const footer = lines[lines.length - 1]!;
      expect(footer).toContain("[?] help");
      expect(footer).toContain("[q] quit");
      expect(f).toContain("Age");
    });
  }

  it("lets the branch column take what is left", async () => {
    const branch = "ao/fe-1-a-branch-name-that-goes-on-and-on-for-a-while";
    const wide = await renderDashboard({ sessions: [view({ id: "fe-1", branch })], cursor: "fe-1" }, { columns: 140 });
    expect(wide.frame()).toContain(branch);
  });

  it("says how many sessions are out of view above and below", async () => {
    const h = await renderDashboard({ sessions: many(30), cursor: "fe-15" }, { columns: 100, rows: 24 });
    const f = h.frame();
    expect(f).toMatch(/↑ \d+ more above · ↓ \d+ more below/);
    const [, above, below] = /↑ (\d+) more above · ↓ (\d+) more below/.exec(f)!;
    const shown = f.split("\n").filter((l) => /^[▸ ] fe-\d+ /.test(l)).length;
    expect(Number(above) + Number(below) + shown).toBe(30);
  });
});

describe("config reload", () => {
  it("shows a project added to the config, by name, without a restart; a broken edit says where", async () => {
    const deps = fakeDeps([view({ id: "fe-1" })]);
    let answer = { changed: false, projects: deps.projects, error: null as string | null };
    deps.checkConfig = async () => answer;
    const h = await renderDashboard({ sessions: deps.sessions, cursor: "fe-1" }, { deps });
    answer = { changed: true, projects: [...deps.projects, { id: "docs", name: "Docs Site" }], error: null };
    await h.dashboard.actions.refreshLocal();
    answer = { ...answer, changed: false };
    await h.press("p", "p", "p");
    await h.until("the new project by name", (f) => f.includes("project: Docs Site"));
    answer = { changed: false, projects: answer.projects, error: "/w/agent-orchestrator.yaml:4:3: projects.docs.repo: expected owner/name" };
    await h.dashboard.actions.refreshLocal();
    await h.until("the error and where it is", (f) => f.includes("config not reloaded: /w/agent-orchestrator.yaml:4:3"));
  });
});

describe("help in a small terminal", () => {
  it("at 80×24 shows every key, in two columns, and no line wraps", async () => {
    const { ACTIONS, keyLabel } = await import("../../src/core/actions.js");
    const h = await renderDashboard({ sessions: many(3), cursor: "fe-1" }, { columns: 80, rows: 24 });
    await h.press("?");
    const f = await h.until("the help", (fr) => fr.includes("any key closes"));
    for (const l of f.split("\n")) expect([...l].length).toBeLessThan(80);
    expect(f.split("\n").length).toBeLessThan(24);
    for (const a of ACTIONS) expect(f, a.id).toContain(`${a.keys.map(keyLabel).join(" ")}`.padEnd(4).slice(0, 4));
    for (const a of ACTIONS) expect(f, a.id).toContain(a.help.slice(0, 12));
  });
});
