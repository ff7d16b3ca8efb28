import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { fakeDeps, KEY, renderDashboard } from "../helpers/dashboard-harness.js";
import { view } from "../helpers/session-view.js";

afterEach(() => cleanup());

// fe-1: its host left the config (a kill refuses); fe-2: its project left the config; fe-3: an
// ordinary local session ao can kill.
const sessions = () => [
  view({ id: "fe-1", host: "gpu", status: "errored", statusCause: "host_unreachable", statusReason: "host gpu is not in the config (hosts:)", activity: null, worktree: "/w/fe-1", meta: { id: "fe-1", tmuxName: "ao-my-app-fe-1" } }),
  view({ id: "old-1", projectId: "legacy", projectName: "legacy", projectGone: true, status: "errored", activity: null, worktree: "/w/old-1" }),
  view({ id: "fe-3", status: "working", activity: "ready" }),
];

const calls = (deps: { calls: unknown[][] }, name: string) => deps.calls.filter((c) => c[0] === name);

describe("forget", () => {
  it("F on a session whose host is gone asks, says what stays where, and y forgets it", async () => {
    const h = await renderDashboard({ sessions: sessions(), cursor: "fe-1" });
    await h.press("F");
    const f = await h.until("the question", (fr) => fr.includes("Forget fe-1?"));
    expect(f).toContain("nothing is ended or removed");
    expect(f).toContain("Left in place on host gpu:");
    expect(f).toContain("tmux session ao-my-app-fe-1");
    expect(f).toContain("worktree /w/fe-1");
    expect(calls(h.deps, "forget")).toEqual([]);
    await h.press("y");
    await h.until("the forget", () => calls(h.deps, "forget").length === 1);
    expect(calls(h.deps, "forget")).toEqual([["forget", "fe-1"]]);
    expect(calls(h.deps, "kill")).toEqual([]);
    await h.until("the toast", (fr) => fr.includes("✓ Session fe-1 forgotten; nothing was ended or removed") && !fr.includes("Forget fe-1?"));
  });

  it("is offered for a session whose project left the config, on this machine", async () => {
    const h = await renderDashboard({ sessions: sessions(), cursor: "old-1" });
    await h.press("F");
    const f = await h.until("the question", (fr) => fr.includes("Forget old-1?"));
    expect(f).toContain("Left in place on this machine:");
    expect(f).toContain("tmux session ao-my-app-old-1");
  });

  it("n and esc keep it", async () => {
    const h = await renderDashboard({ sessions: sessions(), cursor: "fe-1" });
    for (const key of ["n", KEY.escape]) {
      await h.press("F");
      await h.until("the question", (fr) => fr.includes("Forget fe-1?"));
      await h.press(key);
      await h.until("the dialog to close", (fr) => !fr.includes("Forget fe-1?"));
    }
    expect(calls(h.deps, "forget")).toEqual([]);
  });

  it("is not offered for a session ao can reach: kill it instead", async () => {
    const h = await renderDashboard({ sessions: sessions(), cursor: "fe-3" });
    await h.press("F");
    const f = await h.until("why not", (fr) => fr.includes("forget: ao can reach it: kill it (K)"));
    expect(f).not.toContain("Forget fe-3?");
    expect(calls(h.deps, "forget")).toEqual([]);
  });

  it("forget's own refusal shows as an error line, as a kill's does", async () => {
    const deps = fakeDeps(sessions());
    deps.forgetFails = "fe-1: host gpu answers, so ao session kill fe-1 ends it";
    const h = await renderDashboard({ sessions: sessions(), cursor: "fe-1" }, { deps });
    await h.press("F");
    await h.until("the question", (fr) => fr.includes("Forget fe-1?"));
    await h.press("y");
    await h.until("the refusal", (fr) => fr.includes("forget fe-1: host gpu answers, so ao session kill fe-1 ends it"));
    expect(h.frame()).not.toContain("forgotten");
  });

  it("is in the help, under its key", async () => {
    const h = await renderDashboard({ sessions: sessions(), cursor: "fe-3" });
    await h.press("?");
    await h.until("the help", (fr) => /F\s+retire a session ao cannot reach/.test(fr));
  });
});
