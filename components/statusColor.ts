import type { Status } from "../src/core/types.js";

/** Ink colour per status; killed and merged are dimmed instead. */
export const STATUS_COLOR: Partial<Record<Status, string>> = {
  spawning: "cyan",
  working: "cyan",
  pr_open: "blue",
  review_pending: "blue",
  ci_failed: "red",
  errored: "red",
  changes_requested: "yellow",
  stuck: "yellow",
  needs_input: "magenta",
  approved: "green",
  mergeable: "green",
};

export const DIMMED: ReadonlySet<Status> = new Set(["killed", "merged"]);
