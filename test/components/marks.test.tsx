import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { cursorId, fakeDeps, KEY, markedIds, renderDashboard } from "../helpers/dashboard-harness.js";
import { many, view } from "../helpers/session-view.js";

afterEach(() => cleanup());

describe("marking sessions", () => {
  it("space marks and moves on; K kills exactly the marked sessions, after one question naming them", async () => {
    const deps = fakeDeps(many(5));
    const h = await renderDashboard({ sessions: deps.sessions, cursor: "fe-1" }, { deps });
    await h.press("j", KEY.space, KEY.space);
    await h.until("two marked", (f) => markedIds(f).join() === "fe-2,fe-3");
    expect(cursorId(h.frame())).toBe("fe-4");
    await h.press("j", KEY.space);
    let f = await h.until("three marked", (fr) => markedIds(fr).join() === "fe-2,fe-3,fe-5");
    expect(f).toContain("3 marked");
    await h.press("K");
    await h.until("the question", (fr) => fr.includes("Kill 3 sessions: fe-2, fe-3, fe-5?") && fr.includes("no uncommitted or unpushed work"));
    await h.press("y");
    await h.until("three kills", () => deps.calls.filter((c) => c[0] === "kill").length === 3);
    expect(deps.calls.filter((c) => c[0] === "kill").map((c) => c[1]).sort()).toEqual(["fe-2", "fe-3", "fe-5"]);
    expect(deps.calls.filter((c) => c[0] === "kill").every((c) => c[2] === false)).toBe(true);
    f = await h.until("the marks cleared", (fr) => markedIds(fr).length === 0 && fr.includes("✓ Session fe-5 killed"));
    expect(f).not.toContain("marked");
  });

  it("space on a marked row unmarks it; with lost work in one, force goes to that one only, after a second y", async () => {
    const deps = fakeDeps(many(3));
    deps.unsavedWork = async (id) => (deps.calls.push(["unsavedWork", id]), id === "fe-2" ? "1 unpushed commit: abc fix" : null);
    const h = await renderDashboard({ sessions: deps.sessions, cursor: "fe-1" }, { deps });
    await h.press(KEY.space, KEY.space, "k", KEY.space);
    await h.until("fe-1 marked alone", (f) => markedIds(f).join() === "fe-1");
    await h.press("k", KEY.space);
    await h.until("fe-1 and fe-2", (f) => markedIds(f).join() === "fe-1,fe-2");
    await h.press("K");
    await h.until("the loss, per session", (f) => f.includes("fe-2: 1 unpushed commit: abc fix"));
    await h.press("y");
    await h.until("asked again", (f) => f.includes("Really discard it?"));
    expect(deps.calls.some((c) => c[0] === "kill")).toBe(false);
    await h.press("y");
    await h.until("two kills", () => deps.calls.filter((c) => c[0] === "kill").length === 2);
    expect(deps.calls.filter((c) => c[0] === "kill").sort()).toEqual([
      ["kill", "fe-1", false],
      ["kill", "fe-2", true],
    ]);
  });

  it("s sends one message to every marked session and shows each outcome; sessions it cannot reach are left out, saying why", async () => {
    const deps = fakeDeps([...many(2), view({ id: "fe-3", activity: "exited" })]);
    const h = await renderDashboard({ sessions: deps.sessions, cursor: "fe-1" }, { deps, rows: 40 });
    await h.press(KEY.space, KEY.space, KEY.space);
    await h.until("three marked", (f) => markedIds(f).length === 3);
    await h.press("s");
    await h.until("one box for two", (f) => f.includes("Send to 2 sessions: fe-1, fe-2") && f.includes("send: leaving out fe-3: session is not running"));
    await h.press(..."rebase please", KEY.enter);
    const f = await h.until("both outcomes", (fr) => fr.includes("fe-1: ✓ Message sent and processing") && fr.includes("fe-2: ✓ Message sent and processing"));
    expect(deps.calls.filter((c) => c[0] === "send")).toEqual([
      ["send", "fe-1", "rebase please"],
      ["send", "fe-2", "rebase please"],
    ]);
    expect(f).toBeTruthy();
  });

  it("c with marks plans cleanup for the marked sessions only", async () => {
    const deps = fakeDeps(many(3, "fe", { status: "merged" }));
    deps.plan = ["fe-1", "fe-2", "fe-3"].map((id) => ({ id, reason: "PR merged", action: "kill" as const }));
    const h = await renderDashboard({ sessions: deps.sessions, cursor: "fe-1" }, { deps, rows: 40 });
    await h.press("j", KEY.space);
    await h.press("c");
    const f = await h.until("the plan", (fr) => fr.includes("Cleanup (the 1 marked session only)") && fr.includes("[y] kill 1 session"));
    expect(f).toContain("fe-2");
    await h.press("y");
    await h.until("done", () => deps.calls.some((c) => c[0] === "cleanupRun"));
    expect(deps.calls.find((c) => c[0] === "cleanupRun")).toEqual(["cleanupRun", [{ id: "fe-2", reason: "PR merged", action: "kill" }]]);
  });
});
