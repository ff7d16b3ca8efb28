import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { cursorId, fakeDeps, renderDashboard } from "../helpers/dashboard-harness.js";
import { view } from "../helpers/session-view.js";

afterEach(() => cleanup());

const sessions = () => [view({ id: "fe-1" }), view({ id: "fe-2" }), view({ id: "fe-3" }), view({ id: "fe-4" })];

describe("keys that arrive together (typed fast, held down, or while the process was busy)", () => {
  it("a run of moves is each move in turn", async () => {
    const h = await renderDashboard({ sessions: sessions(), cursor: "fe-1" });
    await h.press("jj");
    await h.until("two rows down", (f) => cursorId(f) === "fe-3");
    await h.press("kjjG");
    await h.until("the last row", (f) => cursorId(f) === "fe-4");
    await h.press("gj");
    await h.until("the second row", (f) => cursorId(f) === "fe-2");
  });

  it("keys after one that opens a dialog are not guessed at: a fast K r y y restores and kills nothing", async () => {
    // fe-2's agent exited: r would restore it, were the r taken as the table's.
    const list = [view({ id: "fe-1" }), view({ id: "fe-2", status: "errored", activity: "exited" })];
    const deps = fakeDeps(list);
    deps.lost = "1 unpushed commit";
    const h = await renderDashboard({ sessions: list, cursor: "fe-1" }, { deps });
    await h.press("kKryy");
    const f = await h.until("the kill question", (fr) => fr.includes("This would be lost:"));
    expect(f).toContain("Kill fe-2?");
    expect(f).not.toContain("Really discard it?");
    expect(deps.calls.filter((c) => c[0] === "kill" || c[0] === "restore")).toEqual([]);
  });
});
