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
