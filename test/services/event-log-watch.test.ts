import { appendFileSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { watchEventLogs, type EventLogWatch } from "../../src/services/event-log-watch.js";
import { waitFor } from "../helpers/tmux.js";

let root = "";
let w: EventLogWatch | null = null;
afterEach(async () => {
  w?.close();
  await rm(root, { recursive: true, force: true });
});

/** A session folder as ao leaves one: a record, its audit log, a lock, and the agent's log. */
function session(id: string, withLog = true) {
  const dir = path.join(root, id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "metadata"), `id=${id}\n`);
  writeFileSync(path.join(dir, "events.jsonl"), "{}\n");
  writeFileSync(path.join(dir, ".lock"), "1\n");
  if (withLog) writeFileSync(path.join(dir, "agent-events.jsonl"), "{}\n");
  return dir;
}

describe("watchEventLogs", () => {
  it("one watch per session folder, whatever the files in it", async () => {
    root = await mkdtemp(path.join(tmpdir(), "ao-elw-"));
    session("fe-1");
    session("fe-2");
    writeFileSync(path.join(root, "stray-file"), "x");
    w = await watchEventLogs(root, () => {});
    // The root and two folders: Node's recursive watch kept a watcher (and a stat) per file.
    expect(w.watched()).toBe(3);
  });

  it("wakes for an agent's log in any folder, one made later included, and for nothing else", async () => {
    root = await mkdtemp(path.join(tmpdir(), "ao-elw-"));
    const fe1 = session("fe-1");
    const woke: string[] = [];
    w = await watchEventLogs(root, (id) => woke.push(id));

    // A record rewritten (temp file renamed over it) and its audit log appended: no news.
    writeFileSync(path.join(fe1, "metadata.tmp"), "id=fe-1\nstatus=working\n");
    renameSync(path.join(fe1, "metadata.tmp"), path.join(fe1, "metadata"));
    appendFileSync(path.join(fe1, "events.jsonl"), "{}\n");
    // Then a session made after the watch began, and its agent's first event.
    const fe2 = session("fe-2", false);
    await waitFor("the new folder watched", () => w!.watched() === 3);
    appendFileSync(path.join(fe2, "agent-events.jsonl"), '{"event":"Stop"}\n');
    await waitFor("a wake for fe-2", () => woke.includes("fe-2"));
    // inotify delivers in order: fe-1's record writes came first, and woke nothing.
    expect(woke.every((id) => id === "fe-2")).toBe(true);

    appendFileSync(path.join(fe1, "agent-events.jsonl"), '{"event":"Stop"}\n');
    await waitFor("a wake for fe-1", () => woke.includes("fe-1"));
  });

  it("a removed folder ends its watch; closing ends them all", async () => {
    root = await mkdtemp(path.join(tmpdir(), "ao-elw-"));
    session("fe-1");
    const fe2 = session("fe-2");
    w = await watchEventLogs(root, () => {});
    expect(w.watched()).toBe(3);
    rmSync(fe2, { recursive: true });
    await waitFor("fe-2's watch ended", () => w!.watched() === 2);
    w.close();
    expect(w.watched()).toBe(0);
  });
});
