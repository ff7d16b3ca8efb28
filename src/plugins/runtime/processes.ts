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
 * Processes whose working folder is one of `dirs` or inside it, per folder (Linux /proc;
 * elsewhere none can be seen and the lists are empty). An agent restarted by hand, or one whose
 * tmux server can no longer be reached, still shows here. One pass over /proc for all folders.
 */
export async function processesInEach(dirs: string[]): Promise<Map<string, Array<{ pid: number; command: string }>>> {
  const { readdir, readlink, readFile, realpath } = await import("node:fs/promises");
  const out = new Map<string, Array<{ pid: number; command: string }>>(dirs.map((d) => [d, []]));
  const roots = (await Promise.all(dirs.map(async (d) => [d, await realpath(d).catch(() => null)] as const))).filter((r): r is readonly [string, string] => r[1] !== null);
  if (roots.length === 0) return out;
  let pids: string[];
  try {
    pids = (await readdir("/proc")).filter((n) => /^\d+$/.test(n) && Number(n) !== process.pid);
  } catch {
    return out;
  }
  await Promise.all(
    pids.map(async (p) => {
      try {
        // A deleted folder reads back as "<path> (deleted)": it was still in the worktree.
        const cwd = (await readlink(`/proc/${p}/cwd`)).replace(/ \(deleted\)$/, "");
        const hits = roots.filter(([, root]) => cwd === root || cwd.startsWith(`${root}/`));
        if (hits.length === 0) return;
        const command = (await readFile(`/proc/${p}/cmdline`, "utf8").catch(() => "")).split("\0").filter(Boolean).join(" ");
        for (const [dir] of hits) out.get(dir)!.push({ pid: Number(p), command });
      } catch {
        /* gone, or not ours to read */
      }
    }),
  );
  for (const list of out.values()) list.sort((a, b) => a.pid - b.pid);
  return out;
}

export async function processesIn(dir: string): Promise<Array<{ pid: number; command: string }>> {
  return (await processesInEach([dir])).get(dir) ?? [];
}

/** End every process working inside `dir` (see processesIn): SIGTERM, a grace, SIGKILL. */
export async function endProcessesIn(dir: string, graceMs = 3000): Promise<number[]> {
  const pids = (await processesIn(dir)).map((p) => p.pid);
  if (pids.length) await killTree(pids, graceMs);
  return pids;
}
