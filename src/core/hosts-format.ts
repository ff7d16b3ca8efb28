import { shortAge } from "./age.js";
import { inert } from "./sanitize.js";
import { textWidth } from "./text-width.js";
import type { Style } from "./style.js";

/** One machine as `ao hosts` shows it. */
export interface HostRow {
  name: string;
  ssh: string | null;
  reachable: boolean;
  /** Why it did not answer, in words. */
  error: string | null;
  tmux: string | null;
  git: string | null;
  /** 1, 5 and 15 minute load averages. */
  load: [number, number, number] | null;
  /** Live sessions ao has there. */
  live: number;
  capacity: number;
  /** When it last answered (ISO), here or in an earlier run. */
  lastSeen: string | null;
  /** Since when it has not answered, while it does not. */
  unreachableSince: string | null;
}

function pad(s: string, n: number): string {
  const w = textWidth(s);
  return w >= n ? `${s} ` : s + " ".repeat(n - w);
}

/**
 * What a host that answers lacks to run sessions: "ok" beside a tmux of "-" passed for a host
 * fit to use, where spawn and placing pass it by.
 */
function missing(r: HostRow): string | null {
  return !r.tmux ? "no tmux" : !r.git ? "no git" : null;
}

/** `ao hosts` as a table; what a host said (its error, its versions) is outside text. */
export function formatHosts(rows: HostRow[], style: Style, now: Date): string {
  const head = ["HOST", "SSH", "STATE", "SESSIONS", "LOAD", "TMUX", "GIT", "LAST SEEN"];
  const cells = rows.map((r) => [
    r.name,
    r.ssh ?? "-",
    r.reachable ? (missing(r) ?? "ok") : "unreachable",
    `${r.live}/${r.capacity}`,
    r.load ? r.load.map((n) => n.toFixed(2)).join(" ") : "-",
    inert(r.tmux ?? "-"),
    inert(r.git ?? "-"),
    r.reachable ? "now" : r.lastSeen ? `${shortAge(new Date(r.lastSeen), now)} ago` : "never",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => textWidth(c[i]!))) + 1);
  const line = (c: string[]) => c.map((x, i) => (i === c.length - 1 ? x : pad(x, widths[i]!))).join(" ").trimEnd();
  let out = `${style.bold(line(head))}\n`;
  rows.forEach((r, i) => {
    const text = line(cells[i]!);
    out += `${r.reachable ? text : style.red(text)}\n`;
    const lacks = r.reachable ? missing(r) : null;
    if (lacks) out += `  ${style.dim(`${lacks} on ${r.ssh ? "the PATH its ssh commands get" : "this PATH"}: install ${lacks === "no tmux" ? "tmux 3.2 or newer" : "git"}, or add its folder to PATH`)}\n`;
    if (!r.reachable) {
      const since = r.unreachableSince ? ` since ${r.unreachableSince.slice(11, 16)}` : "";
      out += `  ${style.dim(`unreachable${since}: ${inert(r.error ?? "no answer")}`)}\n`;
    }
  });
  return out;
}
