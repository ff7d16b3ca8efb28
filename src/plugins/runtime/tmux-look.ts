import type { PaneFacts, PaneLook, ScreenWant } from "../types.js";

// No #{pane_current_command}: tmux reads /proc for it, pane by pane (7 of the 16 ms of listing
// 500 panes), and no agent plugin reads it.
export const PANE_FORMAT = ["#{session_name}", "#{pane_pid}", "#{pane_dead}", "#{pane_dead_status}", "#{pane_dead_signal}", "#{window_activity}"].join("\t");

/** Every pane, as a line of a tmux script. */
export const LIST_PANES_LINE = `list-panes -a -F '${PANE_FORMAT}'`;

/**
 * Names that may go into a tmux script as they are. ao's own names always match; a name from a
 * hand-edited record that does not is never spliced into a command (its pane is listed, not read).
 */
export const SCRIPT_SAFE_NAME = /^[A-Za-z0-9_.-]+$/;

export function parsePanes(stdout: string): PaneFacts[] {
  const out: PaneFacts[] = [];
  for (const line of stdout.split("\n")) {
    if (!line) continue;
    const [name, pid, dead, deadStatus, deadSignal, activity] = line.split("\t");
    if (name === undefined || activity === undefined) continue;
    out.push({
      name,
      panePid: Number(pid),
      dead: dead === "1",
      deadStatus: deadStatus ? Number(deadStatus) : null,
      ...(deadSignal ? { deadSignal: Number(deadSignal) } : {}),
      activityAt: Number(activity),
    });
  }
  return out;
}

/**
 * The mark a look leaves on a session when it reads its still screen: the output time of that
 * screen, or "moving" when the screen was read before it was still (a booting agent's). A hidden
 * variable of the session's environment, which formats read as they read options: setting an
 * option costs tmux time in proportion to all its sessions (each set refreshes every session's
 * status cache and recalculates every window's size; marking 500 screens took ~250 ms of a 370 ms
 * look), a variable what a display-message does. Hidden, it never reaches a process tmux starts.
 */
export const READ_MARK = "AO_READ";

/** The command that sets the mark on `target`'s session to the format `value`, expanded there. */
const setMark = (target: string, value: string) => `set-environment -h -F -t ${target} ${READ_MARK} '${value}'`;

/** How many lines of a dead pane's history its last words are read from, beside its screen. */
export const LAST_WORDS_LINES = 200;

/**
 * How many lines `capture-pane -S -LAST_WORDS_LINES` prints, as a format: the screen's rows and
 * as much history as there is, up to that many lines.
 */
const LAST_WORDS_ROWS = `#{e|+|:#{pane_height},#{?#{e|<|:#{history_size},${LAST_WORDS_LINES}},#{history_size},${LAST_WORDS_LINES}}}`;

/** Any character tmux allows in a session name that ao's names never hold: spaces, quotes, `;`. */
const UNSAFE_GLOB = "*[!A-Za-z0-9_.-]*";

/** What one look asks: the screens it reads by name, and the sessions one loop over tmux decides. */
export interface LookPlan {
  byName: ScreenWant[];
  /** Sessions whose name starts with `prefix`, read when still by `stillBefore` and not marked read. */
  loop: { prefix: string; stillBefore: number } | null;
}

