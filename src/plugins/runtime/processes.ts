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
