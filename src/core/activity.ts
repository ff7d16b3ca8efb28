import type { Activity } from "./types.js";

/** The screen must be unchanged this long before a session counts as anything but active. */
export const STILL_MS = 1500;

/**
 * How long the screen has certainly been still. tmux keeps the last output time in whole
 * seconds, so output may have come up to a second after it: count from the end of that second.
 */
export function stillForMs(activityAtSec: number, nowMs: number): number {
  return nowMs - (activityAtSec + 1) * 1000;
}

/**
 * The latest whole-second output time at which a screen counts as still at `nowMs` (the
 * inverse of stillForMs): a pane whose last output came at or before it has been still STILL_MS.
 */
export function stillCutoffSec(nowMs: number): number {
  return Math.floor((nowMs - STILL_MS) / 1000) - 1;
}

export interface ActivityInput {
  dead: boolean;
  activityAtSec: number;
  nowMs: number;
  readyThresholdMs: number;
  /** What the agent plugin reads on the still screen; only asked when the screen is still. */
  classifyStill: () => Exclude<Activity, "idle" | "exited">;
}

/**
 * Activity from pane facts: `exited` from the pane's process (never from text), `active` while
 * the screen moves, then what the screen says; `ready` turns `idle` after the ready threshold.
 */
export function deriveActivity(input: ActivityInput): Activity {
  if (input.dead) return "exited";
  const still = stillForMs(input.activityAtSec, input.nowMs);
  if (still < STILL_MS) return "active";
  const what = input.classifyStill();
  return what === "ready" && still >= input.readyThresholdMs ? "idle" : what;
}
