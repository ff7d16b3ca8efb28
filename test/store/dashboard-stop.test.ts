import { afterEach, describe, expect, it, vi } from "vitest";
import { createDashboard, type GitHubStatus } from "../../src/store/dashboard.js";
import { fakeDeps } from "../helpers/dashboard-harness.js";

afterEach(() => vi.useRealTimers());

describe("the dashboard's scheduler", () => {
  it("schedules nothing after stop, even when a GitHub refresh was in flight (ao ui must exit on q)", async () => {
    vi.useFakeTimers();
    const deps = fakeDeps();
    let finish: (g: GitHubStatus) => void = () => {};
    deps.refreshGitHub = () => new Promise<GitHubStatus>((resolve) => (finish = resolve));
    const d = createDashboard(deps);
    d.start({ localMs: 1000, githubMs: 30_000 });
    d.stop();
    finish({ state: "ok", remaining: 5000, fetchedAt: new Date().toISOString(), error: null });
    await vi.runAllTicks();
    for (let i = 0; i < 5; i++) await Promise.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("looks again after the conflict radar only when its findings changed", async () => {
    vi.useFakeTimers();
    const deps = fakeDeps();
    // GitHub never answers: its refresh would look again too, and this counts the radar's looks.
    deps.refreshGitHub = () => new Promise<GitHubStatus>(() => {});
    const findings = [false, true, false];
    deps.checkConflicts = async () => findings.shift() ?? false;
    const looks = () => deps.calls.filter(([c]) => c === "listSessions").length;
    const d = createDashboard(deps);
    d.start({ localMs: 3_600_000, githubMs: 3_600_000, conflictMs: 1000 });
    await vi.advanceTimersByTimeAsync(10);
    expect(looks()).toBe(1); // the first look; the radar found what it found before
    await vi.advanceTimersByTimeAsync(1000);
    expect(looks()).toBe(2); // new findings: looked again
    await vi.advanceTimersByTimeAsync(1000);
    expect(looks()).toBe(2);
    d.stop();
  });
});
