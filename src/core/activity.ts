import { fnv1a } from "./fingerprint.js";
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

/**
 * What a still screen says, as its agent plugin reads it: an activity, or "unknown" when the
 * screen shows nothing the plugin knows (not the agent's prompt, no dialog, no busy line). An
 * unknown screen is no evidence of any activity, as a blank one is not: it has none.
 */
export type ScreenReading = Exclude<Activity, "idle" | "exited"> | "unknown";

export interface ActivityInput {
  dead: boolean;
  activityAtSec: number;
  nowMs: number;
  readyThresholdMs: number;
  /** What the agent plugin reads on the still screen; only asked when the screen is still. */
  classifyStill: () => ScreenReading;
  /**
   * What the newest capture of a screen that still moves showed. A dialog on it (a question, a
   * sign-in) is one even while something on it animates: Codex's approval menu never goes still.
   */
  movingShows?: ScreenReading;
}

function isDialog(a: ScreenReading | undefined): a is "waiting_input" | "blocked" {
  return a === "waiting_input" || a === "blocked";
}

/**
 * Activity from pane facts: `exited` from the pane's process (never from text), `active` while
 * the screen moves, then what the screen says; `ready` turns `idle` after the ready threshold.
 * A still screen the agent's patterns do not know gives none (undefined).
 */
export function deriveActivity(input: ActivityInput): Activity | undefined {
  if (input.dead) return "exited";
  const still = stillForMs(input.activityAtSec, input.nowMs);
  if (still < STILL_MS) return isDialog(input.movingShows) ? input.movingShows : "active";
  const what = input.classifyStill();
  if (what === "unknown") return undefined;
  return what === "ready" && still >= input.readyThresholdMs ? "idle" : what;
}

/** A busy screen that moves (its spinner) is read this often, to see whether anything but the spinner moved. */
export const PROGRESS_READ_MS = 15_000;

/**
 * Whether a working agent's moving screen, last read at `lastReadMs`, is due a progress read at
 * `nowMs`: once in each PROGRESS_READ_MS window, each pane's windows starting at an offset of its
 * own (from its name). With one window for all, 500 agents that began working together were
 * read together, all 500 screens in one look every 15 s (the dashboard's memory peaked with each
 * such look); now each look reads the few whose window just began.
 */
export function progressReadDue(pane: string, lastReadMs: number, nowMs: number): boolean {
  const offset = fnv1a(pane) % PROGRESS_READ_MS;
  return Math.floor((nowMs + offset) / PROGRESS_READ_MS) > Math.floor((lastReadMs + offset) / PROGRESS_READ_MS);
}

/** A working agent whose screen shows nothing new (its spinner aside) this long has the reason say so. */
export const NO_PROGRESS_NOTE_MS = 60_000;

/** The screen must have changed this long after an event before it speaks over the event. */
export const EVENT_SLACK_MS = 2000;

export interface ReconcileInput extends ActivityInput {
  /**
   * The agent's own newest account, when it reports events. `reportsPrompts`: it reports each
   * prompt it takes (Claude Code, Gemini CLI), so no turn starts without an event saying so.
   */
  event?: { activity: Exclude<Activity, "idle">; at: number; reportsPrompts?: boolean };
}

export interface Reconciled {
  /** undefined: the still screen is one the agent's patterns do not know, and no event speaks. */
  activity: Activity | undefined;
  source: "event" | "screen";
}

/**
 * The agent's event sets the state; the pane checks it. A dead pane is exited whatever the events
 * said. A still screen showing a question while the event says running is waiting_input (a
 * prompt the agent did not report). A screen that changed well after the event speaks for
 * itself (a question answered or a turn cancelled with Esc, which report nothing; a new turn of an
 * agent that reports only turn ends). Within the slack the event stands: the agent draws as it
 * reports. A still screen ao does not recognize says nothing either way: the event stands.
 */
export function reconcileActivity(input: ReconcileInput): Reconciled {
  const screen = (): Activity | undefined => deriveActivity(input);
  const ev = input.event;
  if (input.dead) return { activity: "exited", source: "screen" };
  // Exited is the pane's process, never a word: an agent's "session ended" while its pane lives
  // is one it took back (Claude's /clear ends a session and starts the next) or an exit still
  // on its way, which the dead pane will say.
  if (!ev || ev.activity === "exited") return { activity: screen(), source: "screen" };
  const still = stillForMs(input.activityAtSec, input.nowMs) >= STILL_MS;
  const screenNewer = (input.activityAtSec + 1) * 1000 > ev.at + EVENT_SLACK_MS;
  const idleAfter = (a: Activity): Activity => (a === "ready" && input.nowMs - ev.at >= input.readyThresholdMs ? "idle" : a);
  if (!still) {
    if (ev.activity === "active" && isDialog(input.movingShows)) return { activity: input.movingShows, source: "screen" };
    // A screen that moves after an agent that reports its prompts ended its turn is its own
    // drawing (Claude's footer hints fading, Gemini clearing its hook line), not a new turn:
    // that would have come with an event. Read as working, it told the person twice.
    if (screenNewer && !(ev.activity === "ready" && ev.reportsPrompts)) return { activity: screen(), source: "screen" };
    return { activity: idleAfter(ev.activity), source: "event" };
  }
  const seen = input.classifyStill();
  if (ev.activity === "active" && (seen === "waiting_input" || seen === "blocked")) return { activity: seen, source: "screen" };
  if (seen === "unknown") return { activity: idleAfter(ev.activity), source: "event" };
  if (screenNewer) return { activity: screen(), source: "screen" };
  return { activity: idleAfter(ev.activity), source: "event" };
}
