import { renameSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FULL_CHECK_MS, SessionStore } from "../../src/metadata/store.js";
import type { AppContext } from "../../src/app.js";
import { watchAttention } from "../../src/services/attention.js";
import { watchEventLogs, type EventLogWatch } from "../../src/services/event-log-watch.js";

let home: string;
let store: SessionStore;
let logs: EventLogWatch | null = null;

beforeEach(async () => {
  home = await mkdtemp(path.join(tmpdir(), "ao-store-watch-"));
  store = new SessionStore(home, "ws");
});
afterEach(async () => {
  logs?.close();
  logs = null;
  await rm(home, { recursive: true, force: true });
});

/** A record replaced as every writer does it (another process, by hand): a new file renamed over it. */
function replace(id: string, status: string) {
  const file = path.join(store.dir(id), "metadata");
  writeFileSync(`${file}.tmp`, `id=${id}\nstatus=${status}\n`);
  renameSync(`${file}.tmp`, file);
}

const statuses = async () => Object.fromEntries((await store.list()).map((s) => [s.id, s.meta?.status]));

describe("SessionStore.followChanges", () => {
  it("reads a watched record again only after a change in its folder, and every record every FULL_CHECK_MS", async () => {
    await store.create("fe", { status: "working" }, "test");
    await store.create("fe", { status: "working" }, "test");
    let now = 1_000_000;
    // fe-2's folder is not watched: it is checked on every listing, as without a watch.
    store.followChanges({ watching: (id) => id === "fe-1" }, () => now);
    await store.list();
    await store.list();

    // Nothing told the store: the listing trusts the watch and does not look at fe-1's file.
    replace("fe-1", "pr_open");
    replace("fe-2", "pr_open");
    expect(await statuses()).toEqual({ "fe-1": "working", "fe-2": "pr_open" });

    store.changed("fe-1");
    expect(await statuses()).toEqual({ "fe-1": "pr_open", "fe-2": "pr_open" });

    // A change the watch missed is found by the next full check.
    replace("fe-1", "ci_failed");
    now += FULL_CHECK_MS - 1;
    expect((await statuses())["fe-1"]).toBe("pr_open");
    now += 1;
    expect((await statuses())["fe-1"]).toBe("ci_failed");

    // No watch any more: every listing looks again.
    store.followChanges(null);
    replace("fe-1", "stuck");
    expect((await statuses())["fe-1"]).toBe("stuck");
  });

  it("with the folders' real watch, a record replaced just before a listing is in that listing", async () => {
    const ids = [await store.create("fe", { status: "working" }, "test"), await store.create("fe", { status: "working" }, "test")];
    logs = await watchEventLogs(store.root, () => {}, (id) => store.changed(id));
    store.followChanges(logs, () => 0);
    await store.list();
    await store.list();
    for (let i = 0; i < 20; i++) {
      const id = ids[i % 2]!;
      replace(id, `s${i}`);
      expect((await statuses())[id]).toBe(`s${i}`);
    }
  });

  it("a folder whose watch ended is read again", async () => {
    const id = await store.create("fe", { status: "working" }, "test");
    logs = await watchEventLogs(store.root, () => {}, (x) => store.changed(x));
    store.followChanges(logs, () => 0);
    await store.list();
    await store.list();
    logs.close();
    replace(id, "pr_open");
    expect((await statuses())[id]).toBe("pr_open");
  });

  it("the dashboard's pane watcher makes the store follow its folder watch, and tells it every change", async () => {
    const id = await store.create("fe", { status: "working" }, "test");
    const ctx = { config: { hosts: [] }, store, runtime: { listPanes: async () => [] } } as unknown as AppContext;
    const attention = await watchAttention(ctx, () => {}, { paneCheckMs: 3_600_000 });
    try {
      await store.list();
      await store.list();
      for (let i = 0; i < 10; i++) {
        replace(id, `s${i}`);
        expect((await statuses())[id]).toBe(`s${i}`);
      }
    } finally {
      attention.close();
    }
  });
});
