import { describe, expect, it } from "vitest";
import { applyFilter, buildRows, columnsFor, layoutColumns, moveCursor, needsYou, sessionIds, visibleRows, type Row } from "../../src/core/dashboard.js";
import { thousands } from "../../src/core/format.js";
import type { Status } from "../../src/core/types.js";
import { many, PROJECTS, view } from "../helpers/session-view.js";

const NEEDS_YOU_ORDER: Status[] = ["needs_input", "ci_failed", "changes_requested", "stuck", "errored", "mergeable"];

function headings(rows: Row[]): string[] {
  return rows.flatMap((r) => (r.kind === "group" ? [r.name] : []));
}

describe("buildRows", () => {
  // Ids run against the urgency order, so only the status can put them in this order.
  const statuses: Status[] = ["killed", "merged", "working", "mergeable", "errored", "stuck", "changes_requested", "ci_failed", "needs_input", "pr_open"];
  const fe = statuses.map((status, i) => view({ id: `fe-${i + 1}`, status }));

  it("puts the sessions that need you first, most urgent first, and merged/killed last", () => {
    const ids = sessionIds(buildRows(fe, PROJECTS, "attention"));
    const statusOf = (id: string) => fe.find((v) => v.id === id)!.status;
    expect(ids.map(statusOf)).toEqual([...NEEDS_YOU_ORDER, "working", "pr_open", "merged", "killed"]);
  });

  it("keeps sessions of the same rank in numeric id order", () => {
    const vs = ["fe-10", "fe-2", "fe-1", "fe-9"].map((id) => view({ id }));
    expect(sessionIds(buildRows(vs, PROJECTS, "project"))).toEqual(["fe-1", "fe-2", "fe-9", "fe-10"]);
  });

  it("heads a project with its name inert: an escape or a line break in the config neither acts nor forges a row", () => {
    const projects = [{ ...PROJECTS[0]!, name: "Front\u001b]0;PWN\u0007end\u202E\nfe-9 ready" }];
    expect(headings(buildRows([view({ id: "fe-1" })], projects, "project"))).toEqual(["Frontend fe-9 ready"]);
  });

  it("sorts by id alone in id mode", () => {
    expect(sessionIds(buildRows(fe, PROJECTS, "id"))).toEqual(fe.map((v) => v.id));
  });

  it("is one list without headings in every mode but project; age puts the newest first", () => {
    const vs = [view({ id: "api-1", createdAt: "2026-01-01T10:00:00Z", status: "needs_input" }), view({ id: "fe-1", createdAt: "2026-01-01T11:00:00Z" }), view({ id: "fe-2", createdAt: "2026-01-01T09:00:00Z" })];
    for (const mode of ["attention", "id", "age"] as const) expect(headings(buildRows(vs, PROJECTS, mode))).toEqual([]);
    expect(sessionIds(buildRows(vs, PROJECTS, "age"))).toEqual(["fe-1", "api-1", "fe-2"]);
    expect(sessionIds(buildRows(vs, PROJECTS, "attention"))[0]).toBe("api-1");
    expect(headings(buildRows(vs, PROJECTS, "project"))).toEqual(["Frontend", "Backend"]);
  });

  it("hides killed sessions unless the filter asks for all", () => {
    const vs = [view({ id: "fe-1" }), view({ id: "fe-2", status: "killed" })];
    expect(applyFilter(vs, { project: null, text: "" }).map((v) => v.id)).toEqual(["fe-1"]);
    expect(applyFilter(vs, { project: null, text: "", all: true }).map((v) => v.id)).toEqual(["fe-1", "fe-2"]);
  });

  it("groups by project in config order, each group ordered on its own", () => {
    const vs = [
      view({ id: "api-1", status: "working" }),
      view({ id: "api-2", status: "ci_failed" }),
      view({ id: "fe-1", status: "working" }),
      view({ id: "fe-2", status: "needs_input" }),
    ];
    const rows = buildRows(vs, PROJECTS, "project");
    expect(rows.map((r) => (r.kind === "group" ? `# ${r.name}` : r.view.id))).toEqual(["# Frontend", "fe-2", "fe-1", "# Backend", "api-2", "api-1"]);
  });

  it("leaves out projects without sessions and puts unknown projects last", () => {
    const vs = [view({ id: "x-1", projectId: "other", projectName: "Other" }), view({ id: "api-1" })];
    expect(headings(buildRows(vs, PROJECTS, "project"))).toEqual(["Backend", "Other"]);
  });

  it("counts exactly the needs-you statuses", () => {
    expect(fe.filter(needsYou).map((v) => v.status).sort()).toEqual([...NEEDS_YOU_ORDER].sort());
  });
});

describe("applyFilter", () => {
  const vs = [
    view({ id: "fe-1", branch: "feat/login", summary: "Add the login form" }),
    view({ id: "fe-2", status: "ci_failed", statusReason: "lint failed", issueId: "INT-42" }),
    view({ id: "api-1", branch: "fix/LOGIN-timeout", summary: null }),
  ];
  const ids = (project: string | null, text: string) => applyFilter(vs, { project, text }).map((v) => v.id);

  it("keeps everything with no filter", () => {
    expect(ids(null, "")).toEqual(["fe-1", "fe-2", "api-1"]);
    expect(ids(null, "   ")).toEqual(["fe-1", "fe-2", "api-1"]);
  });
  it("matches id, branch, status, summary, reason and issue, case-insensitively", () => {
    expect(ids(null, "login")).toEqual(["fe-1", "api-1"]);
    expect(ids(null, "CI_FAILED")).toEqual(["fe-2"]);
    expect(ids(null, "lint")).toEqual(["fe-2"]);
    expect(ids(null, "int-42")).toEqual(["fe-2"]);
    expect(ids(null, "api-")).toEqual(["api-1"]);
    expect(ids(null, "nothing matches this")).toEqual([]);
  });
  it("narrows by project, and by project and text together", () => {
    expect(ids("frontend", "")).toEqual(["fe-1", "fe-2"]);
    expect(ids("backend", "login")).toEqual(["api-1"]);
    expect(ids("frontend", "timeout")).toEqual([]);
  });
});

