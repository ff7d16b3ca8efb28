import { cleanup } from "ink-testing-library";
import stringWidth from "string-width";
import { afterEach, describe, expect, it } from "vitest";
import { fakeDeps, KEY, renderDashboard } from "../helpers/dashboard-harness.js";
import { view } from "../helpers/session-view.js";

afterEach(() => cleanup());

describe("the pane preview", () => {
  it("PgUp and PgDn scroll through the agent's history in the detail pane, never past either end", async () => {
    const deps = fakeDeps([view({ id: "fe-1" }), view({ id: "fe-2" })]);
    deps.paneTail = async (id, lines) => (deps.calls.push(["paneTail", id, lines]), Array.from({ length: 100 }, (_, i) => `history ${i + 1}`).join("\n"));
    const h = await renderDashboard({ sessions: deps.sessions, cursor: "fe-1" }, { deps, rows: 50 });
    await h.press(KEY.tab);
    let f = await h.until("the newest lines", (fr) => fr.includes("history 100") && fr.includes("(PgUp: older)"));
    expect(f).toContain("history 86");
    expect(f).not.toMatch(/history 85\s/);
    await h.press(KEY.pageUp);
    f = await h.until("older lines", (fr) => fr.includes("lines 72–86 of 100"));
    expect(f).toContain("history 72");
    expect(f).not.toContain("history 100");
    for (let i = 0; i < 10; i++) await h.press(KEY.pageUp);
    f = await h.until("the oldest", (fr) => fr.includes("lines 1–15 of 100"));
    expect(f).toMatch(/history 1\s/);
    expect(f).not.toMatch(/history 16\s/);
    await h.press(KEY.pageDown);
    await h.until("newer again", (fr) => fr.includes("lines 15–29 of 100"));
    for (let i = 0; i < 10; i++) await h.press(KEY.pageDown);
    await h.until("the newest again", (fr) => fr.includes("(PgUp: older)") && fr.includes("history 100"));
    expect(deps.calls.find((c) => c[0] === "paneTail")?.[2]).toBeGreaterThanOrEqual(1000);
  });

  it("cuts the pane's lines by display width: wide characters and emoji stay whole, the border stays put", async () => {
    const line = "修复登录页面的重定向循环问题🚀🔥✅ 并且添加中文支持 with emoji 👩‍💻 and more text to overflow the pane";
    const deps = fakeDeps([view({ id: "fe-1" })]);
    deps.paneTail = async () => `${line}\n${"x".repeat(200)}`;
    for (const columns of [50, 56, 63, 70]) {
      const h = await renderDashboard({ sessions: deps.sessions, cursor: "fe-1" }, { deps, rows: 50, columns });
      await h.press(KEY.tab);
      const f = await h.until("the pane's lines", (fr) => fr.includes("修复"));
      expect(f).not.toContain("\ufffd");
      expect(f).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
      // The detail box: every row as wide as its top border, and each pane line on one row.
      const all = f.split("\n");
      const box = all.slice(all.findIndex((l) => l.startsWith("┌")), all.findIndex((l) => l.startsWith("└")) + 1);
      for (const r of box) expect(stringWidth(r), r).toBe(stringWidth(box[0]!));
      expect(box.slice(box.findIndex((l) => l.includes("── last lines")) + 1, -1)).toHaveLength(2);
      cleanup();
    }
  });

  it("PgUp without the detail pane says how to get it", async () => {
    const h = await renderDashboard({ sessions: [view({ id: "fe-1" })], cursor: "fe-1" });
    await h.press(KEY.pageUp);
    await h.until("the hint", (fr) => fr.includes("pane up: open the detail pane first (tab)"));
  });
});
