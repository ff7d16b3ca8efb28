import { setTimeout as sleep } from "node:timers/promises";
import { sessionMarkKey } from "../../core/ids.js";
import { pidAlive } from "../../exec.js";
import { localHost } from "../host/local.js";
import type { Host } from "../host/types.js";

/** `root` and every process below it, deepest first. One `ps` call, on the host the tree runs on. */
export async function processTree(root: number, host: Host = localHost): Promise<number[]> {
  const r = await host.run("ps", ["-A", "-o", "pid=,ppid="]);
  const children = new Map<number, number[]>();
  for (const line of r.stdout.split("\n")) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    if (!pid || ppid === undefined) continue;
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    for (const c of children.get(pid) ?? []) walk(c);
    out.push(pid);
  };
  walk(root);
  return out;
}


function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

/**
 * The same on another host, in one script: SIGTERM, up to `graceMs` for them to go, then SIGKILL.
 * The pids are numbers ao parsed, passed as arguments.
 */
const REMOTE_KILL =
  'n=$1; shift; kill -TERM "$@" 2>/dev/null; while [ "$n" -gt 0 ]; do a=; for p; do kill -0 "$p" 2>/dev/null && a=1; done; ' +
  '[ -z "$a" ] && exit 0; sleep 0.1; n=$((n-1)); done; kill -KILL "$@" 2>/dev/null; exit 0';

/** SIGTERM, a grace period, then SIGKILL for whatever is still there. */
export async function killTree(pids: number[], graceMs = 3000, host: Host = localHost): Promise<void> {
  if (host.remote) {
    if (pids.length) await host.run("/bin/sh", ["-c", REMOTE_KILL, "sh", String(Math.ceil(graceMs / 100)), ...pids.map(String)], { timeoutMs: graceMs + 15_000 });
    return;
  }
  for (const pid of pids) signal(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (pids.some(pidAlive) && Date.now() < deadline) await sleep(50);
  for (const pid of pids.filter(pidAlive)) signal(pid, "SIGKILL");
}

/** A process working in a folder, and the session ao started it for, if it carries a mark. */
export interface WorktreeProcess {
  pid: number;
  command: string;
  /** `<workspace>/<id>` of the session whose mark (sessionMark) it carries, if any. */
  session?: string;
}

/** `<workspace>/<id>` (sessionMarkKey) from a process's environment entries, when it carries a session's mark. */
function markOf(entries: readonly string[]): string | undefined {
  const value = (key: string) => entries.find((e) => e.startsWith(`${key}=`))?.slice(key.length + 1);
  const id = value("AO_SESSION");
  const ws = value("AO_WORKSPACE");
  return id && ws ? sessionMarkKey(ws, id) : undefined;
}

/** A process's command line, its arguments joined by spaces ("" once it is gone). */
async function commandOf(pid: string): Promise<string> {
  const { readFile } = await import("node:fs/promises");
  return (await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "")).split("\0").filter(Boolean).join(" ");
}

/** The pids /proc lists, ao's own left out; none where there is no /proc. */
async function procPids(): Promise<string[]> {
  const { readdir } = await import("node:fs/promises");
  try {
    return (await readdir("/proc")).filter((n) => /^\d+$/.test(n) && Number(n) !== process.pid);
  } catch {
    return [];
  }
}

/**
 * Processes whose working folder is one of `dirs` or inside it, per folder (Linux /proc;
 * elsewhere none can be seen and the lists are empty). An agent restarted by hand, or one whose
 * tmux server can no longer be reached, still shows here. One pass over /proc for all folders.
 */
