import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stillCutoffSec } from "../../src/core/activity.js";
import type { PendingRun } from "../../src/exec.js";
import { CountingTmux } from "../helpers/counting-tmux.js";
import { privateTmux, waitFor } from "../helpers/tmux.js";

const tm = privateTmux();


const NAMES = ["ao-p-fe-1", "ao-p-fe-2"];


beforeAll(() => {
  for (const name of NAMES) expect(tm.tmux("new-session", "-d", "-s", name, "-x", "40", "-y", "4", "sh", "-c", `printf '${name} here\\n'; exec sleep 600`).code).toBe(0);
});
afterAll(() => tm.kill());

describe("a look whose tmux was started ahead", () => {
  it("runs in the process started early, and in no other", async () => {
    const rt = new CountingTmux(tm.socket);
    const wants = () => NAMES.map((name) => ({ name, stillBefore: stillCutoffSec(Date.now()) }));
    const look = await waitFor("both screens still and read", async () => {
      rt.prepareLook();
      const l = await rt.look(wants());
      rt.dropPreparedLook();
      return l.screens.size === NAMES.length ? l : null;
    });
    expect(rt.invocations).toBe(0);
    expect(look.panes.map((p) => p.name).sort()).toEqual(NAMES);
    expect(look.screens.get("ao-p-fe-2")!.text).toContain("ao-p-fe-2 here");
  });

  it("serves a plain listing too, and a look after it starts its own", async () => {
    const rt = new CountingTmux(tm.socket);
    rt.prepareLook();
    const panes = await rt.listPanes();
    expect(panes.map((p) => p.name).sort()).toEqual(NAMES);
    expect(rt.invocations).toBe(0);
    await rt.look([]);
    expect(rt.invocations).toBe(1);
  });

  it("dropped unused, it runs nothing: the next look is a process of its own", async () => {
    const rt = new CountingTmux(tm.socket);
    rt.prepareLook();
    rt.dropPreparedLook();
    const panes = await rt.listPanes();
    expect(panes).toHaveLength(NAMES.length);
    expect(rt.invocations).toBe(1);
  });

  it("started when no server ran, its 'no server' is asked again: a server started since is seen", async () => {
    const late = privateTmux();
    try {
      const rt = new CountingTmux(late.socket);
      // The early process found no server (it connected before the records were read), and a
      // spawn has started one since.
      const early: PendingRun = { finish: async () => ({ exitCode: 1, stdout: "", stderr: `no server running on /tmp/tmux-0/${late.socket}\n` }), inputClosed: async () => {}, abandon: () => {} };
      (rt as unknown as { prepared: Promise<PendingRun> }).prepared = Promise.resolve(early);
      expect(late.tmux("new-session", "-d", "-s", "ao-p-late-1", "-x", "40", "-y", "4", "sh", "-c", "exec sleep 600").code).toBe(0);
      const look = await rt.look([{ name: "ao-p-late-1", stillBefore: stillCutoffSec(Date.now()) }]);
      expect(look.panes.map((p) => p.name)).toEqual(["ao-p-late-1"]);
      expect(rt.invocations).toBe(1);
    } finally {
      late.kill();
    }
  });

  it("with no server at all, it answers as a late one would: no panes", async () => {
    const rt = new CountingTmux(`${tm.socket}-none`);
    rt.prepareLook();
    expect(await rt.look([{ name: "ao-p-fe-1", stillBefore: stillCutoffSec(Date.now()) }])).toEqual({ panes: [], screens: new Map() });
  });
});
