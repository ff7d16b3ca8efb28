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
  const listeners = new Set<(p: PaneFacts[]) => void>();
  let lists = 0;
  let panes = [pane({})];
  const runtime = {
    listPanes: async () => {
      lists++;
      for (const l of listeners) l(panes);
      return panes;
    },
    onPanes(l: (p: PaneFacts[]) => void) {
      listeners.add(l);
      return () => void listeners.delete(l);
    },
  };
  return {
    runtime,
    lists: () => lists,
    feed(next: PaneFacts[]) {
      panes = next;
      for (const l of listeners) l(panes);
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
    // New output: a look now (the screen moves), and one once it reads as still.
    rt.feed([pane({ activityAt: 2 })]);
    expect(woke).toEqual(["screen"]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(woke).toEqual(["screen", "screen"]);
    a.close();
  });

  it("hears the panes of TmuxRuntime's looks and listings, on a real tmux", async () => {
    const tm = privateTmux();
    try {
      expect(tm.tmux("new-session", "-d", "-s", "ao-feed-1", "-x", "80", "-y", "10", "sh").code).toBe(0);
      const runtime = new TmuxRuntime(tm.socket);
      const heard: string[][] = [];
      const stop = runtime.onPanes((p) => heard.push(p.map((x) => x.name)));
      const look = await runtime.look([{ name: "ao-feed-1", stillBefore: 9_999_999_999 }]);
      expect(look.screens.has("ao-feed-1")).toBe(true);
      expect(heard).toEqual([["ao-feed-1"]]);
      await runtime.listPanes();
      expect(heard).toHaveLength(2);
      stop();
      await runtime.listPanes();
      expect(heard).toHaveLength(2);
    } finally {
      tm.kill();
    }
  });
});
