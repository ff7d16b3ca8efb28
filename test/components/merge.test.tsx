import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { fakeDeps, KEY, renderDashboard } from "../helpers/dashboard-harness.js";
import { view } from "../helpers/session-view.js";

afterEach(() => cleanup());

const sessions = () => [
  view({ id: "fe-1", status: "mergeable", prNumber: 12, prUrl: "https://github.com/org/app/pull/12" }),
  view({ id: "fe-2", status: "review_pending", prNumber: 13, prUrl: "https://github.com/org/app/pull/13" }),
];

describe("the merge dialog", () => {
  it("m asks first, naming the PR and the method; y merges and the row shows merged", async () => {
    const deps = fakeDeps(sessions());
    const h = await renderDashboard({ sessions: deps.sessions, cursor: "fe-1" }, { deps, columns: 120 });
    await h.press("m");
    await h.until("the question", (f) => f.includes("Merge PR #12 of fe-1 (squash)?"));
    expect(deps.calls.some((c) => c[0] === "merge")).toBe(false);
    const lists = deps.calls.filter((c) => c[0] === "listSessions").length;
    await h.press("y");
    const f = await h.until("merged", (fr) => fr.includes("✓ PR #12 of fe-1 merged (squash)") && !fr.includes("Merge PR"));
    expect(deps.calls).toContainEqual(["merge", "fe-1"]);
    await h.until("the merged row", (fr) => / merged /.test(fr.split("\n").find((l) => l.includes("fe-1 ")) ?? ""));
    expect(f).toBeTruthy();
    // Only what the action touched is read again.
    expect(deps.calls).toContainEqual(["sessionsById", ["fe-1"]]);
    expect(deps.calls.filter((c) => c[0] === "listSessions").length).toBe(lists);
  });

  it("n or esc keeps the PR open; a session that is not mergeable says why", async () => {
    const deps = fakeDeps(sessions());
    const h = await renderDashboard({ sessions: deps.sessions, cursor: "fe-1" }, { deps });
    await h.press("m", "n");
    await h.until("closed", (f) => !f.includes("Merge PR"));
    await h.press("m", KEY.escape);
    await h.until("closed again", (f) => !f.includes("Merge PR"));
    await h.press("j", "m");
    await h.until("the reason", (f) => f.includes("merge: PR #13 is not mergeable (review_pending)"));
    expect(deps.calls.some((c) => c[0] === "merge")).toBe(false);
  });

  it("GitHub's refusal shows in the dialog", async () => {
    const deps = fakeDeps(sessions());
    deps.mergeFails = "GitHub merge of org/app#12: Pull Request is not mergeable (HTTP 405)";
    const h = await renderDashboard({ sessions: deps.sessions, cursor: "fe-1" }, { deps });
    await h.press("m", "y");
    await h.until("the refusal", (f) => f.includes("✗ GitHub merge of org/app#12: Pull Request is not mergeable (HTTP 405)"));
  });
});