function commonPrefix(names: readonly string[]): string {
  let prefix = names[0] ?? "";
  for (const n of names) while (!n.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

/**
 * A screen ao already read, with the usual stillness cutoff, goes to one loop over every session,
 * which costs tmux about what the listing does (a script line per session cost ~0.1 ms each);
 * the rest (never read, read while moving, a booting agent's) are read by name.
 * The loop covers the sessions whose names share the wanted ones' prefix (ao's own are
 * `ao-<workspace>-<id>`); a prefix too short to say whose sessions these are means no loop.
 */
export function planLook(wants: readonly ScreenWant[]): LookPlan {
  const safe = wants.filter((w) => SCRIPT_SAFE_NAME.test(w.name));
  const counts = new Map<number, number>();
  for (const w of safe) if (w.knownActivityAt !== undefined) counts.set(w.stillBefore, (counts.get(w.stillBefore) ?? 0) + 1);
  const usual = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  const looped = safe.filter((w) => w.knownActivityAt !== undefined && w.stillBefore === usual);
  const prefix = commonPrefix(looped.map((w) => w.name));
  if (looped.length < 2 || prefix.length < 4 || usual === undefined) return { byName: safe, loop: null };
  const names = new Set(looped.map((w) => w.name));
  return { byName: safe.filter((w) => !names.has(w.name)), loop: { prefix, stillBefore: Math.floor(usual) } };
}

/**
 * The mark a read leaves, as a format tmux expands when it sets it: the output time if the screen
 * is still by `cutoff`, else "moving", which no output time equals.
 */
const markValue = (cutoff: number) => `#{?#{e|<=|:#{window_activity},${cutoff}},#{window_activity},moving}`;

/**
 * One tmux script (fed to `source-file -` in a single process) that reads the screens worth
 * reading and then lists every pane. tmux decides per pane, from its own clock, whether to read:
 * the pane lives, has been still since the cutoff, and its last output time is not the one whose
 * screen was already read (ao's own record for screens read by name; the session's READ_MARK in
 * the loop). Decision and capture run in the same turn of the server's loop for screens read by
 * name; the loop's captures run in the turn after its decision, so their header carries the time
 * taken with the capture, and parseLook drops one that moved in between.
 *
 * Each capture is preceded by a header line: the nonce, the name, the output time and the pane's
 * height. capture-pane prints exactly one line per row, so the reader counts rows rather than
 * searching for the next header: nothing on a screen can forge a boundary, whatever it prints.
 * The loop targets panes by id and prints names only as text: a session name is never read as a
 * command, and one of a shape a header could not carry (a space) is skipped.
 */
export function lookScript(wants: readonly ScreenWant[], nonce: string, plan = planLook(wants)): string {
  const lines: string[] = [];
  const cutoff = plan.loop?.stillBefore ?? Math.min(...wants.map((w) => Math.floor(w.stillBefore)));
  for (const w of plan.byName) {
    const t = `=${w.name}:`;
    const known = w.knownActivityAt ?? -1;
    // A missing session leaves every variable empty: #{session_name} guards the rest.
    const cond =
      `#{&&:#{session_name},#{?pane_dead,0,` +
      `#{&&:#{e|!=|:#{window_activity},${known}},#{e|<=|:#{window_activity},${Math.floor(w.stillBefore)}}}}}`;
    lines.push(
      `if-shell -F -t ${t} '${cond}' "display-message -p -t ${t} '${nonce} s #{session_name} #{window_activity} #{pane_height}' ; ` +
        `capture-pane -p -t ${t} ; ${setMark(t, markValue(cutoff))}"`,
    );
  }
  if (plan.loop) {
    const { prefix, stillBefore } = plan.loop;
    const ours = `#{&&:#{m:${prefix}*,#{session_name}},#{?#{m:${UNSAFE_GLOB},#{session_name}},0,1}}`;
    // #{l:…} keeps a format for the command's own run: the header and mark describe the capture.
    const read =
      `display-message -p -t #{pane_id} '#{l:${nonce} s #{session_name} #{window_activity} #{pane_height}}' ; ` +
      `capture-pane -p -t #{pane_id} ; ${setMark("#{pane_id}", `#{l:${markValue(stillBefore)}}`)} ; `;
    // A pane that died since its screen was read: its last words (its history as well as its
    // screen), in this same process rather than one more after the listing shows it dead. Its
    // mark then holds its last output time, so it is read once. A pane that died with no output
    // since its last read is not changed here: the listing shows it dead, and it is read by name.
    const lastWords =
      `display-message -p -t #{pane_id} '#{l:${nonce} d #{session_name} #{window_activity} ${LAST_WORDS_ROWS}}' ; ` +
      `capture-pane -p -S -${LAST_WORDS_LINES} -t #{pane_id} ; ${setMark("#{pane_id}", "#{l:#{window_activity}}")} ; `;
    // The one test that fails for nearly every session of a quiet workspace goes first, on its
    // own: tmux expands only the branch a #{?…} takes, and both sides of a #{&&:…}. At 500
    // sessions the loop went from about 10 to 6 ms of tmux's time. Everything else is asked only
    // of a changed pane.
    const changed = `#{!=:#{window_activity},#{${READ_MARK}}}`;
    const still = `#{e|<=|:#{window_activity},${stillBefore}}`;
    lines.push(`run-shell -C "#{S:#{?${changed},#{?${ours},#{?pane_dead,${lastWords},#{?${still},${read},}},},}}"`);
  }
  lines.push(`display-message -p '${nonce} p'`);
  lines.push(LIST_PANES_LINE);
  return `${lines.join("\n")}\n`;
}

/**
 * The wants a look left unread that it should have read: still, changed since ao's own record,
 * and alive, but marked read (another ao process read it, or this one read it and lost its
 * record). Read by name, they cost a second tmux process; ao alone never needs one.
 */
export function unreadWants(wants: readonly ScreenWant[], look: PaneLook): ScreenWant[] {
  const panes = new Map(look.panes.map((p) => [p.name, p]));
  return wants.filter((w) => {
    const p = panes.get(w.name);
    return p && !p.dead && !look.screens.has(w.name) && w.knownActivityAt !== undefined && p.activityAt !== w.knownActivityAt && p.activityAt <= w.stillBefore && SCRIPT_SAFE_NAME.test(w.name);
  });
}

/**
 * The wants of panes in `panes` that are not among `asked` as they are: a look that asked those
 * cannot answer for them. A want whose pane was not listed has nothing to read.
 */
export function wantsNotAsked(wants: readonly ScreenWant[], asked: readonly ScreenWant[], panes: readonly PaneFacts[]): ScreenWant[] {
  const byName = new Map(asked.map((w) => [w.name, w]));
  const listed = new Set(panes.map((p) => p.name));
  return wants.filter((w) => {
    const a = byName.get(w.name);
    return listed.has(w.name) && (!a || a.stillBefore !== w.stillBefore || a.knownActivityAt !== w.knownActivityAt);
  });
}

/**
 * What a dead pane (kept by remain-on-exit) says last: its exit status, from the pane's field or
 * tmux's own "Pane is dead (status N, …)" line when the field lags, and its last three lines.
 */
export function deadPaneWords(capture: string, deadStatus: number | null, deadSignal: number | null = null): { status: number | null; signal: number | null; last: string[] } {
  const lines = capture.split("\n");
  const said = (what: string) => Number(lines.map((l) => new RegExp(`^Pane is dead \\(${what} (\\d+)`).exec(l)?.[1]).find(Boolean) ?? NaN);
  const status = deadStatus ?? (Number.isNaN(said("status")) ? null : said("status"));
  const signal = status !== null ? null : (deadSignal ?? (Number.isNaN(said("signal")) ? null : said("signal")));
  return { status, signal, last: lines.filter((l) => l.trim() && !/^Pane is dead/.test(l)).slice(-3) };
}

const SIGNALS: Record<number, string> = { 1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 6: "SIGABRT", 9: "SIGKILL", 11: "SIGSEGV", 13: "SIGPIPE", 15: "SIGTERM" };

/** A signal as people know it: "signal 9 (SIGKILL)". */
export function signalName(n: number): string {
  return SIGNALS[n] ? `signal ${n} (${SIGNALS[n]})` : `signal ${n}`;
}

/** Thrown when tmux's answer is not in the shape the script asks for (another tmux, a garbled pipe). */
export class LookOutOfStep extends Error {}

/**
 * The screens and panes of a look's output. With `wants`, a screen whose header time is past its
 * want's cutoff (it moved between the loop's decision and its capture) is dropped: not still.
 */
export function parseLook(stdout: string, nonce: string, wants?: readonly ScreenWant[], panesOf: (listing: string) => PaneFacts[] = parsePanes): PaneLook {
  // Walked line by line from positions, not split: a quiet look is a 500-line listing after
  // one header, and splitting it only to join it again was garbage every refresh.
  const screens = new Map<string, { activityAt: number; text: string }>();
  const lastWords = new Map<string, string>();
  const lineEnd = (from: number) => {
    const e = stdout.indexOf("\n", from);
    return e === -1 ? stdout.length : e;
  };
  let pos = 0;
  let line = 1;
  for (;;) {
    const end = pos <= stdout.length ? lineEnd(pos) : -1;
    const header = end === -1 ? undefined : stdout.slice(pos, end);
    if (header === undefined || !header.startsWith(`${nonce} `)) throw new LookOutOfStep(`tmux look: expected a header at line ${line}`);
    const [, kind, name, activity, height] = header.split(" ");
    if (kind === "p") return finish(end < stdout.length ? stdout.slice(end + 1) : "");
    const rows = Number(height);
    if ((kind !== "s" && kind !== "d") || !name || !Number.isInteger(rows) || rows < 0) throw new LookOutOfStep(`tmux look: bad header at line ${line}`);
    // capture-pane prints exactly `rows` lines: counted, never searched for.
    let next = end + 1;
    let last = end;
    for (let r = 0; r < rows; r++) {
      if (next > stdout.length) throw new LookOutOfStep(`tmux look: bad header at line ${line}`);
      last = lineEnd(next);
      next = last + 1;
    }
    const text = rows ? `${stdout.slice(end + 1, last)}\n` : "";
    if (kind === "d") lastWords.set(name, text);
    else screens.set(name, { activityAt: Number(activity), text });
    pos = next;
    line += 1 + rows;
  }
  function finish(listing: string): PaneLook {
    if (wants) {
      const cutoff = new Map(wants.map((w) => [w.name, w.stillBefore]));
      for (const [name, screen] of screens) if (screen.activityAt > (cutoff.get(name) ?? Infinity)) screens.delete(name);
    }
    return { panes: panesOf(listing), screens, ...(lastWords.size ? { lastWords } : {}) };
  }
}
