import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stillCutoffSec } from "../../src/core/activity.js";
import type { RunResult } from "../../src/exec.js";
import type { PaneLook } from "../../src/plugins/types.js";
import { ControlReader } from "../../src/plugins/runtime/tmux-control.js";
import { TmuxNoAnswer, TmuxRuntime } from "../../src/plugins/runtime/tmux.js";
import { controlClients as clientsOf, privateTmux, waitFor } from "../helpers/tmux.js";

describe("ControlReader", () => {
  const read = (chunks: string[]) => {
    const blocks: Array<{ lines: string[]; error: boolean }> = [];
    let exits = 0;
    const r = new ControlReader(
      (lines, error) => blocks.push({ lines, error }),
      () => exits++,
    );
    for (const c of chunks) r.feed(c);
    return { blocks, exits };
  };

  it("reads blocks between matching guards, whatever the chunks, and skips notifications", () => {
    const text = "%begin 10 1 0\n%end 10 1 0\n%session-changed $0 a\n%begin 11 2 1\none\n\ntwo\n%end 11 2 1\n%sessions-changed\n%begin 11 3 1\ncan't find session\n%error 11 3 1\n%exit\n";
    for (const chunks of [[text], text.split(""), [text.slice(0, 30), text.slice(30)]]) {
      expect(read(chunks)).toEqual({
        blocks: [
          { lines: [], error: false },
          { lines: ["one", "", "two"], error: false },
          { lines: ["can't find session"], error: true },
        ],
        exits: 1,
      });
    }
  });

  it("a line inside a block that only looks like a guard or a notification is the block's text", () => {
    const { blocks, exits } = read(["%begin 11 7 1\n%end 11 6 1\n%end 12 7 1\n%error 11 7 0\n%exit\n%begin 1 2 3\n%end 11 7 1\n"]);
    expect(blocks).toEqual([{ lines: ["%end 11 6 1", "%end 12 7 1", "%error 11 7 0", "%exit", "%begin 1 2 3"], error: false }]);
    expect(exits).toBe(0);
  });
});

const tm = privateTmux();
const DEADLINE_MS = 3000;

/** The real runtime, counting the tmux processes it starts for its commands. */
class CountingTmux extends TmuxRuntime {
  invocations = 0;
  override tmux(args: string[], input?: string, deadlineMs?: number): Promise<RunResult> {
    this.invocations++;
    return super.tmux(args, input, deadlineMs);
  }
}

// fe-2's screen prints what control mode's own lines look like: its guards, the end, an error.
const PANES = [
  { name: "ao-c-fe-1", rows: 5, script: "printf 'one\\n'" },
  { name: "ao-c-fe-2", rows: 8, script: `now=$(date +%s); for n in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do printf '%%end %s %s 1\\n' $now $n; done | tail -n 3; printf '%%exit\\n%%error 1 2 1\\n'` },
  { name: "ao-c-fe-3", rows: 4, script: "printf 'three: \\344\\270\\255\\346\\226\\207\\n'" },
];
const wants = () => PANES.map((p) => ({ name: p.name, stillBefore: stillCutoffSec(Date.now()) }));
const controlClients = () => clientsOf(tm);

beforeAll(() => {
  for (const p of PANES) expect(tm.tmux("new-session", "-d", "-s", p.name, "-x", "60", "-y", String(p.rows), "sh", "-c", `${p.script}; exec sleep 600`).code).toBe(0);
});
afterAll(() => tm.kill());

describe("a dashboard's looks through one tmux control client", () => {
  it("looks and lists with no tmux process after the first, each screen whole, and lets go when told", async () => {
    const rt = new CountingTmux(tm.socket, undefined, undefined, DEADLINE_MS);
    const disconnect = rt.keepConnected();
    try {
      // The first look forks (no session to attach to is known yet) and reads every screen.
      let look: PaneLook = await waitFor("every screen read", async () => {
        const l = await rt.look(wants());
        return l.screens.size === PANES.length ? l : null;
      });
      for (const p of PANES) expect(look.screens.get(p.name)!.text).toBe(tm.tmux("capture-pane", "-p", "-t", `=${p.name}:`).stdout);
      expect(look.screens.get("ao-c-fe-2")!.text).toContain("%exit\n%error 1 2 1");

      const forks = rt.invocations;
      await rt.look(wants());
      expect(controlClients()).toHaveLength(1);
      expect(controlClients()[0]).toMatch(/^ao-c-fe-\d .*ignore-size.*no-output.*read-only/);
      // New output on one screen: read again through the client, and listings too; no process.
      tm.tmux("respawn-pane", "-k", "-t", "=ao-c-fe-3:", "sh", "-c", "printf 'three again\\n'; exec sleep 600");
      look = await waitFor("fe-3 read again", async () => {
        const l = await rt.look(wants());
        return l.screens.get("ao-c-fe-3")?.text.startsWith("three again") ? l : null;
      });
      expect(look.panes.map((p) => p.name).sort()).toEqual(PANES.map((p) => p.name));
      expect((await rt.listPanes()).map((p) => p.name).sort()).toEqual(PANES.map((p) => p.name));
      expect(rt.invocations).toBe(forks);
      // The screen that printed control mode's own lines did not end the client.
      expect(controlClients()).toHaveLength(1);
    } finally {
      disconnect();
    }
    await waitFor("the client gone", () => controlClients().length === 0);
  });

  it("a session ended under the client: the look still answers, and a new client attaches to another", async () => {
    const extra = "ao-c-fe-9";
    expect(tm.tmux("new-session", "-d", "-s", extra, "-x", "60", "-y", "3", "sh", "-c", "printf 'nine\\n'; exec sleep 600").code).toBe(0);
    const rt = new CountingTmux(tm.socket, undefined, undefined, DEADLINE_MS);
    const disconnect = rt.keepConnected();
    const all = () => [{ name: extra, stillBefore: stillCutoffSec(Date.now()) }, ...wants()];
    try {
      await rt.look(all());
      await rt.look(all());
      expect(controlClients()).toEqual([expect.stringMatching(new RegExp(`^${extra} `))]);
      tm.tmux("kill-session", "-t", `=${extra}`);
      const look = await rt.look(all());
      expect(look.panes.map((p) => p.name).sort()).toEqual(PANES.map((p) => p.name));
      await rt.look(all());
      expect(controlClients()).toEqual([expect.stringMatching(/^ao-c-fe-\d /)]);
    } finally {
      disconnect();
    }
  });

  it("a server that stopped answering is an error within the look's deadline, as a forked look's is", async () => {
    const rt = new CountingTmux(tm.socket, undefined, undefined, 1000);
    const disconnect = rt.keepConnected();
    const pid = Number(tm.tmux("display-message", "-p", "#{pid}").stdout.trim());
    try {
      await rt.look(wants());
      await rt.look(wants());
      expect(controlClients()).toHaveLength(1);
      const forks = rt.invocations;
      process.kill(pid, "SIGSTOP");
      try {
        await expect(rt.look(wants())).rejects.toBeInstanceOf(TmuxNoAnswer);
        expect(rt.invocations).toBe(forks);
      } finally {
        process.kill(pid, "SIGCONT");
      }
      // The client it ended is not tried again at once: the next look forks, and answers.
      expect((await rt.look(wants())).panes.length).toBe(PANES.length);
      expect(rt.invocations).toBeGreaterThan(forks);
    } finally {
      disconnect();
    }
    await waitFor("no client left", () => controlClients().length === 0);
  });
});
