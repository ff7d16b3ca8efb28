import { cleanup } from "ink-testing-library";
import type * as Ink from "ink";
import type * as Core from "../../src/core/dashboard.js";
import { isValidElement, type ComponentProps, type ReactNode } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cursorId, KEY, renderDashboard, rowIds } from "../helpers/dashboard-harness.js";
import { many, view } from "../helpers/session-view.js";

/**
 * Every <Text> Ink draws, counted by the session id its row line starts with: a row that React
 * skips draws no Text at all, so the counts say which rows rendered.
 */
const renders = vi.hoisted(() => new Map<string, number>());
/** The text of every <Text> drawn, in order. */
const drawn = vi.hoisted(() => [] as string[]);

vi.mock("ink", async (importOriginal) => {
  const ink = await importOriginal<typeof Ink>();
  // A Text's whole text, nested Texts included: what Ink squashes into one line and measures.
  const plain = (children: ReactNode): string =>
    Array.isArray(children)
      ? children.map(plain).join("")
      : typeof children === "string" || typeof children === "number"
        ? String(children)
        : isValidElement<{ children?: ReactNode }>(children)
          ? plain(children.props.children)
          : "";
  function Text(props: ComponentProps<typeof ink.Text>) {
    const text = plain(props.children);
    drawn.push(text);
    const id = /^[▸ ][ ●]([a-z]+-\d+) /.exec(text)?.[1];
    if (id) renders.set(id, (renders.get(id) ?? 0) + 1);
    return <ink.Text {...props} />;
  }
  return { ...ink, Text };
});

beforeEach(() => {
  renders.clear();
  drawn.length = 0;
});
/** How many times the rows were filtered and sorted. */
const sorts = vi.hoisted(() => ({ n: 0 }));
vi.mock("../../src/core/dashboard.js", async (importOriginal) => {
  const core = await importOriginal<typeof Core>();
  return { ...core, buildRows: (...args: Parameters<typeof core.buildRows>) => (sorts.n++, core.buildRows(...args)) };
});

afterEach(() => cleanup());

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));
const counted = () => Object.fromEntries(renders);

describe("the table renders only the rows it shows, and only those whose text changed", () => {
  it("a 500-session store renders a screenful of rows, on the first frame and on a refresh that changes all 500", async () => {
    const sessions = many(500);
    const h = await renderDashboard({ sessions, cursor: "fe-1" }, { columns: 120, rows: 40 });
    const shown = rowIds(h.frame());
    expect(shown.length).toBeGreaterThan(10);
    expect(shown.length).toBeLessThan(20);
    // Mounted twice by the harness (once to read the terminal's size): no more than that.
    expect(renders.size).toBe(shown.length);
    renders.clear();
    h.deps.sessions = sessions.map((v) => ({ ...v, summary: `new summary of ${v.id}` }));
    await h.dashboard.actions.refreshLocal();
    await h.until("the new summaries", (f) => f.includes("new summary of fe-1"));
    expect(Object.keys(counted()).sort()).toEqual([...shown].sort());
    expect(Object.values(counted()).every((n) => n === 1)).toBe(true);
    h.unmount();
  });

  it("a refresh that changes one session re-renders that row alone", async () => {
    const sessions = many(30);
    const h = await renderDashboard({ sessions, cursor: "fe-1" }, { columns: 120, rows: 40 });
    await tick();
    renders.clear();
    h.deps.sessions = sessions.map((v) => (v.id === "fe-3" ? { ...v, activity: "waiting_input" as const } : { ...v }));
    await h.dashboard.actions.refreshLocal();
    await h.until("fe-3 waiting", (f) => /fe-3 .*waiting_input/.test(f));
    await tick();
    expect(counted()).toEqual({ "fe-3": 1 });
    h.unmount();
  });

  it("a cursor move re-renders the row it leaves and the row it lands on, nothing else", async () => {
    const h = await renderDashboard({ sessions: many(30), cursor: "fe-1" }, { columns: 120, rows: 40 });
    await tick();
    renders.clear();
    await h.press(KEY.down);
    await h.until("cursor on fe-2", (f) => cursorId(f) === "fe-2");
    await tick();
    expect(counted()).toEqual({ "fe-1": 1, "fe-2": 1 });
    h.unmount();
  });

  it("a session whose text did not change keeps its row when a new session arrives above it", async () => {
    const sessions = [view({ id: "fe-2" }), view({ id: "fe-3" })];
    const h = await renderDashboard({ sessions, cursor: "fe-2" }, { columns: 120, rows: 40 });
    await tick();
    renders.clear();
    h.deps.sessions = [view({ id: "fe-1" }), ...sessions.map((v) => ({ ...v }))];
    await h.dashboard.actions.refreshLocal();
    await h.until("fe-1 shown", (f) => rowIds(f).includes("fe-1"));
    await tick();
    expect(counted()).toEqual({ "fe-1": 1 });
    h.unmount();
  });

  it("sorts the rows once per refresh that changes them, for the table and the cursor alike, and not on a key", async () => {
    const sessions = many(500);
    const h = await renderDashboard({ sessions, cursor: "fe-1" }, { columns: 120, rows: 40 });
    await tick();
    sorts.n = 0;
    h.deps.sessions = sessions.map((v) => ({ ...v, summary: `new summary of ${v.id}` }));
    await h.dashboard.actions.refreshLocal();
    await h.until("the new summaries", (f) => f.includes("new summary of fe-1"));
    expect(sorts.n).toBe(1);
    await h.press(KEY.down);
    await h.until("cursor on fe-2", (f) => cursorId(f) === "fe-2");
    expect(sorts.n).toBe(1);
    h.unmount();
  });

  it("keeps the symbols (✓ ✗ △) out of a row's long texts, which Ink then measures on string-width's ASCII fast path", async () => {
    const sessions = many(20, "fe", { prNumber: 5, ciStatus: "failure", reviewDecision: "review_required", pendingThreads: 2 });
    const h = await renderDashboard({ sessions, cursor: "fe-1" }, { columns: 120, rows: 40 });
    expect(h.frame()).toMatch(/fe-2 .*✗ +△/);
    const rowTexts = drawn.filter((t) => t.includes("working") || /[✓✗△⋯]/.test(t));
    expect(rowTexts.length).toBeGreaterThan(10);
    for (const t of rowTexts) if (t.length > 40) expect(t).toMatch(/^[\x20-\x7e]*$/);
    h.unmount();
  });

  it("draws a row whose branch holds wide characters as one text, as Ink always laid it out", async () => {
    const sessions = [view({ id: "fe-1", branch: "feat/日本語のブランチ" }), view({ id: "fe-2" })];
    const h = await renderDashboard({ sessions, cursor: "fe-2" }, { columns: 120, rows: 30 });
    expect(h.frame()).toContain("日本語のブランチ");
    expect(drawn.some((t) => t.includes("日本語のブランチ") && t.includes("working"))).toBe(true);
    // A plain ASCII row leaves its branch's padding to the layout.
    expect(drawn.some((t) => t.includes("feat/fe-2") && t.includes("working"))).toBe(false);
    h.unmount();
  });
});
