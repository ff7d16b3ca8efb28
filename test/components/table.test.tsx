import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import { cursorId, KEY, NOW, renderDashboard, rowIds } from "../helpers/dashboard-harness.js";
import { many, view } from "../helpers/session-view.js";

afterEach(() => cleanup());

const mixed = () => [
  view({ id: "fe-1", status: "working", summary: "Add the login form" }),
  view({ id: "fe-2", status: "ci_failed", prNumber: 12, prUrl: "https://github.com/org/app/pull/12", ciStatus: "failure" }),
  view({ id: "fe-3", status: "killed", activity: null }),
  view({ id: "fe-4", status: "needs_input", activity: "waiting_input" }),
  view({ id: "api-1", status: "pr_open", prNumber: 7 }),
  view({ id: "api-2", status: "mergeable", prNumber: 8 }),
];

describe("the session table", () => {
  it("shows the column headings, a heading per project, the cursor and a summary under each row", async () => {
    const h = await renderDashboard({ sessions: mixed(), cursor: "fe-1" });
    const lines = h.frame().split("\n");
    const head = lines.find((l) => l.includes("Session"))!;
    expect(head.split(/\s+/).filter(Boolean)).toEqual(["Session", "Branch", "Status", "PR", "CI", "Rev", "Thr", "Activity", "Age"]);
    const fe = lines.indexOf("Frontend:");
    const api = lines.indexOf("Backend:");
    expect(fe).toBeGreaterThan(lines.indexOf(head));
    expect(api).toBeGreaterThan(fe);
    // fe-3 is killed: hidden until `a`.
    expect(rowIds(lines.slice(fe, api).join("\n")).sort()).toEqual(["fe-1", "fe-2", "fe-4"]);
    expect(rowIds(lines.slice(api).join("\n")).sort()).toEqual(["api-1", "api-2"]);
    const at = lines.findIndex((l) => l.startsWith("▸ "));
    expect(lines[at]).toMatch(/^▸ fe-1 +feat\/fe-1 +working .*ready +1h$/);
    expect(lines[at + 1]!.trim()).toBe("Add the login form");
    // Without a summary, the status reason stands in.
    const withReason = lines.findIndex((l) => /^ {2}fe-2 /.test(l));
    expect(lines[withReason]).toMatch(/ci_failed +#12 +✗/);
    expect(lines[withReason + 1]!.trim()).toBe("summary of fe-2");
  });

  it("puts the sessions that need you first in each project; a shows killed ones, last", async () => {
    const h = await renderDashboard({ sessions: mixed(), cursor: "fe-1" });
    expect(rowIds(h.frame())).toEqual(["fe-4", "fe-2", "fe-1", "api-2", "api-1"]);
    expect(h.frame()).toContain("· by project ·");
    await h.press("a");
    await h.until("killed shown", (f) => rowIds(f).join() === "fe-4,fe-2,fe-1,fe-3,api-2,api-1");
    expect(h.frame()).toContain("by project + killed");
    await h.press("a");
    await h.until("killed hidden", (f) => !rowIds(f).includes("fe-3"));
  });

  it("S cycles the order: needs you first across projects, id, newest first, by project; the header names it", async () => {
    const sessions = mixed().map((v, i) => ({ ...v, createdAt: new Date(NOW - (i + 1) * 60_000).toISOString() }));
    const h = await renderDashboard({ sessions, cursor: "fe-1" });
    await h.press("S");
    let f = await h.until("needs you first", (fr) => fr.includes("· needs you first ·"));
    expect(rowIds(f)).toEqual(["fe-4", "fe-2", "api-2", "api-1", "fe-1"]);
    expect(f).not.toContain("Frontend:");
    await h.press("S");
    f = await h.until("id order", (fr) => fr.includes("· by id ·"));
    expect(rowIds(f)).toEqual(["api-1", "api-2", "fe-1", "fe-2", "fe-4"]);
    expect(cursorId(f)).toBe("fe-1");
    await h.press("S");
    f = await h.until("newest first", (fr) => fr.includes("· newest first ·"));
    expect(rowIds(f)).toEqual(["fe-1", "fe-2", "fe-4", "api-1", "api-2"]);
    await h.press("S");
    await h.until("by project again", (fr) => fr.includes("· by project ·") && fr.includes("Frontend:"));
  });

  it("esc clears an applied filter", async () => {
    const h = await renderDashboard({ sessions: mixed(), cursor: "fe-1" });
    await h.press("/", ..."login", KEY.enter);
    await h.until("filtered", (f) => rowIds(f).join() === "fe-1");
    await h.press("p");
    await h.until("project shown", (f) => f.includes("project: Frontend"));
    await h.press(KEY.escape);
    const f = await h.until("all rows again", (fr) => rowIds(fr).length === 5);
    expect(f).not.toContain("project:");
    expect(f).not.toContain("/login");
  });

  it("keeps the cursor on the same session when a refresh reorders the rows", async () => {
    const sessions = many(4);
    const h = await renderDashboard({ sessions, cursor: "fe-3" });
    expect(rowIds(h.frame())).toEqual(["fe-1", "fe-2", "fe-3", "fe-4"]);
    expect(cursorId(h.frame())).toBe("fe-3");
    // fe-3 now needs input and fe-4 failed CI: both jump to the top.
    h.deps.sessions = [sessions[0]!, sessions[1]!, view({ id: "fe-3", status: "needs_input" }), view({ id: "fe-4", status: "ci_failed" })];
    await h.dashboard.actions.refreshLocal();
    const f = await h.until("the new order", (fr) => rowIds(fr)[0] === "fe-3");
    expect(rowIds(f)).toEqual(["fe-3", "fe-4", "fe-1", "fe-2"]);
    expect(cursorId(f)).toBe("fe-3");
    expect(h.deps.calls).toContainEqual(["listSessions"]);
  });

  it("moves the cursor with j/k, the arrow keys, g and G, across project groups", async () => {
    const h = await renderDashboard({ sessions: [...many(3, "fe"), ...many(2, "api")], cursor: "fe-1" });
    const steps: Array<[string, string]> = [
      ["j", "fe-2"],
      [KEY.down, "fe-3"],
      ["j", "api-1"],
      ["k", "fe-3"],
      [KEY.up, "fe-2"],
      ["G", "api-2"],
      ["j", "api-2"],
      ["g", "fe-1"],
      ["k", "fe-1"],
    ];
    for (const [key, want] of steps) {
      await h.press(key);
      await h.until(`cursor on ${want} after ${JSON.stringify(key)}`, (f) => cursorId(f) === want);
      expect(h.dashboard.store.getState().cursor).toBe(want);
    }
  });

  it("/ narrows the rows as you type; enter keeps the filter, esc clears it", async () => {
    const h = await renderDashboard({ sessions: mixed(), cursor: "fe-2" });
    await h.press("/", ..."login");
    let f = await h.until("the filter to narrow the rows", (fr) => rowIds(fr).join() === "fe-1");
    expect(f).toContain("/login█");
    expect(cursorId(f)).toBe("fe-1");
    await h.press(KEY.enter);
    f = await h.until("the filter to stay after enter", (fr) => fr.includes("/login") && !fr.includes("█"));
    expect(rowIds(f)).toEqual(["fe-1"]);
    await h.press("/", KEY.escape);
    await h.until("all rows back", (fr) => rowIds(fr).length === 5);
  });

  it("/ keeps every key typed faster than the screen redraws", async () => {
    const h = await renderDashboard({ sessions: mixed(), cursor: "fe-1" });
    await h.press("/");
    h.burst(..."logix", "\u007f", "n");
    const f = await h.until("the filter text", (fr) => fr.includes("/login█"));
    expect(rowIds(f)).toEqual(["fe-1"]);
  });

  it("p shows one project, then the next, then all", async () => {
    const h = await renderDashboard({ sessions: mixed(), cursor: "api-1" });
    await h.press("p");
    let f = await h.until("frontend only", (fr) => fr.includes("project: Frontend"));
    expect(rowIds(f).every((id) => id.startsWith("fe-"))).toBe(true);
    expect(f).not.toContain("Backend:");
    // The cursor's session went out of view: it moves to the first row shown.
    expect(cursorId(f)).toBe("fe-4");
    await h.press("p");
    f = await h.until("backend only", (fr) => fr.includes("project: Backend"));
    expect(rowIds(f)).toEqual(["api-2", "api-1"]);
    await h.press("p");
    f = await h.until("all projects", (fr) => rowIds(fr).length === 5);
    expect(f).not.toContain("project:");
  });
});

describe("the header", () => {
  it("counts live sessions and the ones that need you", async () => {
    const h = await renderDashboard({ sessions: mixed(), cursor: "fe-1" });
    // fe-3 is killed and not counted; fe-2, fe-4 and api-2 need you.
    expect(h.frame().split("\n")[0]).toMatch(/^AGENT ORCHESTRATOR +my-app +5 sessions · 3 need you · by project · GitHub ok \(5,000 left\) · updated 0s ago/);
  });

  it("writes GitHub's calls left with thousands commas, without ICU's number format (5 MB resident)", async () => {
    const toLocale = vi.spyOn(Number.prototype, "toLocaleString");
    const github = { state: "ok" as const, remaining: 1234567, fetchedAt: new Date(NOW).toISOString(), error: null };
    const h = await renderDashboard({ sessions: mixed(), cursor: "fe-1", github }, { columns: 160 });
    expect(h.frame().split("\n")[0]).toContain("GitHub ok (1,234,567 left)");
    expect(toLocale).not.toHaveBeenCalled();
    toLocale.mockRestore();
  });

  it("says when GitHub is stale, how old its facts are and why", async () => {
    const github = { state: "stale" as const, remaining: null, fetchedAt: new Date(NOW - 5 * 60_000).toISOString(), error: "connect ECONNREFUSED 127.0.0.1:9" };
    const h = await renderDashboard({ sessions: mixed(), cursor: "fe-1", github }, { columns: 160 });
    expect(h.frame().split("\n")[0]).toContain("GitHub stale (5m old): connect ECONNREFUSED 127.0.0.1:9");
  });

  it("names each host that does not answer, once, and since when", async () => {
    const down = { status: "errored" as const, statusCause: "host_unreachable" as const, statusReason: "host build-1 unreachable since 12:04", activity: null };
    const sessions = [view({ id: "fe-1", ...down }), view({ id: "fe-2", ...down }), view({ id: "fe-3" })];
    const h = await renderDashboard({ sessions, cursor: "fe-1" }, { columns: 200 });
    const header = h.frame().split("\n")[0]!;
    expect(header).toContain("· host build-1 unreachable since 12:04 ·");
    expect(header.split("build-1").length).toBe(2);
  });

  it("stays one line when it does not fit", async () => {
    const github = { state: "stale" as const, remaining: null, fetchedAt: null, error: "x".repeat(200) };
    const h = await renderDashboard({ sessions: mixed(), cursor: "fe-1", github }, { columns: 80 });
    const lines = h.frame().split("\n");
    expect(lines[0]).toMatch(/…$/);
    expect(lines[1]).toMatch(/^ +Session/);
  });
});

describe("narrow terminals", () => {
  const headings = (frame: string) => frame.split("\n").find((l) => l.includes("Session"))!.split(/\s+/).filter(Boolean);

  it("under 60 columns shows only session, status and activity", async () => {
    const h = await renderDashboard({ sessions: mixed(), cursor: "fe-2" }, { columns: 50, rows: 24 });
    const f = h.frame();
    expect(headings(f)).toEqual(["Session", "Status", "Activity"]);
    expect(f.split("\n").find((l) => l.startsWith("▸ "))).toMatch(/^▸ fe-2 +ci_failed +ready$/);
    expect(f).not.toContain("feat/fe-2");
    expect(f).not.toContain("#12");
    for (const l of f.split("\n")) expect([...l].length).toBeLessThanOrEqual(50);
  });

  it("at 70 columns keeps the branch in what is left once threads, review and age gave way", async () => {
    const h = await renderDashboard({ sessions: mixed(), cursor: "fe-2" }, { columns: 70, rows: 24 });
    expect(headings(h.frame())).toEqual(["Session", "Branch", "Status", "PR", "CI", "Activity"]);
  });

  it("follows the terminal when it is resized", async () => {
    const h = await renderDashboard({ sessions: mixed(), cursor: "fe-2" }, { columns: 120, rows: 24 });
    expect(headings(h.frame())).toHaveLength(9);
    h.resize(50, 24);
    await h.until("three columns", (f) => headings(f).join() === "Session,Status,Activity");
    h.resize(120, 24);
    await h.until("all columns again", (f) => headings(f).length === 9);
  });
});

describe("500 sessions", () => {
  const ROWS = 30;
  const count = (frame: string) => frame.split("\n").filter((l) => /^[▸ ] fe-\d+ /.test(l)).length;

  it("renders only the rows that fit, with the cursor among them", async () => {
    const h = await renderDashboard({ sessions: many(500), cursor: "fe-250" }, { rows: ROWS });
    let f = h.frame();
    expect(cursorId(f)).toBe("fe-250");
    expect(count(f)).toBeGreaterThan(5);
    expect(count(f)).toBeLessThan(ROWS / 2);
    expect(f.split("\n").length).toBeLessThan(ROWS);
    await h.press("G");
    f = await h.until("the last session", (fr) => cursorId(fr) === "fe-500");
    expect(count(f)).toBeLessThan(ROWS / 2);
    expect(f.split("\n").length).toBeLessThan(ROWS);
    await h.press("g");
    f = await h.until("the first session", (fr) => cursorId(fr) === "fe-1");
    expect(f.split("\n")[2]).toBe("Frontend:");
  });

  it("clips a full table under a dialog instead of squeezing rows into each other", async () => {
    const h = await renderDashboard({ sessions: many(500), cursor: "fe-1" }, { rows: ROWS });
    await h.press("G", "s");
    const f = await h.until("the send box", (fr) => fr.includes("Send to fe-500"));
    expect(f.split("\n").length).toBeLessThan(ROWS);
    // Rows are clipped, not squeezed into each other: every row line is followed by its summary.
    const lines = f.split("\n");
    lines.forEach((l, i) => {
      if (/^[▸ ] fe-\d+ /.test(l) && i + 1 < lines.length && !lines[i + 1]!.startsWith("╭")) {
        expect(lines[i + 1]!.trim()).toBe(`summary of ${/fe-\d+/.exec(l)![0]}`);
      }
    });
    expect(f).toMatch(/│ > █ +│/);
  });
});
