import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import { cursorId, renderDashboard } from "../helpers/dashboard-harness.js";
import { view } from "../helpers/session-view.js";

// Colour off as `ao ui` sets it under NO_COLOR (FORCE_COLOR=0 while Ink's chalk loads).
await vi.hoisted(async () => (await import("../helpers/colour.js")).colourWhileLoading("0"));
afterEach(() => cleanup());

describe("with colour off", () => {
  it("the table writes no escape code at all: statuses, dimmed rows, the line under rows, the cursor's row", async () => {
    const sessions = [
      view({ id: "fe-1", status: "ci_failed", ciStatus: "failure", prNumber: 3 }),
      view({ id: "fe-2", status: "needs_input" }),
      view({ id: "fe-3", status: "merged" }),
      view({ id: "fe-4", conflicts: [{ with: "fe-1", files: ["a.ts"] }] as never }),
    ];
    const h = await renderDashboard({ sessions, cursor: "fe-2", marked: ["fe-1"], filter: { text: "", project: null, all: true } });
    expect(h.raw()).not.toContain("\u001b[");
    expect(cursorId(h.frame())).toBe("fe-2");
    expect(h.frame()).toMatch(/^ ●fe-1 +feat\/fe-1 +ci_failed +#3 +✗/m);
    expect(h.frame()).toMatch(/⚠ conflicts with fe-1/);
    h.unmount();
  });
});
