import type { PaneFacts, PaneLook, ScreenWant } from "../types.js";

export const PANE_FORMAT = ["#{session_name}", "#{pane_pid}", "#{pane_dead}", "#{pane_dead_status}", "#{pane_current_command}", "#{window_activity}"].join("\t");

/**
 * Names that may go into a tmux script as they are. ao's own names always match; a name from a
 * hand-edited record that does not is never spliced into a command (its pane is listed, not read).
 */
export const SCRIPT_SAFE_NAME = /^[A-Za-z0-9_.-]+$/;

export function parsePanes(stdout: string): PaneFacts[] {
  const out: PaneFacts[] = [];
  for (const line of stdout.split("\n")) {
    if (!line) continue;
    const [name, pid, dead, deadStatus, cmd, activity] = line.split("\t");
    if (name === undefined || activity === undefined) continue;
    out.push({
      name,
      panePid: Number(pid),
      dead: dead === "1",
      deadStatus: deadStatus ? Number(deadStatus) : null,
      currentCommand: cmd ?? "",
      activityAt: Number(activity),
    });
  }
  return out;
}

/**
 * One tmux script (fed to `source-file -` in a single process) that reads the screens worth
 * reading and then lists every pane. tmux decides per pane, from its own clock, whether to capture:
 * the pane lives, is not dead, has been still since `stillBefore`, and its last output time is
 * not the one whose screen ao already read. The decision and the capture run in the same turn of
 * the server's loop, so the screen is the one the reported time belongs to.
 *
 * Each capture is preceded by a header line: the nonce, the name, the output time and the pane's
 * height. capture-pane prints exactly one line per row, so the reader counts rows rather than
 * searching for the next header: nothing on a screen can forge a boundary, whatever it prints.
 */
export function lookScript(wants: readonly ScreenWant[], nonce: string): string {
  const lines: string[] = [];
  for (const w of wants) {
    if (!SCRIPT_SAFE_NAME.test(w.name)) continue;
    const t = `=${w.name}:`;
    const known = w.knownActivityAt ?? -1;
    // A missing session leaves every variable empty: #{session_name} guards the rest.
    const cond =
      `#{&&:#{session_name},#{?pane_dead,0,` +
      `#{&&:#{e|!=|:#{window_activity},${known}},#{e|<=|:#{window_activity},${Math.floor(w.stillBefore)}}}}}`;
    lines.push(`if-shell -F -t ${t} '${cond}' "display-message -p -t ${t} '${nonce} s #{session_name} #{window_activity} #{pane_height}' ; capture-pane -p -t ${t}"`);
  }
  lines.push(`display-message -p '${nonce} p'`);
  lines.push(`list-panes -a -F '${PANE_FORMAT}'`);
  return `${lines.join("\n")}\n`;
}

/** Thrown when tmux's answer is not in the shape the script asks for (another tmux, a garbled pipe). */
export class LookOutOfStep extends Error {}

export function parseLook(stdout: string, nonce: string): PaneLook {
  const lines = stdout.split("\n");
  const screens = new Map<string, { activityAt: number; text: string }>();
  let i = 0;
  for (;;) {
    const header = lines[i];
    if (header === undefined || !header.startsWith(`${nonce} `)) throw new LookOutOfStep(`tmux look: expected a header at line ${i + 1}`);
    const [, kind, name, activity, height] = header.split(" ");
    if (kind === "p") break;
    const rows = Number(height);
    if (kind !== "s" || !name || !Number.isInteger(rows) || rows < 0 || i + 1 + rows > lines.length) {
      throw new LookOutOfStep(`tmux look: bad header at line ${i + 1}`);
    }
    screens.set(name, { activityAt: Number(activity), text: rows ? `${lines.slice(i + 1, i + 1 + rows).join("\n")}\n` : "" });
    i += 1 + rows;
  }
  return { panes: parsePanes(lines.slice(i + 1).join("\n")), screens };
}
