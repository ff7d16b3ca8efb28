import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stillCutoffSec } from "../../src/core/activity.js";
import type { RunResult } from "../../src/exec.js";
import type { PaneLook, ScreenWant } from "../../src/plugins/types.js";
import { TmuxRuntime } from "../../src/plugins/runtime/tmux.js";
import { privateTmux, waitFor } from "../helpers/tmux.js";

// Sixty sessions: enough that a line of script per session would show in the script's size.
const tm = privateTmux();
const N = 60;
const NAMES = Array.from({ length: N }, (_, i) => `ao-loop-fe-${i + 1}`);
const HOSTILE = "ao-loop-fe-x' ; kill-server ; '";

/** The real runtime, keeping every tmux invocation's arguments and script. */
class RecordingTmux extends TmuxRuntime {
  calls: Array<{ args: string[]; input: string | undefined }> = [];
  override tmux(args: string[], input?: string): Promise<RunResult> {
    this.calls.push({ args, input });
    return super.tmux(args, input);
  }
}

/** ao's record of what it read, as RuntimeFacts keeps it: the output time of each screen read. */
class Reader {
  readonly known = new Map<string, number>();
  readonly rt = new RecordingTmux(tm.socket);
  async look(names = NAMES): Promise<PaneLook> {
    const cutoff = stillCutoffSec(Date.now());
    const wants: ScreenWant[] = names.map((name) => ({ name, stillBefore: cutoff, ...(this.known.has(name) ? { knownActivityAt: this.known.get(name)! } : {}) }));
    const look = await this.rt.look(wants);
    for (const [name, s] of look.screens) this.known.set(name, s.activityAt);
    return look;
  }
}

beforeAll(() => {
  // One tmux process for all sixty (source-file starts no server: the first new-session does).
  const script = NAMES.map((n) => `new-session -d -s ${n} -x 80 -y 6 "printf 'screen of ${n}\\\\n'; exec sleep 600"`).join("\n");
  execFileSync("tmux", ["-L", tm.socket, "new-session", "-d", "-s", "keep", "sleep", "600", ";", "source-file", "-"], { input: `${script}\n` });
  expect(tm.tmux("new-session", "-d", "-s", HOSTILE, "sh", "-c", "printf 'hostile\\n'; exec sleep 600").code).toBe(0);
});
afterAll(() => tm.kill());

describe("the look's loop over sessions (real tmux)", () => {
  it("once every screen is read, a look is one tmux process with a script that does not grow per session, and reads only what changed", async () => {
    const reader = new Reader();
    await waitFor("every screen read", async () => (await reader.look(), reader.known.size === N));
    const before = reader.rt.calls.length;
    const quiet = await reader.look();
    expect(reader.rt.calls.length - before).toBe(1);
    expect(quiet.screens.size).toBe(0);
    expect(quiet.panes).toHaveLength(N + 2);
    const script = reader.rt.calls.at(-1)!.input ?? "";
    expect(script).not.toContain("=ao-loop-fe-");
    expect(script.length).toBeLessThan(1500);

    tm.tmux("respawn-pane", "-k", "-t", "=ao-loop-fe-7:", "sh", "-c", "printf 'Continue? (y/n) '; exec sleep 600");
    const changed = await waitFor("fe-7 read again once still", async () => {
      const from = reader.rt.calls.length;
      const l = await reader.look();
      expect(reader.rt.calls.length - from).toBe(1);
      return l.screens.size ? l : null;
    });
    expect([...changed.screens.keys()]).toEqual(["ao-loop-fe-7"]);
    expect(changed.screens.get("ao-loop-fe-7")!.text).toContain("Continue? (y/n)");
  });

  it("a screen another ao process read first is read here too, by name in a second process", async () => {
    const ui = new Reader();
    const status = new Reader();
    await waitFor("both have read every screen", async () => (await ui.look(), await status.look(), ui.known.size === N && status.known.size === N));
    tm.tmux("respawn-pane", "-k", "-t", "=ao-loop-fe-3:", "sh", "-c", "printf 'Proceed? [y/N] '; exec sleep 600");
    // `ao status` reads the new screen and marks it read in tmux.
    await waitFor("status reads fe-3", async () => (await status.look()).screens.has("ao-loop-fe-3"));
    const from = ui.rt.calls.length;
    const look = await ui.look();
    expect(look.screens.get("ao-loop-fe-3")?.text).toContain("Proceed? [y/N]");
    expect(ui.rt.calls.slice(from).map((c) => c.args[0])).toEqual(["source-file", "source-file"]);
    expect(ui.rt.calls.at(-1)!.input).toContain("=ao-loop-fe-3:");
  });

  it("a session named to break out of the script is neither run nor read, and the look stays in step", async () => {
    const reader = new Reader();
    await waitFor("every screen read", async () => (await reader.look(), reader.known.size === N));
    const from = reader.rt.calls.length;
    const look = await reader.look();
    expect(reader.rt.calls.length - from).toBe(1);
    expect(look.screens.has(HOSTILE)).toBe(false);
    expect(look.panes.some((p) => p.name === HOSTILE)).toBe(true);
    expect(tm.tmux("has-session", "-t", "=keep").code).toBe(0);
  });
});
