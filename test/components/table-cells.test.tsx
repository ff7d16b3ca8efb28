import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { NOW, renderDashboard } from "../helpers/dashboard-harness.js";
import { view } from "../helpers/session-view.js";

afterEach(() => cleanup());

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));
const line = (frame: string, id: string) => frame.split("\n").find((l) => new RegExp(`^[▸ ][ ●]${id} `).test(l)) ?? "";

describe("a row's cells are cut again whenever what they read changes", () => {
  it("an age that turns over is drawn anew, though the session's view is the same object", async () => {
    const sessions = [view({ id: "fe-1", createdAt: new Date(NOW - 59_000).toISOString() }), view({ id: "fe-2" })];
    const h = await renderDashboard({ sessions, cursor: "fe-2" });
    expect(line(h.frame(), "fe-1")).toMatch(/ 59s$/);
    let clock = NOW;
    h.deps.now = () => clock;
    clock += 2 * 60_000;
    await h.dashboard.actions.refreshLocal();
    await h.until("fe-1 two minutes old", (f) => / 2m$/.test(line(f, "fe-1")));
    h.unmount();
  });

  it("an action under way shows in the activity column, and goes when it ends", async () => {
    const h = await renderDashboard({ sessions: [view({ id: "fe-1" }), view({ id: "fe-2" })], cursor: "fe-2" });
    h.dashboard.store.setState({ busy: { "fe-1": "killing" } });
    await h.until("fe-1 killing", (f) => /killing… +1h$/.test(line(f, "fe-1")));
    h.dashboard.store.setState({ busy: {} });
    await h.until("fe-1 ready again", (f) => /ready +1h$/.test(line(f, "fe-1")));
    h.unmount();
  });

  it("a session's outside text (branch, summary, conflicts) is inert in its cells: no escape sequence of theirs reaches the terminal", async () => {
    const sessions = [
      view({ id: "fe-1", branch: "feat/\u001b]0;PWNED\u0007x\u001b[2J", summary: "done \u001b]52;c;cHdu\u0007\u009b31mred" }),
      view({ id: "fe-2", conflicts: [{ with: "fe-1", files: ["a\u001b[8m.ts"] }] as never }),
      view({ id: "fe-3" }),
    ];
    const h = await renderDashboard({ sessions, cursor: "fe-3" });
    await tick();
    const raw = h.raw();
    // eslint-disable-next-line no-control-regex -- looking for escape sequences is the point
    expect(raw).not.toMatch(/\u001b\]|\u0007|\u001b\[2J|\u001b\[8m|\u009b/);
    expect(line(h.frame(), "fe-1")).toMatch(/feat\/x +working/);
    expect(h.frame()).toContain("done red");
    h.unmount();
  });
});
