import { describe, expect, it } from "vitest";
import { createDashboard } from "../../src/store/dashboard.js";
import { fakeDeps, NOW } from "../helpers/dashboard-harness.js";
import { view } from "../helpers/session-view.js";

describe("the dashboard's clock", () => {
  it("moves exactly when a shown age turns over, however many refreshes find nothing new", async () => {
    // One session 50 s old, one hours old: the first reads 50s, 51s, ... 59s, then 1m.
    const sessions = [view({ id: "fe-1", createdAt: new Date(NOW - 50_000).toISOString() }), view({ id: "fe-2", createdAt: new Date(NOW - 3 * 3600_000).toISOString() })];
    const deps = fakeDeps(sessions);
    let clock = NOW;
    deps.now = () => clock;
    const d = createDashboard(deps);
    await d.actions.refreshLocal();
    const moves: number[] = [];
    d.store.subscribe((s, prev) => {
      if (s.now !== prev.now) moves.push(s.now);
    });
    // Refreshes every 400 ms for 15 s, each with equal but new rows.
    for (let i = 0; i < 38; i++) {
      clock += 400;
      deps.sessions = sessions.map((v) => ({ ...v }));
      await d.actions.refreshLocal();
    }
    // The first refresh past each whole second of fe-1's age: 51 s, 52 s, ... then 60 s (1m),
    // and nothing more while it reads 1m.
    const expected: number[] = [];
    for (let t = NOW + 400; t <= NOW + 38 * 400; t += 400) if (Math.floor((t - NOW + 50_000) / 1000) !== Math.floor((t - 400 - NOW + 50_000) / 1000) && t - NOW + 50_000 <= 60_400) expected.push(t);
    expect(moves).toEqual(expected);
    expect(d.store.getState().now).toBe(expected.at(-1));
  });

  it("moves when GitHub's shown stale age turns over", async () => {
    const deps = fakeDeps([view({ id: "fe-1", createdAt: new Date(NOW - 3 * 3600_000).toISOString() })]);
    let clock = NOW;
    deps.now = () => clock;
    const d = createDashboard(deps, { github: { state: "stale", remaining: null, fetchedAt: new Date(NOW - 58_000).toISOString(), error: "down" } });
    await d.actions.refreshLocal();
    const before = d.store.getState().now;
    for (let i = 0; i < 5; i++) {
      clock += 1000;
      deps.sessions = deps.sessions.map((v) => ({ ...v }));
      await d.actions.refreshLocal();
    }
    // 58s → 1m after two seconds: the header's age moved although no row's did.
    expect(d.store.getState().now).not.toBe(before);
  });
});