describe("moveCursor", () => {
  const ids = ["fe-1", "fe-2", "fe-3"];
  it.each([
    ["fe-2", "up", "fe-1"],
    ["fe-1", "up", "fe-1"],
    ["fe-2", "down", "fe-3"],
    ["fe-3", "down", "fe-3"],
    ["fe-2", "top", "fe-1"],
    ["fe-2", "bottom", "fe-3"],
    ["fe-2", "stay", "fe-2"],
    [null, "down", "fe-1"],
    ["gone-1", "stay", "fe-1"],
  ] as const)("from %s, %s → %s", (from, move, to) => {
    expect(moveCursor(ids, from, move)).toBe(to);
  });
  it("is null with no rows", () => {
    expect(moveCursor([], "fe-1", "stay")).toBeNull();
  });
  it("stays on the same session when the rows reorder", () => {
    const before = [view({ id: "fe-1" }), view({ id: "fe-2" }), view({ id: "fe-3" })];
    const after = [view({ id: "fe-1" }), view({ id: "fe-2" }), view({ id: "fe-3", status: "needs_input" })];
    const cursor = moveCursor(sessionIds(buildRows(before, PROJECTS, "project")), "fe-3", "stay");
    const reordered = sessionIds(buildRows(after, PROJECTS, "project"));
    expect(reordered[0]).toBe("fe-3");
    expect(moveCursor(reordered, cursor, "stay")).toBe("fe-3");
    expect(moveCursor(reordered, "fe-3", "down")).toBe("fe-1");
  });
});

describe("visibleRows", () => {
  const cost = (r: Row) => (r.kind === "session" ? 2 : 1);
  const lines = (rows: Row[], w: { start: number; end: number }) => rows.slice(w.start, w.end).reduce((n, r) => n + cost(r), 0);
  const rows = buildRows([...many(300, "fe"), ...many(200, "api")], PROJECTS, "project");
  const ids = sessionIds(rows);

  it("shows everything from the top when it fits", () => {
    const small = buildRows(many(3), PROJECTS, "project");
    expect(visibleRows(small, "fe-3", 20)).toEqual({ start: 0, end: 4 });
  });

  it("starts at the top while the cursor fits, and fills the height", () => {
    const w = visibleRows(rows, "fe-1", 21);
    expect(w.start).toBe(0);
    expect(lines(rows, w)).toBeLessThanOrEqual(21);
    expect(lines(rows, w)).toBeGreaterThanOrEqual(20);
  });

  it("keeps the cursor inside the window and never exceeds the height, for 500 sessions", () => {
    expect(ids).toHaveLength(500);
    for (const height of [2, 3, 7, 24, 60]) {
      for (let i = 0; i < ids.length; i += 7) {
        const w = visibleRows(rows, ids[i]!, height);
        const inside = rows.slice(w.start, w.end).some((r) => r.kind === "session" && r.view.id === ids[i]);
        expect(inside, `cursor ${ids[i]} at height ${height}`).toBe(true);
        expect(lines(rows, w)).toBeLessThanOrEqual(height);
        // Only a screenful is rendered, however many sessions there are.
        expect(w.end - w.start).toBeLessThanOrEqual(height);
      }
    }
  });

  it("scrolls just enough to put the cursor on the last line", () => {
    const w = visibleRows(rows, "fe-300", 10);
    expect(rows[w.end - 1]).toMatchObject({ kind: "session", view: { id: "fe-300" } });
    expect(lines(rows, w)).toBeGreaterThanOrEqual(9);
  });

  it("falls back to the top for an unknown cursor", () => {
    expect(visibleRows(rows, null, 10).start).toBe(0);
    expect(visibleRows(rows, "nope-1", 10).start).toBe(0);
  });
});

describe("layoutColumns", () => {
  const rowWidth = (w: number) => {
    const { columns, widths } = layoutColumns(w);
    return 2 + columns.reduce((n, c) => n + widths[c], 0) + columns.length - 1;
  };
  it("never fills a line, from 20 to 300 columns", () => {
    for (let w = 44; w <= 300; w++) expect(rowWidth(w)).toBeLessThan(w);
  });
  it("gives way in a fixed order and always keeps session and status", () => {
    expect(columnsFor(50)).toEqual(["session", "status", "activity"]);
    expect(columnsFor(20)).toEqual(["session", "status"]);
    expect(columnsFor(70)).toEqual(["session", "branch", "status", "pr", "ci", "activity"]);
    expect(columnsFor(80)).toEqual(["session", "branch", "status", "pr", "ci", "rev", "activity", "age"]);
    expect(columnsFor(100)).toContain("thr");
    const counts = [20, 59, 60, 79, 80, 99, 100, 200].map((w) => columnsFor(w).length);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
  });
  it("lets the branch column take what is left", () => {
    expect(layoutColumns(100).widths.branch).toBe(30);
    expect(layoutColumns(200).widths.branch).toBe(130);
    expect(layoutColumns(80).widths.branch).toBe(15);
  });
});

describe("thousands", () => {
  it("groups digits by three, as en-US does", () => {
    expect([0, 7, 999, 1000, 5000, 12345, 1234567, -4321].map(thousands)).toEqual(["0", "7", "999", "1,000", "5,000", "12,345", "1,234,567", "-4,321"]);
    expect(thousands(1.5)).toBe("1.5");
  });
});
