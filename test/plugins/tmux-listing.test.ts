import { afterAll, describe, expect, it } from "vitest";
import { TmuxRuntime } from "../../src/plugins/runtime/tmux.js";
import { privateTmux } from "../helpers/tmux.js";

const tm = privateTmux();
afterAll(() => tm.kill());

describe("TmuxRuntime's listing", () => {
  it("is parsed once per change: the same text gives the same frozen panes, listed or looked", async () => {
    expect(tm.tmux("new-session", "-d", "-s", "ao-l-fe-1", "sleep 600").code).toBe(0);
    const rt = new TmuxRuntime(tm.socket, () => "ao-look-listing");
    const heard: unknown[] = [];
    rt.onPanes((p) => heard.push(p));
    const a = await rt.listPanes();
    const b = await rt.listPanes();
    expect(a.map((p) => p.name)).toEqual(["ao-l-fe-1"]);
    // Nothing moved: the listeners (the dashboard's pane watcher) can tell it by identity.
    expect(b).toBe(a);
    expect(Object.isFrozen(a) && Object.isFrozen(a[0])).toBe(true);
    // A look with nothing to read lists the same panes: the same array again.
    expect((await rt.look([{ name: "ao-l-fe-1", stillBefore: 0 }])).panes).toBe(a);
    expect(heard).toEqual([a, a, a]);

    expect(tm.tmux("new-session", "-d", "-s", "ao-l-fe-2", "sleep 600").code).toBe(0);
    const c = await rt.listPanes();
    expect(c).not.toBe(a);
    expect(c.map((p) => p.name).sort()).toEqual(["ao-l-fe-1", "ao-l-fe-2"]);
  });
});