export async function processesInEach(dirs: string[], host: Host = localHost): Promise<Map<string, WorktreeProcess[]>> {
  if (host.remote) return remoteProcessesInEach(dirs, host);
  const { readlink, readFile, realpath } = await import("node:fs/promises");
  const out = new Map<string, WorktreeProcess[]>(dirs.map((d) => [d, []]));
  const roots = (await Promise.all(dirs.map(async (d) => [d, await realpath(d).catch(() => null)] as const))).filter((r): r is readonly [string, string] => r[1] !== null);
  if (roots.length === 0) return out;
  await Promise.all(
    (await procPids()).map(async (p) => {
      try {
        // A deleted folder reads back as "<path> (deleted)": it was still in the worktree.
        const cwd = (await readlink(`/proc/${p}/cwd`)).replace(/ \(deleted\)$/, "");
        const hits = roots.filter(([, root]) => cwd === root || cwd.startsWith(`${root}/`));
        if (hits.length === 0) return;
        const command = await commandOf(p);
        const session = markOf((await readFile(`/proc/${p}/environ`, "utf8").catch(() => "")).split("\0"));
        for (const [dir] of hits) out.get(dir)!.push({ pid: Number(p), command, ...(session ? { session } : {}) });
      } catch {
        /* gone, or not ours to read */
      }
    }),
  );
  for (const list of out.values()) list.sort((a, b) => a.pid - b.pid);
  return out;
}

/**
 * Processes that started with every `KEY=value` of `mark` in their environment: what ao started
 * for one session (its launcher and agent, and whatever they started), wherever they work now and
 * whether or not tmux still reaches them. A person's own shell, editor or dev server carries no
 * such mark. Linux /proc only, as processesIn; a process of another user cannot be read, and is
 * not ao's to end anyway. /proc/<pid>/environ is the environment a process was started with.
 */
export async function markedProcesses(mark: Record<string, string>, host: Host = localHost): Promise<Array<{ pid: number; command: string }>> {
  const wanted = Object.entries(mark).map(([k, v]) => `${k}=${v}`);
  if (wanted.length === 0) return [];
  if (host.remote) return remoteMarkedProcesses(wanted, host);
  const { readFile } = await import("node:fs/promises");
  const out: Array<{ pid: number; command: string }> = [];
  await Promise.all(
    (await procPids()).map(async (p) => {
      try {
        const env = new Set((await readFile(`/proc/${p}/environ`, "utf8")).split("\0"));
        if (!wanted.every((w) => env.has(w))) return;
        const command = await commandOf(p);
        out.push({ pid: Number(p), command });
      } catch {
        /* gone, or not ours to read */
      }
    }),
  );
  return out.sort((a, b) => a.pid - b.pid);
}

/**
 * The same on another host, as one script: `pid TAB command` for each process whose environment
 * holds every argument as a whole entry. One `grep -z` per entry over every process's
 * environment, not a pipeline per process: a loaded host forks slowly (a loop of `tr | awk` over
 * 130 processes took 7 s, past a host's deadline). A grep without -z (busybox) takes the slow
 * loop; awk takes the entries from ARGV (never as `-v`, which would read backslashes as escapes).
 */
const REMOTE_MARKED = [
  "if printf 'a\\000' | grep -qzxF a 2>/dev/null; then",
  '  f=$(grep -lzxF -e "$1" /proc/[0-9]*/environ 2>/dev/null); shift',
  '  for w; do [ -n "$f" ] || break; f=$(grep -lzxF -e "$w" $f 2>/dev/null); done',
  "  for e in $f; do p=${e#/proc/}; p=${p%/environ}",
  '    printf "%s\\t%s\\n" "$p" "$(tr "\\000" " " < "/proc/$p/cmdline" 2>/dev/null)"',
  "  done; exit 0",
  "fi",
  "for p in /proc/[0-9]*; do",
  '  [ "${p#/proc/}" = "$$" ] && continue; [ -r "$p/environ" ] || continue',
  "  tr '\\000' '\\n' < \"$p/environ\" 2>/dev/null | awk 'BEGIN { for (i = 1; i < ARGC; i++) if (!(ARGV[i] in w)) { w[ARGV[i]] = 1; n++ }; ARGC = 1 } ($0 in w) && !s[$0]++ { k++ } END { exit (k != n) }' \"$@\" || continue",
  '  printf "%s\\t%s\\n" "${p#/proc/}" "$(tr "\\000" " " < "$p/cmdline" 2>/dev/null)"',
  "done; exit 0",
].join("\n");

