import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderDashboard } from "../helpers/dashboard-harness.js";
import { view } from "../helpers/session-view.js";

// Colour on, as in a terminal, so the cursor's inverse bar can be checked cell by cell. Ink's
// chalk reads this as it loads, which vi.hoisted runs before.
await vi.hoisted(async () => (await import("../helpers/colour.js")).colourWhileLoading("1"));
afterEach(() => cleanup());

const sessions = () => [
  view({ id: "fe-1", branch: "b", summary: "short branch" }),
  view({ id: "fe-2", branch: "feat/a-branch-name-long-enough-to-be-cut-short-by-the-column-width-here", prNumber: 12, ciStatus: "failure", reviewDecision: "review_required", pendingThreads: 3 }),
  view({ id: "fe-3", branch: null, status: "merged", host: "b1", prNumber: 7, ciStatus: "success" }),
  view({ id: "fe-4", status: "needs_input", activity: "waiting_input", conflicts: [{ with: "fe-2", files: ["a.ts"] }] as never }),
];

/** Each line as cells: the character and whether it is drawn inverse (SGR 7 on, 27 or 0 off). */
function cells(line: string): { ch: string; inverse: boolean }[] {
  const out: { ch: string; inverse: boolean }[] = [];
  let inverse = false;
  // eslint-disable-next-line no-control-regex
  for (const [, sgr, ch] of line.matchAll(/\u001b\[([\d;]*)m|([^\u001b])/gu)) {
    if (ch !== undefined) out.push({ ch, inverse });
    else for (const code of sgr!.split(";")) inverse = code === "7" ? true : code === "27" || code === "0" || code === "" ? false : inverse;
  }
  return out;
}
const text = (line: string) =>
  cells(line)
    .map((c) => c.ch)
    .join("");

describe("a row keeps its columns where the headings are", () => {
  it("at any branch length: status, CI and age under their headings, the summary indented ten", async () => {
    const h = await renderDashboard({ sessions: sessions(), cursor: "fe-1" }, { columns: 120, rows: 30 });
    const lines = h.frame().split("\n");
    const head = lines.find((l) => l.includes("Session"))!;
    const at = (name: string) => head.indexOf(name);
    const row = (id: string) => lines.findIndex((l) => new RegExp(`^[▸ ][ ●]${id}`).test(l));
    const fe2 = lines[row("fe-2")]!;
    expect(fe2.slice(at("Status"))).toMatch(/^working +#12 +✗ +△ +3 +ready +1h$/);
    expect(fe2[at("CI")]).toBe("✗");
    expect(lines[row("fe-1")]!.slice(at("Status")).trimEnd()).toMatch(/^working +- +- +- +- +ready +1h$/);
    expect(lines[row("fe-3")]!.slice(0, at("Status"))).toMatch(/^ {2}fe-3@b1 +- +$/);
    expect(lines[row("fe-3")]![at("CI")]).toBe("✓");
    expect(lines[row("fe-4")]!.slice(at("Age"))).toBe("1h");
    expect(lines[row("fe-1") + 1]).toBe(" ".repeat(10) + "short branch");
    expect(lines[row("fe-4") + 1]).toMatch(/^ {10}⚠ conflicts with fe-2/);
  });

  it("draws the cursor's row as one unbroken inverse bar, and no other row inverse", async () => {
    const h = await renderDashboard({ sessions: sessions(), cursor: "fe-1" }, { columns: 120, rows: 30 });
    const raw = h.raw().split("\n");
    const cursorLine = raw.findIndex((l) => text(l).startsWith("▸ fe-1"));
    const bar = cells(raw[cursorLine]!);
    const head = raw.map(text).find((l) => l.includes("Session"))!;
    // From the cursor mark to the end of the Age column, every cell is inverse.
    expect(bar.length).toBeGreaterThanOrEqual(head.trimEnd().length);
    expect(bar.slice(0, head.trimEnd().length).every((c) => c.inverse)).toBe(true);
    for (const [i, l] of raw.entries()) if (i !== cursorLine) expect(cells(l).some((c) => c.inverse)).toBe(false);
  });

  it("in a terminal narrower than a row can be, lets Ink wrap the row rather than run past the last column", async () => {
    const h = await renderDashboard({ sessions: sessions(), cursor: "fe-1" }, { columns: 24, rows: 14 });
    const lines = h.frame().split("\n");
    expect(lines.some((l) => /^▸ fe-1/.test(l))).toBe(true);
    for (const l of lines) expect([...l].length).toBeLessThan(24);
  });
});
