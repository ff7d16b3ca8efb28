import { execFileSync, spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** A private tmux server for one test file: never the user's. */
export function privateTmux(): { socket: string; tmux: (...args: string[]) => { code: number; stdout: string }; kill: () => void } {
  const socket = `ao-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const tmux = (...args: string[]) => {
    const r = spawnSync("tmux", ["-L", socket, ...args], { encoding: "utf8" });
    return { code: r.status ?? 1, stdout: r.stdout ?? "" };
  };
  return {
    socket,
    tmux,
    kill: () => {
      try {
        execFileSync("tmux", ["-L", socket, "kill-server"], { stdio: "ignore" });
      } catch {
        /* no server */
      }
      // kill-server leaves the socket file behind; tests leave nothing.
      const dir = path.join(process.env.TMUX_TMPDIR || "/tmp", `tmux-${process.getuid?.() ?? 0}`);
      rmSync(path.join(dir, socket), { force: true });
    },
  };
}

/** Poll until `check` returns a truthy value, or fail with what it last saw. */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await sleep(100);
  }
}

/** The control-mode clients attached to a private server (as `ao ui` and `ao watch` keep one): their session and flags. */
export function controlClients(tm: ReturnType<typeof privateTmux>): string[] {
  return tm
    .tmux("list-clients", "-F", "#{client_session} #{client_flags}")
    .stdout.split("\n")
    .filter((l) => l.includes("control-mode"));
}
