import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AppContext } from "../../src/app.js";
import { TmuxRuntime } from "../../src/plugins/runtime/tmux.js";
import type { PaneFacts } from "../../src/plugins/types.js";
import { watchAttention } from "../../src/services/attention.js";
import { privateTmux } from "../helpers/tmux.js";

const pane = (over: Partial<PaneFacts>): PaneFacts => ({ name: "ao-w-1", panePid: 1, dead: false, deadStatus: null, activityAt: 1, ...over });
let root = "";
afterEach(async () => {
  vi.useRealTimers();
  await rm(root, { recursive: true, force: true });
});

/** A runtime that tells its listings, as TmuxRuntime does; `feed` stands for another caller's look. */
function feedingRuntime() {
  const listeners = new Set<(p: PaneFacts[], fromLook: boolean) => void>();
  let lists = 0;
  let panes = [pane({})];
  const runtime = {
    listPanes: async () => {
      lists++;
      for (const l of listeners) l(panes, false);
      return panes;
    },
    onPanes(l: (p: PaneFacts[], fromLook: boolean) => void) {
      listeners.add(l);
      return () => void listeners.delete(l);
    },
  };
  return {
    runtime,
    lists: () => lists,
    /** A listing someone else made: a look's, unless said otherwise. */
    feed(next: PaneFacts[], fromLook = true) {
      panes = next;
      for (const l of listeners) l(panes, fromLook);
    },
  };
}

/** The attention watch over a fed runtime, on fake timers, checking the panes every `paneCheckMs`. */
async function watching(paneCheckMs: number) {
  root = await mkdtemp(path.join(tmpdir(), "ao-attn-feed-"));
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] });
  const rt = feedingRuntime();
  const woke: string[] = [];
  const ctx = { config: { hosts: [] }, store: { root, followChanges() {}, changed() {} }, runtime: rt.runtime } as unknown as AppContext;
  const a = await watchAttention(ctx, (why) => woke.push(why), { paneCheckMs });
  return { rt, woke, a };
}

describe("the pane watcher and the looks beside it", () => {
  it("lists the panes itself only when no listing was made for a check's interval", async () => {
    const { rt, woke, a } = await watching(1000);
    expect(rt.lists()).toBe(1);

    // The dashboard's looks every 900 ms: the watcher never forks a listing of its own...
    for (let i = 0; i < 5; i++) {
      await vi.advanceTimersByTimeAsync(900);
      rt.feed([pane({})]);
    }
    expect(rt.lists()).toBe(1);
    // ...and what a look saw wakes it as its own check would: a pane gone dead.
    rt.feed([pane({ dead: true })]);
    expect(woke).toContain("screen");

    // No look for a whole interval: it lists them itself, once per interval.
    await vi.advanceTimersByTimeAsync(1000);
    expect(rt.lists()).toBe(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(rt.lists()).toBe(3);
    a.close();
    await vi.advanceTimersByTimeAsync(5000);
    expect(rt.lists()).toBe(3);
  });

  it("wakes for a pane whose output time moved, not for a listing that says what the last one did", async () => {
    const { rt, woke, a } = await watching(60_000);
    const same = [pane({ activityAt: 1 })];
    rt.feed(same);
    rt.feed(same);
    rt.feed([pane({ activityAt: 1 })]);
    expect(woke).toEqual([]);
    // New output in a listing of the watcher's kind: a look now (the screen moves), and one
    // once it reads as still.
    rt.feed([pane({ activityAt: 2 })], false);
    expect(woke).toEqual(["screen"]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(woke).toEqual(["screen", "screen"]);
    // New output a look saw: that look reads it; a look once it reads as still, as before.
    rt.feed([pane({ activityAt: 3 })]);
    expect(woke).toEqual(["screen", "screen"]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(woke).toEqual(["screen", "screen", "screen"]);
    a.close();
  });

  it("with many panes at work, wakes a look a second for them all, and none for a stillness a pane lost by moving again", async () => {
    const { rt, woke, a } = await watching(60_000);
    const t0 = Math.floor(Date.now() / 1000);
    const panes = (k: number) => Array.from({ length: 50 }, (_, i) => pane({ name: `ao-m-${i}`, activityAt: t0 + k }));
    rt.feed(panes(0));
    // Every pane's output moves every second, as 50 working agents' spinners do: one look a
    // second between them (each look's own listing comes here too), not one per pane.
    for (let k = 1; k <= 10; k++) {
      await vi.advanceTimersByTimeAsync(1000);
      rt.feed(panes(k), false);
    }
    expect(woke).toHaveLength(10);
    // A move within the second of the last wake: one look when that second is over.
    await vi.advanceTimersByTimeAsync(300);
    rt.feed(panes(11), false);
    rt.feed(panes(12), false);
    expect(woke).toHaveLength(10);
    await vi.advanceTimersByTimeAsync(700);
    expect(woke).toHaveLength(11);
    // Still at last: each pane is looked at once it can read as still.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(woke).toHaveLength(11 + 50);
    a.close();
  });

  it("hears the panes of TmuxRuntime's looks and listings, on a real tmux", async () => {
    const tm = privateTmux();
    try {
      expect(tm.tmux("new-session", "-d", "-s", "ao-feed-1", "-x", "80", "-y", "10", "sh").code).toBe(0);
      const runtime = new TmuxRuntime(tm.socket);
      const heard: string[][] = [];
      const looks: boolean[] = [];
      const stop = runtime.onPanes((p, fromLook) => {
        heard.push(p.map((x) => x.name));
        looks.push(fromLook);
      });
      const look = await runtime.look([{ name: "ao-feed-1", stillBefore: 9_999_999_999 }]);
      expect(look.screens.has("ao-feed-1")).toBe(true);
      expect(heard).toEqual([["ao-feed-1"]]);
      await runtime.listPanes();
      expect(heard).toHaveLength(2);
      expect(looks).toEqual([true, false]);
      stop();
      await runtime.listPanes();
      expect(heard).toHaveLength(2);
    } finally {
      tm.kill();
    }
  });
});
