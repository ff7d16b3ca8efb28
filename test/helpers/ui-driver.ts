import { expect } from "vitest";
import { AO_BIN } from "./ao.js";
import { privateTmux, waitFor } from "./tmux.js";

/**
 * The real `ao ui` in a window of its own private tmux server, driven with send-keys and read
 * with capture-pane. Every step waits on what the screen shows, never on a fixed sleep.
 */
export function uiDriver(size: { columns: number; rows: number }) {
  const server = privateTmux();
  const T = "=dash:";
  const screen = (joined = false) => server.tmux("capture-pane", "-p", ...(joined ? ["-J"] : []), "-t", T).stdout;
  const keys = (...k: string[]) => expect(server.tmux("send-keys", "-t", T, ...k).code).toBe(0);
  const typed = (text: string) => expect(server.tmux("send-keys", "-t", T, "-l", text).code).toBe(0);
  const see = (what: string, check: (s: string) => boolean, ms = 20_000) =>
    waitFor(
      what,
      () => {
        const s = screen();
        if (check(s)) return s;
        throw new Error(`the screen was:\n${s}`);
      },
      ms,
    );
  /**
   * Press a key until the screen shows its effect. A key can land between a frame being drawn
   * and Ink binding that frame's input handler, and be dropped; so a key whose repeat is
   * harmless is pressed again, no more than every 1.5 s, and only while `again` holds.
   */
  const press = (key: string | (() => void), what: string, check: (s: string) => boolean, again: (s: string) => boolean = () => true, ms = 30_000) => {
    let last = 0;
    return waitFor(
      what,
      () => {
        const s = screen();
        if (check(s)) return s;
        if (Date.now() - last > 1500 && again(s)) {
          if (typeof key === "string") keys(key);
          else key();
          last = Date.now();
        }
        throw new Error(`the screen was:\n${s}`);
      },
      ms,
    );
  };
  return {
    server,
    screen,
    keys,
    typed,
    see,
    press,
    start(env: NodeJS.ProcessEnv, args: string[] = []) {
      const pass = Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
      const argv = [process.execPath, AO_BIN, "ui", "--interval", "1", ...args];
      const r = server.tmux("new-session", "-d", "-s", "dash", "-x", String(size.columns), "-y", String(size.rows), ...pass, "--", ...argv);
      expect(r.code).toBe(0);
    },
    /**
     * The same, kept once it ends (remain-on-exit), with "[ao ui exited N]" printed after it, so
     * a test sees what the dashboard left behind. `via` goes before node (`env PATH=…`: tmux puts
     * its own PATH over one given with -e).
     */
    startKept(env: NodeJS.ProcessEnv, via: string[] = []) {
      const pass = Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
      const argv = [...via, process.execPath, AO_BIN, "ui", "--interval", "1"];
      const r = server.tmux("new-session", "-d", "-s", "dash", "-x", String(size.columns), "-y", String(size.rows), ...pass, "--", "sh", "-c", '"$@"; echo "[ao ui exited $?]"', "sh", ...argv,
        ";", "set-option", "-w", "-t", T, "remain-on-exit", "on");
      expect(r.code).toBe(0);
    },
    kill: () => server.kill(),
  };
}

/** The table line of a session: `▸ fe-1 …` (the cursor's), `▸●fe-1` or ` ●fe-1` (marked), `  fe-1 …`. */
export const rowOf = (s: string, id: string) => s.split("\n").find((l) => new RegExp(`^[▸ ][ ●]${id} `).test(l));
/** The summary line under a session's row. */
export const summaryOf = (s: string, id: string) => {
  const lines = s.split("\n");
  const i = lines.findIndex((l) => new RegExp(`^[▸ ][ ●]${id} `).test(l));
  return i >= 0 ? (lines[i + 1] ?? "") : "";
};
export { waitFor };
