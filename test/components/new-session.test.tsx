import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { cursorId, fakeDeps, KEY, renderDashboard } from "../helpers/dashboard-harness.js";
import { view } from "../helpers/session-view.js";

afterEach(() => cleanup());

function setup() {
  const deps = fakeDeps([view({ id: "fe-1" }), view({ id: "api-1" })]);
  deps.issues = {
    frontend: [
      { id: "12", title: "Fix the login form" },
      { id: "13", title: "Dark mode" },
    ],
    backend: [{ id: "7", title: "Rate limit the API" }],
  };
  deps.spawned = { view: view({ id: "fe-2", status: "spawning", branch: "ao/fe-2-dark-mode", summary: "Dark mode" }) };
  return deps;
}

describe("the new-session dialog", () => {
  it("n opens it on the first project with its issues; search, agent and a two-line prompt go to spawn", async () => {
    const deps = setup();
    const h = await renderDashboard({ sessions: deps.sessions, cursor: "fe-1" }, { deps });
    await h.press("n");
    await h.until("the dialog", (f) => f.includes("New session") && f.includes("Project: ◂ Frontend ▸"));
    await h.press(KEY.tab);
    await h.until("the issues", (f) => f.includes("#12 Fix the login form") && f.includes("#13 Dark mode"));
    await h.press(..."dark");
    let f = await h.until("the search", (fr) => fr.includes("Issue: dark█") && !fr.includes("#12 Fix"));
    // The issue picked is marked in words too (without colour the inverse bar is gone).
    expect(f).toContain("▸ #13 Dark mode");
    await h.press(KEY.tab, KEY.right);
    f = await h.until("the next agent", (fr) => fr.includes("Agent: ◂ codex ▸"));
    // Past the issue field, it names the issue chosen, not the words searched for.
    expect(f).toContain("Issue: #13 Dark mode");
    await h.press(KEY.tab, ..."first line", "\u000e", ..."second");
    f = await h.until("the prompt", (fr) => fr.includes("second█"));
    expect(f).toContain("Prompt: first line");
    await h.press(KEY.enter);
    // The new row shows at once, as spawning, and the cursor is on it.
    f = await h.until("the new row selected", (fr) => cursorId(fr) === "fe-2");
    expect(f).not.toContain("New session");
    expect(f).toMatch(/fe-2 .*spawning/);
    expect(deps.calls).toContainEqual(["spawn", { project: "frontend", issue: "13", agent: "codex", prompt: "first line\nsecond" }]);
    await h.until("the outcome", (fr) => fr.includes("✓ Session fe-2 started on ao/fe-2-dark-mode"));
  });

  it("← → change the project, and its issues follow; no issue and the project's agent by default", async () => {
    const deps = setup();
    deps.spawned = { view: view({ id: "api-2", status: "spawning", branch: "ao/api-2" }), note: "on b2: b2 has the most room (3 of 3 free)" };
    const h = await renderDashboard({ sessions: deps.sessions, cursor: "fe-1" }, { deps });
    await h.press("n");
    await h.until("the dialog", (f) => f.includes("Project: ◂ Frontend ▸"));
    await h.press(KEY.right);
    await h.until("backend", (f) => f.includes("Project: ◂ Backend ▸"));
    await h.press(KEY.tab);
    await h.until("backend's issues", (f) => f.includes("#7 Rate limit the API") && !f.includes("#12"));
    expect(deps.calls).toContainEqual(["issueChoices", "backend"]);
    await h.press(KEY.enter);
    await h.until("the spawn", () => deps.calls.some((c) => c[0] === "spawn"));
    expect(deps.calls.find((c) => c[0] === "spawn")).toEqual(["spawn", { project: "backend" }]);
    // Where ao placed it, and why, is said with the outcome.
    await h.until("the outcome", (f) => f.includes("✓ Session api-2 started on ao/api-2 (on b2: b2 has the most room (3 of 3 free))"));
  });

  it("an issue that is closed is warned of as ao spawn warns, and the session starts all the same", async () => {
    const deps = setup();
    const closed = "issue 9 is closed; the session starts all the same, and ao session cleanup will count it as done";
    deps.spawned = { view: view({ id: "fe-2", status: "spawning", branch: "ao/fe-2-an-old-bug" }), warnings: [closed] };
    const h = await renderDashboard({ sessions: deps.sessions, cursor: "fe-1" }, { deps });
    await h.press("n");
    await h.until("the dialog", (f) => f.includes("New session"));
    // Not in the list of open issues: typed by its number.
    await h.press(KEY.tab, ..."9", KEY.enter);
    const f = await h.until("the warning and the outcome", (fr) => fr.includes("✓ Session fe-2 started on ao/fe-2-an-old-bug"));
    expect(f).toContain(`new session: warning: ${closed}`);
    expect(deps.calls).toContainEqual(["spawn", { project: "frontend", issue: "9" }]);
  });

  it("a failed spawn says why; esc starts nothing", async () => {
    const deps = setup();
    deps.spawned = { view: view({ id: "fe-2", status: "spawning" }), fail: "spawn of fe-2 failed: the agent exited at once" };
    const h = await renderDashboard({ sessions: deps.sessions, cursor: "fe-1" }, { deps });
    await h.press("n", KEY.escape);
    await h.until("closed", (f) => !f.includes("New session"));
    expect(deps.calls.some((c) => c[0] === "spawn")).toBe(false);
    await h.press("n");
    await h.until("the dialog", (f) => f.includes("New session"));
    await h.press(KEY.enter);
    await h.until("the failure", (f) => f.includes("new session: spawn of fe-2 failed: the agent exited at once"));
  });
});

describe("the new-session dialog under fast keys", () => {
  it("tabs that arrive in one chunk each move a field, and never become text", async () => {
    const deps = setup();
    const h = await renderDashboard({ sessions: deps.sessions, cursor: "fe-1" }, { deps });
    await h.press("n");
    await h.until("the dialog", (f) => f.includes("New session"));
    h.burst("\t\t\t", "typed");
    const f = await h.until("the prompt field", (fr) => fr.includes("Prompt: typed█"));
    expect(f).not.toMatch(/Issue: \s+\S/);
  });
});
