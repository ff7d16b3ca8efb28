import { describe, expect, it } from "vitest";
import { formatStatusTable } from "../../src/core/format.js";
import { makeStyle } from "../../src/core/style.js";
import { clipToWidth, textWidth } from "../../src/core/text-width.js";
import { PROJECTS, view } from "../helpers/session-view.js";

const plain = makeStyle(false);
const now = new Date("2026-12-02T12:00:00Z");

/** The terminal column where `needle` starts on `line`. */
const columnOf = (line: string, needle: string) => textWidth(line.slice(0, line.indexOf(needle)));

describe("ao status's table in terminal cells", () => {
  it("keeps every row's columns under their headings with wide and combining characters", () => {
    const views = [
      view({ id: "fe-1", branch: "ao/修复登录重定向循环", prNumber: 11 }),
      view({ id: "fe-2", branch: "ao/cafe\u0301-e\u0301\u0301\u0301", prNumber: 12 }),
      view({ id: "fe-3", branch: "ao/plain", prNumber: 13 }),
    ];
    const lines = formatStatusTable(views, PROJECTS, plain, now).split("\n");
    const at = ["#11", "#12", "#13"].map((pr) => columnOf(lines.find((l) => l.includes(pr))!, pr));
    expect(new Set(at).size).toBe(1);
    expect(columnOf(lines.find((l) => l.includes("PR"))!, "PR")).toBe(at[0]);
  });

  it("cuts one session's huge branch and summary rather than widening every row", () => {
    const views = [view({ id: "fe-1", branch: `ao/${"x".repeat(20_000)}`, summary: "y".repeat(20_000) }), view({ id: "fe-2", branch: "ao/short" })];
    const lines = formatStatusTable(views, PROJECTS, plain, now).split("\n");
    expect(Math.max(...lines.map(textWidth))).toBeLessThan(300);
    expect(lines.some((l) => l.includes("ao/xxx") && l.includes("…"))).toBe(true);
  });
});

describe("textWidth and clipToWidth", () => {
  it("count a terminal's cells", () => {
    expect(textWidth("abc")).toBe(3);
    expect(textWidth("中文")).toBe(4);
    expect(textWidth("e\u0301")).toBe(1);
    expect(textWidth("🚀")).toBe(2);
    expect(clipToWidth("中文中文", 5)).toBe("中文…");
    expect(textWidth(clipToWidth("中文中文", 5))).toBeLessThanOrEqual(5);
    expect(clipToWidth("short", 10)).toBe("short");
  });
});

describe("ao status's line under a row", () => {
  it("says why an errored session cannot go on, before its task", () => {
    const out = formatStatusTable([view({ id: "fe-1", status: "errored", statusReason: "host b1 unreachable since 12:04", summary: "Fix the login loop" })], PROJECTS, plain, now);
    expect(out).toContain("host b1 unreachable since 12:04 · Fix the login loop");
  });
});

describe("ao status on a narrow terminal", () => {
  // Every row wrapped onto three lines on a 40-column terminal: the table was as wide as its
  // widest cells whatever the terminal.
  const views = [
    view({ id: "fe-1", status: "needs_input", branch: "ao/fe-1-fix-the-login-redirect-loop", prNumber: 42, summary: "Fix the login redirect loop after a session expires", permissionsSkipped: true }),
    view({ id: "fe-10", status: "working", branch: "ao/fe-10", summary: "Add a dark mode toggle" }),
  ];
  it.each([40, 60, 80, 100])("fits in %i columns, keeping every session and its status", (columns) => {
    const lines = formatStatusTable(views, PROJECTS, plain, now, ["GitHub: stale (no data yet)"], columns).split("\n");
    const table = lines.filter((l) => !l.startsWith("GitHub:"));
    expect(Math.max(...table.map(textWidth))).toBeLessThan(columns);
    expect(lines.find((l) => l.includes("fe-1 "))).toContain("needs_input");
    expect(lines.find((l) => l.includes("fe-10"))).toContain("working");
    expect(lines.some((l) => l.endsWith("· permissions skipped"))).toBe(true);
  });
  it("gives way in the dashboard's order: threads first, session and status never", () => {
    const at = (columns: number) => formatStatusTable(views, PROJECTS, plain, now, [], columns).split("\n").find((l) => l.includes("Session"))!.trim().split(/\s+/);
    expect(at(200)).toEqual(["Session", "Status", "Branch", "PR", "CI", "Rev", "Thr", "Activity", "Age"]);
    expect(at(80)).toEqual(["Session", "Status", "Branch", "PR", "CI", "Activity"]);
    expect(at(40)).toEqual(["Session", "Status", "Activity"]);
    // With no width known (a pipe), the whole table as before.
    expect(formatStatusTable(views, PROJECTS, plain, now)).toBe(formatStatusTable(views, PROJECTS, plain, now, [], 1000));
  });
});

describe("ao session ls with a huge value", () => {
  it("cuts a hand-edited 5,000-character branch, and leaves ao's own whole", async () => {
    const { formatSessionList } = await import("../../src/core/format.js");
    const out = formatSessionList([view({ id: "fe-1", branch: `ao/${"b".repeat(5000)}` }), view({ id: "fe-2", branch: "ao/fe-2-add-email-verified-to-users-and-backfill-old" })], PROJECTS, plain, now);
    expect(Math.max(...out.split("\n").map(textWidth))).toBeLessThan(200);
    expect(out).toContain("ao/fe-2-add-email-verified-to-users-and-backfill-old [");
  });
});
