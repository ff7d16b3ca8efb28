import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { AppContext } from "../../src/app.js";
import { dashboardDeps } from "../../src/commands/ui.js";
import type { PaneFacts } from "../../src/plugins/types.js";
import { sharedAttention } from "../../src/services/attention.js";
import { waitFor } from "../helpers/tmux.js";

const pane = (over: Partial<PaneFacts>): PaneFacts => ({ name: "ao-w-1", panePid: 1, dead: false, deadStatus: null, activityAt: 1, ...over });
let root = "";
afterEach(() => rm(root, { recursive: true, force: true }));

describe("sharedAttention", () => {
  it("one pane watcher wakes the table and the reactions: ao ui does not poll tmux twice", async () => {
    root = await mkdtemp(path.join(tmpdir(), "ao-attn-shared-"));
    let panes = [pane({})];
    let checks = 0;
    const ctx = {
      config: { name: "w", projects: [], hosts: [], github: {}, file: undefined },
      store: { root, followChanges() {}, changed() {} },
      env: {},
      runtime: { listPanes: async () => (checks++, panes) },
    } as unknown as AppContext;
    const shared = sharedAttention(ctx, { paneCheckMs: 20 });
    let subscriptions = 0;
    const counted = { ...shared, subscribe: (w: Parameters<typeof shared.subscribe>[0]) => (subscriptions++, shared.subscribe(w)) };
    const woke: string[] = [];
    counted.subscribe(() => woke.push("reactions"));
    const stopTable = dashboardDeps(ctx, async () => {}, 30_000, counted).watchChanges!(() => woke.push("table"));
    expect(subscriptions).toBe(2);
    await waitFor("the first check", () => checks >= 1);

    panes = [pane({ dead: true })];
    await waitFor("both woken by the one watcher", () => woke.includes("reactions") && woke.includes("table"));

    // Unsubscribed, the table hears nothing more; the reactions still do.
    stopTable();
    woke.length = 0;
    panes = [pane({ activityAt: 2 })];
    await waitFor("the reactions woken again", () => woke.includes("reactions"));
    expect(woke).not.toContain("table");
    shared.close();
  });
});
