import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { READ_MARK, wantsNotAsked } from "../../src/plugins/runtime/tmux-look.js";
import type { ScreenWant } from "../../src/plugins/types.js";
import { aheadAnswered, CountingTmux } from "../helpers/counting-tmux.js";
import { privateTmux } from "../helpers/tmux.js";

const tm = privateTmux();


const NAMES = ["ao-a-fe-1", "ao-a-fe-2"];
/** Read whether or not the screen moves: these tests are about who reads, not when. */
const ANY = 9_999_999_999;
const want = (name: string, stillBefore = ANY, knownActivityAt?: number): ScreenWant => ({ name, stillBefore, ...(knownActivityAt !== undefined ? { knownActivityAt } : {}) });


beforeAll(() => {
  for (const name of NAMES) expect(tm.tmux("new-session", "-d", "-s", name, "-x", "40", "-y", "4", "sh", "-c", `printf '${name} here\\n'; exec sleep 600`).code).toBe(0);
});
afterAll(() => tm.kill());

describe("a look started ahead, before the caller knows its wants", () => {
  it("answers a look asking what it asked, in its own process and no other", async () => {
    const rt = new CountingTmux(tm.socket);
    await rt.prepareLook(NAMES.map((n) => want(n)));
    const look = await rt.look(NAMES.map((n) => want(n)));
    expect(rt.invocations).toBe(0);
    expect(look.panes.map((p) => p.name).sort()).toEqual(NAMES);
    expect(look.screens.get("ao-a-fe-2")!.text).toContain("ao-a-fe-2 here");
  });

  it("is under way once prepared: tmux runs it while the caller works synchronously", async () => {
    const name = "ao-a-sync";
    expect(tm.tmux("new-session", "-d", "-s", name, "-x", "40", "-y", "4", "sh", "-c", "printf 'sync\\n'; exec sleep 600").code).toBe(0);
    try {
      const rt = new CountingTmux(tm.socket);
      await rt.prepareLook([want(name)]);
      // No turn of the event loop from here: the look must already have all of its script.
      const marked = () => tm.tmux("show-environment", "-h", "-t", name, READ_MARK).stdout.startsWith(`${READ_MARK}=`);
      const deadline = Date.now() + 10_000;
      while (!marked() && Date.now() < deadline);
      expect(marked()).toBe(true);
      await rt.look([want(name)]);
    } finally {
      tm.tmux("kill-session", "-t", `=${name}`);
    }
  });

  it("has a want it did not ask (a session new since) read by name, in one more process", async () => {
    const rt = new CountingTmux(tm.socket);
    await rt.prepareLook([want("ao-a-fe-1")]);
    const look = await rt.look(NAMES.map((n) => want(n)));
    expect(rt.invocations).toBe(1);
    expect([...look.screens.keys()].sort()).toEqual(NAMES);
    expect(look.screens.get("ao-a-fe-2")!.text).toContain("ao-a-fe-2 here");
  });

  it("reads by name a want it asked otherwise: its answer for another cutoff is not this one's", async () => {
    const rt = new CountingTmux(tm.socket);
    // Asked ahead to read only screens still since 1970: it reads none.
    await rt.prepareLook(NAMES.map((n) => want(n, 0)));
    const look = await rt.look(NAMES.map((n) => want(n)));
    expect(rt.invocations).toBe(1);
    expect([...look.screens.keys()].sort()).toEqual(NAMES);
  });

  it("starts no more process for a want whose session tmux does not have", async () => {
    const rt = new CountingTmux(tm.socket);
    await rt.prepareLook(NAMES.map((n) => want(n)));
    const look = await rt.look([...NAMES, "ao-a-gone"].map((n) => want(n)));
    expect(rt.invocations).toBe(0);
    expect(look.panes.map((p) => p.name)).not.toContain("ao-a-gone");
  });

  it("takes no answer of 'no server' from before the caller's reading: a server started since is seen", async () => {
    const late = privateTmux();
    try {
      const rt = new CountingTmux(late.socket);
      await rt.prepareLook([want("ao-a-late")]);
      await aheadAnswered(rt);
      // The look ahead found no server; a spawn starts one before the look is asked for.
      expect(late.tmux("new-session", "-d", "-s", "ao-a-late", "-x", "40", "-y", "4", "sh", "-c", "printf 'late\\n'; exec sleep 600").code).toBe(0);
      const look = await rt.look([want("ao-a-late")]);
      expect(look.panes.map((p) => p.name)).toEqual(["ao-a-late"]);
    } finally {
      late.kill();
    }
  });

  it("answers for no later look once dropped: that look sees what came since", async () => {
    const rt = new CountingTmux(tm.socket);
    await rt.prepareLook([want("ao-a-fe-1")]);
    await aheadAnswered(rt);
    rt.dropPreparedLook();
    expect(tm.tmux("new-session", "-d", "-s", "ao-a-new", "-x", "40", "-y", "4", "sleep", "600").code).toBe(0);
    try {
      const look = await rt.look([want("ao-a-fe-1")]);
      expect(look.panes.map((p) => p.name)).toContain("ao-a-new");
      expect(rt.invocations).toBe(1);
    } finally {
      tm.tmux("kill-session", "-t", "=ao-a-new");
    }
  });
});

describe("wantsNotAsked", () => {
  const panes = ["a", "b", "c"].map((name) => ({ name, panePid: 1, dead: false, deadStatus: null, activityAt: 5 }));
  it("names the listed panes' wants asked otherwise or not at all, and no want of a pane not listed", () => {
    const asked = [want("a", 10, 4), want("b", 10)];
    const wants = [want("a", 10, 4), want("b", 10, 3), want("c", 10), want("gone", 10)];
    expect(wantsNotAsked(wants, asked, panes).map((w) => w.name)).toEqual(["b", "c"]);
    expect(wantsNotAsked([want("a", 11, 4)], asked, panes).map((w) => w.name)).toEqual(["a"]);
    expect(wantsNotAsked([want("a", 10, 4)], asked, panes)).toEqual([]);
  });
});
