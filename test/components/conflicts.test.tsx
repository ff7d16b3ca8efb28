import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { KEY, renderDashboard } from "../helpers/dashboard-harness.js";
import { view } from "../helpers/session-view.js";

afterEach(() => cleanup());

describe("the conflict marker", () => {
  it("shows under the row with whom and where, and in the detail pane in full", async () => {
    const sessions = [
      view({ id: "fe-1", conflicts: [{ with: "fe-2", kind: "session", files: ["src/a.ts", "src/b.ts"] }, { with: "origin/main", kind: "base", files: ["README.md"] }] }),
      view({ id: "fe-2", conflicts: [{ with: "fe-1", kind: "session", files: ["src/a.ts", "src/b.ts"] }] }),
      view({ id: "fe-3" }),
    ];
    const h = await renderDashboard({ sessions, cursor: "fe-1" });
    const lines = h.frame().split("\n");
    const under = (id: string) => lines[lines.findIndex((l) => new RegExp(`^[▸ ] ${id} `).test(l)) + 1]!.trim();
    expect(under("fe-1")).toBe("⚠ conflicts with fe-2 (src/a.ts +1), origin/main (README.md)");
    expect(under("fe-2")).toBe("⚠ conflicts with fe-1 (src/a.ts +1)");
    expect(under("fe-3")).toBe("summary of fe-3");
    await h.press(KEY.tab);
    const f = await h.until("the detail pane", (fr) => fr.includes("would conflict with fe-2 in src/a.ts, src/b.ts"));
    expect(f).toContain("would conflict with origin/main in README.md");
  });
});
