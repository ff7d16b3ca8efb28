import { POLL_SECONDS, secondsFlag } from "./seconds.js";
import { setTimeout as sleep } from "node:timers/promises";
import { createApp, type AppContext } from "../app.js";
import { AoError, EXIT_USAGE } from "../core/errors.js";
import { agoFromIso } from "../core/age.js";
import { formatSessionList, formatStatusTable, inListOrder, sessionJson } from "../core/format.js";
import type { PrSnapshot } from "../services/pr-facts.js";
import { readSessions } from "../services/sessions.js";
import { printJson, stdoutColumns, stdoutStyle, writeOut } from "./output.js";

/**
 * The conflict radar's fetch of a base within one `ao status`: an origin that does not answer
 * costs a call this long (then the last base known is used, and the fetch is tried again in a
 * minute), not the minute a dashboard or `ao watch` gives it in the background.
 */
const STATUS_FETCH_MS = 10_000;

export interface ListFlags {
  project?: string;
  json?: boolean;
  all?: boolean;
  watch?: boolean;
  interval?: string;
  /** Ask GitHub even when the shared snapshot is fresh. */
  refresh?: boolean;
}

/** How old the shared PR snapshot may be for `ao status` to show it as is: the dashboard's GitHub interval. */
export const STATUS_GITHUB_MAX_AGE_MS = 30_000;

function listOpts(flags: ListFlags) {
  return { ...(flags.project !== undefined ? { project: flags.project } : {}), all: flags.all === true };
}

/** One line on how fresh the GitHub columns are, when they are not simply fresh. */
export function githubLine(g: PrSnapshot, now: Date): string | null {
  if (!g.stale && !g.error) return null;
  const age = g.fetchedAt ? `data from ${agoFromIso(g.fetchedAt, now)}` : "no data yet";
  return `GitHub: stale (${age}${g.error ? `; ${g.error}` : ""})`;
}

/** `ao session ls`: local facts and the last known PR facts; never waits on the network. */
export async function sessionLs(flags: ListFlags): Promise<void> {
  const ctx = await createApp();
  const { views, github, runtimeNotes } = await readSessions(ctx, { ...listOpts(flags), github: "cached" });
  const now = ctx.now();
  // On standard error, so --json stays the one array; each session's reason says it too.
  for (const n of runtimeNotes) process.stderr.write(`ao: ${n}\n`);
  if (flags.json) return printJson(inListOrder(views, ctx.config.projects).map((v) => sessionJson(v, now, github.stale)));
  process.stdout.write(formatSessionList(views, ctx.config.projects, stdoutStyle(), now));
}

async function statusOnce(ctx: AppContext, flags: ListFlags, maxAgeMs: number): Promise<string> {
  const { views, github, runtimeNotes } = await readSessions(ctx, { ...listOpts(flags), github: "refresh", githubMaxAgeMs: flags.refresh ? 0 : maxAgeMs, record: true, conflicts: "check", conflictsFetchMs: STATUS_FETCH_MS });
  const now = ctx.now();
  if (flags.json) {
    for (const n of runtimeNotes) process.stderr.write(`ao: ${n}\n`);
    return `${JSON.stringify(inListOrder(views, ctx.config.projects).map((v) => sessionJson(v, now, github.stale)), null, 2)}\n`;
  }
  const line = githubLine(github, now);
  return formatStatusTable(views, ctx.config.projects, stdoutStyle(), now, [...runtimeNotes, ...(line ? [line] : [])], stdoutColumns());
}

/** `ao status [--watch]` */
export async function status(flags: ListFlags): Promise<void> {
  if (flags.interval !== undefined && !flags.watch) throw new AoError("--interval goes with --watch: ao status --watch --interval S", EXIT_USAGE);
  const ctx = await createApp();
  if (!flags.watch) {
    const text = await statusOnce(ctx, flags, STATUS_GITHUB_MAX_AGE_MS);
    if (flags.json) writeOut(text);
    else process.stdout.write(text);
    if (ctx.config.file === null) process.stderr.write("No agent-orchestrator.yaml found here or above; run `ao init` in a repository to create one.\n");
    return;
  }
  const seconds = secondsFlag("--interval", flags.interval, 2000, POLL_SECONDS) / 1000;
  // A dumb terminal cannot home the cursor or clear: it printed the codes as text.
  const redraw = process.stdout.isTTY === true && process.env.TERM !== "dumb";
  for (;;) {
    // Each frame asks GitHub unless the snapshot is younger than half an interval.
    const frame = await statusOnce(ctx, flags, Math.min(STATUS_GITHUB_MAX_AGE_MS, (seconds * 1000) / 2));
    // On a terminal, redraw in place; in a pipe, print frames one after another.
    process.stdout.write(redraw ? `\u001b[H\u001b[2J${frame}` : `${frame}\n`);
    await sleep(seconds * 1000);
  }
}
