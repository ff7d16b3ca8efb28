import { cleanup } from "ink-testing-library";
import type * as Ink from "ink";
import type * as Core from "../../src/core/dashboard.js";
import { isValidElement, type ComponentProps, type ReactNode } from "react";
import stringWidth from "string-width";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cursorId, KEY, renderDashboard, rowIds } from "../helpers/dashboard-harness.js";
import { many, view } from "../helpers/session-view.js";

/** The text of every <Text> Ink is given, nested ones included, in the order they render. */
const drawn = vi.hoisted(() => [] as string[]);

vi.mock("ink", async (importOriginal) => {
  const ink = await importOriginal<typeof Ink>();
  // A Text's whole text, nested Texts included: what Ink squashes into one and measures.
  const plain = (children: ReactNode): string =>
    Array.isArray(children)
      ? children.map(plain).join("")
      : typeof children === "string" || typeof children === "number"
        ? String(children)
        : isValidElement<{ children?: ReactNode }>(children)
          ? plain(children.props.children)
          : "";
  function Text(props: ComponentProps<typeof ink.Text>) {
    drawn.push(plain(props.children));
    return <ink.Text {...props} />;
  }
  return { ...ink, Text };
});

/** How many times the rows were filtered and sorted. */
const sorts = vi.hoisted(() => ({ n: 0 }));
vi.mock("../../src/core/dashboard.js", async (importOriginal) => {
  const core = await importOriginal<typeof Core>();
  return { ...core, buildRows: (...args: Parameters<typeof core.buildRows>) => (sorts.n++, core.buildRows(...args)) };
});

beforeEach(() => {
  drawn.length = 0;
});
afterEach(() => cleanup());

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));
/** Texts of more than one line: the table's columns (a row's own line is one line). */
const columnTexts = () => drawn.filter((t) => t.includes("\n"));

describe("the table is drawn by column: a dozen texts for a screenful, whatever the rows", () => {
  it("a 500-session store draws one text per column (and the line under rows, the headings), holding only the rows shown", async () => {
    const sessions = many(500);
    const h = await renderDashboard({ sessions, cursor: "fe-1" }, { columns: 120, rows: 40 });
    const shown = rowIds(h.frame());
    expect(shown.length).toBeGreaterThan(10);
    expect(shown.length).toBeLessThan(20);
    drawn.length = 0;
    h.deps.sessions = sessions.map((v) => ({ ...v, summary: `new summary of ${v.id}`, activity: "active" as const }));
    await h.dashboard.actions.refreshLocal();
    await h.until("the new summaries", (f) => f.includes("new summary of fe-1"));
    await tick();
    // Two columns changed (activity, and the line under each row): two texts drawn, not a text per row.
    const texts = columnTexts();
    expect(texts).toHaveLength(2);
    const ids = (t: string) => [...t.matchAll(/new summary of (fe-\d+)/g)].map((m) => m[1]);
    expect(ids(texts.find((t) => t.includes("new summary"))!)).toEqual(shown);
    h.unmount();
  });

  it("a refresh that changes one session draws again only the columns whose cells changed", async () => {
    const sessions = many(30);
    const h = await renderDashboard({ sessions, cursor: "fe-1" }, { columns: 120, rows: 40 });
    await tick();
    drawn.length = 0;
    h.deps.sessions = sessions.map((v) => (v.id === "fe-3" ? { ...v, activity: "waiting_input" as const } : { ...v }));
    await h.dashboard.actions.refreshLocal();
    await h.until("fe-3 waiting", (f) => /fe-3 .*waiting_input/.test(f));
    await tick();
    const texts = columnTexts();
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(/^\nready\n\nready\n\nwaiting_input\n/);
    h.unmount();
  });

  it("a cursor move draws no column again: only the cursor's bar, one line, moves", async () => {
    const h = await renderDashboard({ sessions: many(30), cursor: "fe-1" }, { columns: 120, rows: 40 });
    await tick();
    drawn.length = 0;
    await h.press(KEY.down);
    await h.until("cursor on fe-2", (f) => cursorId(f) === "fe-2");
    await tick();
    expect(columnTexts()).toEqual([]);
    expect(drawn.some((t) => /^▸ fe-2 +feat\/fe-2 +working +- +- +- +- +ready +1h +$/.test(t))).toBe(true);
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

  it("keeps the symbols (✓ ✗ △ ●) in narrow texts of their own, so long ones keep string-width's ASCII fast path", async () => {
    const sessions = many(20, "fe", { prNumber: 5, ciStatus: "failure", reviewDecision: "review_required", pendingThreads: 2 });
    const h = await renderDashboard({ sessions, cursor: "fe-1", marked: ["fe-3"] }, { columns: 120, rows: 40 });
    expect(h.frame()).toMatch(/fe-2 .*✗ +△/);
    const withSymbols = columnTexts().filter((t) => /[✓✗△⋯●▸]/.test(t));
    expect(withSymbols.length).toBeGreaterThanOrEqual(3);
    for (const t of withSymbols) for (const line of t.split("\n")) expect(stringWidth(line)).toBeLessThanOrEqual(4);
    h.unmount();
  });

  it("writes the line under the rows as one dim text, with no text per row, while no row shows a conflict", async () => {
    const h = await renderDashboard({ sessions: many(10), cursor: "fe-1" }, { columns: 120, rows: 40 });
    const under = columnTexts().find((t) => t.includes("summary of fe-1"))!;
    expect(under.split("\n").filter(Boolean)).toHaveLength(10);
    expect(drawn.filter((t) => /^summary of fe-\d+$/.test(t))).toEqual([]);
    h.unmount();
  });
});

describe("wide characters keep the columns under their headings", () => {
  const statusAt = (line: string) => stringWidth(line.slice(0, line.indexOf("working")));

  it("a branch in Japanese or with an emoji: the status starts under its heading, whatever the branch's width", async () => {
    const sessions = [
      view({ id: "fe-1", branch: "feat/日本語のブランチ" }),
      view({ id: "fe-2", branch: "fix/🔥-hot" }),
      view({ id: "fe-3", branch: `feat/${"漢字".repeat(40)}` }),
      view({ id: "fe-4" }),
    ];
    const h = await renderDashboard({ sessions, cursor: "fe-4" }, { columns: 120, rows: 30 });
    const lines = h.frame().split("\n");
    const head = lines.find((l) => l.includes("Session"))!;
    const row = (id: string) => lines.find((l) => new RegExp(`^[▸ ][ ●]${id} `).test(l))!;
    expect(row("fe-1")).toContain("日本語のブランチ");
    expect(row("fe-2")).toContain("🔥");
    // Cut to its column with "…", never half a character.
    expect(row("fe-3")).toMatch(/字… +working/);
    for (const id of ["fe-1", "fe-2", "fe-3", "fe-4"]) expect(statusAt(row(id))).toBe(head.indexOf("Status"));
    h.unmount();
  });
});
