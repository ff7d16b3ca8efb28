// A separate process using the built lock, for the fault suite's races.
import { readFile, writeFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { tryLock, withLock } from "../../dist/src/metadata/lock.js";

const [mode, dir, file, countText] = process.argv.slice(2);

if (mode === "inc") {
  // Read, pause, write: any two holders at once lose an increment.
  for (let i = 0; i < Number(countText); i++) {
    await withLock(dir, async () => {
      const n = Number((await readFile(file, "utf8").catch(() => "0")) || "0");
      await sleep(Math.random() * 3);
      await writeFile(file, String(n + 1));
    }, { timeoutMs: 60_000 });
  }
} else if (mode === "die") {
  // Take the lock and die holding it: its lock is left for others to recover.
  await withLock(dir, async () => {
    await sleep(Math.random() * 5);
    process.kill(process.pid, "SIGKILL");
  }, { timeoutMs: 60_000 });
} else if (mode === "try") {
  let r = await tryLock(dir);
  while (r === "retry") r = await tryLock(dir);
  process.stdout.write(typeof r === "object" ? "took\n" : "busy\n");
  if (typeof r === "object") await r.release();
}
