import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { cursorId, renderDashboard } from "../helpers/dashboard-harness.js";
import { view } from "../helpers/session-view.js";

afterEach(() => cleanup());

describe("a terminal narrower than a row (session and status side by side)", () => {
  it("rows wrap without blank lines, and the table says what is out of view; nothing falls off the bottom", async () => {
    const list = Array.from({ length: 8 }, (_, i) => view({ id: `fe-${i + 1}`, status: i % 2 ? "review_pending" : "working" }));
    for (const [columns, rows] of [[20, 8], [24, 8], [24, 12], [30, 10]] as const) {
      const h = await renderDashboard({ sessions: list, cursor: "fe-3" }, { columns, rows });
      const f = await h.until("rows", (fr) => cursorId(fr) === "fe-3");
      const lines = f.split("\n");
      const at = `${columns}x${rows}`;
      expect(lines.length, at).toBeLessThan(rows);
      // Among the rows: no blank line a wrapped padding made (space left below them is no fault).
      const body = lines.slice(2, lines.findIndex((l) => l.includes("[?] help")));
      expect(body.slice(0, body.findIndex((l) => l.includes("more above"))).filter((l) => l.trim() === ""), `${at}\n${f}`).toEqual([]);
      expect(body.join(" "), `${at}\n${f}`).toMatch(/↑ \d+ more above · ↓ \d+ more\s+below/);
      cleanup();
    }
  });
});
