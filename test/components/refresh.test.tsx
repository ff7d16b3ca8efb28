import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { App } from "../../components/App.js";
import { createDashboard, mergeSessions } from "../../src/store/dashboard.js";
import { fakeDeps, NOW, renderDashboard, rowIds } from "../helpers/dashboard-harness.js";
import { view } from "../helpers/session-view.js";

const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

describe("the dashboard draws only what changed", () => {
  it("emits nothing, and draws no frame, when a refresh finds nothing new", async () => {
    const sessions = [view({ id: "fe-1" }), view({ id: "fe-2", status: "ci_failed" })];
    const h = await renderDashboard({ sessions });
    let emits = 0;
    const unsub = h.dashboard.store.subscribe(() => emits++);
    // Equal, but new objects: what every refresh hands the store.
    h.deps.sessions = sessions.map((v) => ({ ...v }));
    for (let i = 0; i < 5; i++) await h.dashboard.actions.refreshLocal();
    await tick(60);
    expect(emits).toBe(0);
    // A real change still draws.
    h.deps.sessions = [view({ id: "fe-1", activity: "waiting_input" }), sessions[1]!];
    await h.dashboard.actions.refreshLocal();
    await h.until("the new activity", (f) => f.includes("waiting_input"));
    expect(emits).toBeGreaterThan(0);
    unsub();
    h.unmount();
  });

  it("draws no frame for refreshes that find nothing new while the clock moves on", async () => {
    // Sessions hours old: their age reads the same two seconds later.
    const sessions = [view({ id: "fe-1", createdAt: new Date(NOW - 3 * 3600_000).toISOString() }), view({ id: "fe-2", createdAt: new Date(NOW - 5 * 3600_000).toISOString() })];
    const h = await renderDashboard({ sessions });
    let clock = NOW;
    h.deps.now = () => clock;
    await tick(60);
    const frames = h.frameCount();
    for (let i = 0; i < 5; i++) {
      clock += 2000;
      h.deps.sessions = sessions.map((v) => ({ ...v }));
      await h.dashboard.actions.refreshLocal();
    }
    await tick(60);
    expect(h.frameCount()).toBe(frames);
    expect(h.frame().split("\n")[0]).toContain("updated 0s ago");
    // The refresh time is still kept: a later frame says how long ago the last one was.
    expect(h.dashboard.store.getState().localUpdatedAt).toBe(clock);
    h.unmount();
  });

  it("keeps an unchanged session's object across refreshes, so its row's render is skipped", () => {
    const a = view({ id: "fe-1" });
    const b = view({ id: "fe-2" });
    expect(mergeSessions([a, b], [{ ...a }, { ...b }])).toBeNull();
    const merged = mergeSessions([a, b], [{ ...a }, { ...b, status: "stuck" }])!;
    expect(merged[0]).toBe(a);
    expect(merged[1]).not.toBe(b);
    expect(merged[1]!.status).toBe("stuck");
    // A change deep in a view is a change.
    expect(mergeSessions([a], [{ ...a, failingChecks: ["lint"] }])).not.toBeNull();
    expect(mergeSessions([a], [{ ...a, meta: { ...a.meta, summary: "new" } }])).not.toBeNull();
    expect(mergeSessions([{ ...a, failingChecks: ["lint"] }], [{ ...a, failingChecks: ["lint"] }])).toBeNull();
    // The same views in another order is a change (the table's order follows it).
    expect(mergeSessions([a, b], [{ ...b }, { ...a }])).toEqual([b, a]);
  });
});

describe("the first frame", () => {
  it("shows rows from the records while the first full look is still running", async () => {
    const deps = fakeDeps([]);
    let release: () => void = () => {};
    const slow = new Promise<void>((r) => (release = r));
    deps.listSessions = async () => {
      await slow; // a cold pane cache: hundreds of screens to read
      return [view({ id: "fe-1", activity: "waiting_input" }), view({ id: "fe-2" })];
    };
    deps.listSessionsQuick = async () => [view({ id: "fe-1", activity: null }), view({ id: "fe-2", activity: null })];
    const dashboard = createDashboard(deps, { now: NOW, localUpdatedAt: NOW });
    const inst = render(<App dashboard={dashboard} />);
    dashboard.start({ localMs: 60_000, githubMs: 60_000 });
    try {
      const deadline = Date.now() + 5000;
      while (rowIds(inst.lastFrame() ?? "").length < 2 && Date.now() < deadline) await tick();
      expect(rowIds(inst.lastFrame() ?? "")).toEqual(["fe-1", "fe-2"]);
      expect(inst.lastFrame()).not.toContain("waiting_input");
      release();
      while (!(inst.lastFrame() ?? "").includes("waiting_input") && Date.now() < deadline) await tick();
      expect(inst.lastFrame()).toContain("waiting_input");
    } finally {
      dashboard.stop();
      inst.unmount();
    }
  });

  it("never lets the quick rows overwrite a full refresh that landed first", async () => {
    const deps = fakeDeps([view({ id: "fe-1", activity: "waiting_input" })]);
    let release: () => void = () => {};
    const slow = new Promise<void>((r) => (release = r));
    deps.listSessionsQuick = async () => (await slow, [view({ id: "fe-1", activity: null })]);
    const dashboard = createDashboard(deps, { now: NOW, localUpdatedAt: NOW });
    const quick = dashboard.actions.quickFirst();
    await dashboard.actions.refreshLocal();
    release();
    await quick;
    expect(dashboard.store.getState().sessions[0]!.activity).toBe("waiting_input");
  });
});
