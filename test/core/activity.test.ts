import { describe, expect, it } from "vitest";
import { PROGRESS_READ_MS, progressReadDue, reconcileActivity, type ReconcileInput } from "../../src/core/activity.js";

const NOW = 1_800_000_000_000;
const sec = (msAgo: number) => Math.floor((NOW - msAgo) / 1000);

function input(over: Partial<ReconcileInput> & { screen?: "ready" | "active" | "waiting_input" | "blocked" | "unknown" }): ReconcileInput {
  const { screen = "ready", ...rest } = over;
  return { dead: false, activityAtSec: sec(60_000), nowMs: NOW, readyThresholdMs: 5 * 60_000, classifyStill: () => screen, ...rest };
}

// Each row: pane and event → the activity, and which of the two it came from.
const cases: Array<[string, ReconcileInput, string, string]> = [
  ["no events: the screen alone", input({ screen: "waiting_input" }), "waiting_input", "screen"],
  ["a dead pane is exited whatever the events said", input({ dead: true, event: { activity: "active", at: NOW - 1000 } }), "exited", "screen"],
  ["the newest event sets the state", input({ event: { activity: "waiting_input", at: NOW - 500 } }), "waiting_input", "event"],
  ["a screen still drawing never overrides the event", input({ activityAtSec: sec(0), screen: "ready", event: { activity: "waiting_input", at: NOW - 300 } }), "waiting_input", "event"],
  ["an event saying running while the screen shows an approval menu is waiting_input", input({ screen: "waiting_input", event: { activity: "active", at: NOW - 90_000 } }), "waiting_input", "screen"],
  ["an event saying running while the screen shows a sign-in is blocked", input({ screen: "blocked", event: { activity: "active", at: NOW - 90_000 } }), "blocked", "screen"],
  ["a screen changed well after the event speaks for itself (Esc on a question)", input({ activityAtSec: sec(10_000), screen: "ready", event: { activity: "waiting_input", at: NOW - 30_000 } }), "ready", "screen"],
  ["a screen that changed with the event does not", input({ activityAtSec: sec(10_000), screen: "ready", event: { activity: "waiting_input", at: NOW - 10_500 } }), "waiting_input", "event"],
  ["a finished turn turns idle after the threshold", input({ event: { activity: "ready", at: NOW - 6 * 60_000 }, activityAtSec: sec(6 * 60_000) }), "idle", "event"],
  // Exited is the pane's process: Claude's /clear reports a session end and goes on.
  ["a session-end event on a live pane is not an exit: the screen speaks", input({ activityAtSec: sec(0), event: { activity: "exited", at: NOW - 100 } }), "active", "screen"],
  ["nor on a still one", input({ activityAtSec: sec(10_000), screen: "ready", event: { activity: "exited", at: NOW - 100 } }), "ready", "screen"],
  ["a dead pane is exited, whatever the events", input({ dead: true, activityAtSec: sec(10_000), event: { activity: "active", at: NOW - 100 } }), "exited", "screen"],
];

// A still screen the agent's patterns do not know says nothing: no activity without an event;
// the agent's own account stands when it reports one, newer screen or not.
const unknownCases: Array<[string, ReconcileInput, string | undefined, string]> = [
  ["no events: an unknown screen gives no activity", input({ screen: "unknown" }), undefined, "screen"],
  ["a session-end event on a live pane does not make it one", input({ screen: "unknown", activityAtSec: sec(10_000), event: { activity: "exited", at: NOW - 100 } }), undefined, "screen"],
  ["the event stands over it", input({ screen: "unknown", event: { activity: "active", at: NOW - 500 } }), "active", "event"],
  ["even when the screen is newer", input({ screen: "unknown", activityAtSec: sec(10_000), event: { activity: "ready", at: NOW - 30_000 } }), "ready", "event"],
];

describe("reconcileActivity", () => {
  it.each(cases)("%s", (_name, inp, activity, source) => {
    expect(reconcileActivity(inp)).toEqual({ activity, source });
  });
  it.each(unknownCases)("%s", (_name, inp, activity, source) => {
    expect(reconcileActivity(inp)).toEqual({ activity, source });
  });
});

describe("moving screens", () => {
  it("a dialog on a screen that keeps animating is still a dialog; anything else moving is active", () => {
    const moving = { activityAtSec: sec(0) };
    expect(reconcileActivity(input({ ...moving, movingShows: "waiting_input" }))).toEqual({ activity: "waiting_input", source: "screen" });
    expect(reconcileActivity(input({ ...moving, movingShows: "ready" }))).toEqual({ activity: "active", source: "screen" });
    // An agent that reports only turn ends (Codex) is busy again when its screen moves long after.
    expect(reconcileActivity(input({ ...moving, event: { activity: "ready", at: NOW - 60_000 } }))).toEqual({ activity: "active", source: "screen" });
    // One that reports each prompt (Claude, Gemini) is not: a new turn would have said so. Its
    // screen moving after the turn ended is its own drawing (a footer hint fading).
    expect(reconcileActivity(input({ ...moving, event: { activity: "ready", at: NOW - 10_000, reportsPrompts: true } }))).toEqual({ activity: "ready", source: "event" });
    expect(reconcileActivity(input({ ...moving, movingShows: "waiting_input", event: { activity: "ready", at: NOW - 60_000 } }))).toEqual({ activity: "waiting_input", source: "screen" });
    expect(reconcileActivity(input({ ...moving, movingShows: "waiting_input", event: { activity: "active", at: NOW - 500 } }))).toEqual({ activity: "waiting_input", source: "screen" });
  });
});

describe("progressReadDue", () => {
  const P = PROGRESS_READ_MS;
  it("is due once in each window of PROGRESS_READ_MS, never twice in one", () => {
    for (const pane of ["ao-live-p0-1", "ao-live-p3-77", "x"]) {
      // Read at some moment: due again only once the pane's next window begins, within P of it.
      const read = 1_800_000_000_000 + 4321;
      const due = Array.from({ length: 2 * P / 250 }, (_, i) => read + (i + 1) * 250).find((t) => progressReadDue(pane, read, t))!;
      expect(due - read).toBeGreaterThan(0);
      expect(due - read).toBeLessThanOrEqual(P);
      // Read then: the next is due exactly one window later.
      expect(progressReadDue(pane, due, due + P - 300)).toBe(false);
      expect(progressReadDue(pane, due, due + P)).toBe(true);
    }
  });

  it("spreads 500 panes read at one moment over the window, not all due at the same look", () => {
    const read = 1_800_000_000_000;
    const panes = Array.from({ length: 500 }, (_, i) => `ao-live-p${i % 5}-${Math.floor(i / 5) + 1}`);
    // Looks once a second for the next 15 s: how many panes each look reads.
    const perLook = Array.from({ length: P / 1000 }, (_, s) => panes.filter((p) => progressReadDue(p, read, read + (s + 1) * 1000) && !progressReadDue(p, read, read + s * 1000)).length);
    expect(perLook.reduce((a, b) => a + b, 0)).toBe(500);
    expect(Math.max(...perLook)).toBeLessThan(100);
  });
});