async function remoteMarkedProcesses(wanted: string[], host: Host): Promise<Array<{ pid: number; command: string }>> {
  const r = await host.run("/bin/sh", ["-c", REMOTE_MARKED, "sh", ...wanted]);
  const out: Array<{ pid: number; command: string }> = [];
  for (const line of r.stdout.split("\n")) {
    const [pid, command] = line.split("\t");
    if (pid && /^\d+$/.test(pid)) out.push({ pid: Number(pid), command: (command ?? "").trim() });
  }
  return out.sort((a, b) => a.pid - b.pid);
}

/**
 * The same walk of /proc on another host, as one script: for each folder (an argument) its real
 * path, then each process whose working folder is inside one:
 * `pid TAB folder-index TAB its AO_SESSION= and AO_WORKSPACE= entries TAB command`.
 */
const REMOTE_PROCS = [
  // The folders' real paths replace the arguments, in order ("-" for one that is gone).
  'n=$#; for d; do r=$(cd -- "$d" 2>/dev/null && pwd -P) || r=-; set -- "$@" "$r"; done; shift "$n"',
  // Every process's folder from one `ls -l` of their cwd links ("… /proc/<pid>/cwd -> <folder>"),
  // not a readlink per process: a fork costs tens of ms on a loaded host.
  "ls -l /proc/[0-9]*/cwd 2>/dev/null | while IFS= read -r l; do",
  '  p=${l#* /proc/}; c=${p#*/cwd -> }; p=${p%%/cwd -> *}; c=${c% (deleted)}; k=0',
  // Of its environment, only the session's mark is printed (never a credential it holds).
  '  for r; do case $c in "$r" | "$r"/*) printf "%s\\t%s\\t%s\\t%s\\n" "$p" "$k" "$(tr "\\000" "\\n" < "/proc/$p/environ" 2>/dev/null | grep -E \'^AO_(SESSION|WORKSPACE)=\' | tr "\\n" "\\001")" "$(tr "\\000" " " < "/proc/$p/cmdline" 2>/dev/null)" ;; esac; k=$((k+1)); done',
  "done; exit 0",
].join("\n");

async function remoteProcessesInEach(dirs: string[], host: Host): Promise<Map<string, WorktreeProcess[]>> {
  const out = new Map<string, WorktreeProcess[]>(dirs.map((d) => [d, []]));
  if (dirs.length === 0) return out;
  const r = await host.run("/bin/sh", ["-c", REMOTE_PROCS, "sh", ...dirs]);
  for (const line of r.stdout.split("\n")) {
    const [pid, k, marks, ...command] = line.split("\t");
    const dir = dirs[Number(k)];
    if (!pid || !/^\d+$/.test(pid) || dir === undefined) continue;
    const session = markOf((marks ?? "").split("\x01"));
    out.get(dir)!.push({ pid: Number(pid), command: command.join("\t").trim(), ...(session ? { session } : {}) });
  }
  for (const list of out.values()) list.sort((a, b) => a.pid - b.pid);
  return out;
}

export async function processesIn(dir: string, host: Host = localHost): Promise<WorktreeProcess[]> {
  return (await processesInEach([dir], host)).get(dir) ?? [];
}

/** End every process working inside `dir` (see processesIn): SIGTERM, a grace, SIGKILL. */
export async function endProcessesIn(dir: string, graceMs = 3000, host: Host = localHost): Promise<number[]> {
  const pids = (await processesIn(dir, host)).map((p) => p.pid);
  if (pids.length) await killTree(pids, graceMs, host);
  return pids;
}
