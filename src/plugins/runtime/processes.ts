import { setTimeout as sleep } from "node:timers/promises";
import { pidAlive, run } from "../../exec.js";

/** `root` and every process below it, deepest first. One `ps` call. */
export async function processTree(root: number): Promise<number[]> {
  const r = await run("ps", ["-A", "-o", "pid=,ppid="]);
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

/** SIGTERM, a grace period, then SIGKILL for whatever is still there. */
export async function killTree(pids: number[], graceMs = 3000): Promise<void> {
  for (const pid of pids) signal(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (pids.some(pidAlive) && Date.now() < deadline) await sleep(50);
  for (const pid of pids.filter(pidAlive)) signal(pid, "SIGKILL");
}

/**
 * Processes whose working folder is `dir` or inside it (Linux /proc; elsewhere none can be
 * seen and the list is empty). An agent restarted by hand, or one whose tmux server can no
 * longer be reached, still shows here.
 */
export async function processesIn(dir: string): Promise<Array<{ pid: number; command: string }>> {
  const { readdir, readlink, readFile, realpath } = await import("node:fs/promises");
  let root: string;
  try {
    root = await realpath(dir);
  } catch {
    return [];
  }
  let pids: string[];
  try {
    pids = (await readdir("/proc")).filter((n) => /^\d+$/.test(n));
  } catch {
    return [];
  }
  const out: Array<{ pid: number; command: string }> = [];
  await Promise.all(
    pids.map(async (p) => {
      try {
        // A deleted folder reads back as "<path> (deleted)": it was still in the worktree.
        const cwd = (await readlink(`/proc/${p}/cwd`)).replace(/ \(deleted\)$/, "");
        if (cwd !== root && !cwd.startsWith(`${root}/`)) return;
        const cmd = (await readFile(`/proc/${p}/cmdline`, "utf8").catch(() => "")).split("\0").filter(Boolean).join(" ");
        out.push({ pid: Number(p), command: cmd });
      } catch {
        /* gone, or not ours to read */
      }
    }),
  );
  return out.filter((x) => x.pid !== process.pid).sort((a, b) => a.pid - b.pid);
}
