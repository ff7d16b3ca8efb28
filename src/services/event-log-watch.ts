import { existsSync, watch, type FSWatcher } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { isSessionId } from "../core/ids.js";
import { AGENT_EVENTS_FILE } from "./agent-events.js";

export interface EventLogWatch {
  /** Folders watched now: the sessions root and each session's own. */
  watched(): number;
  /** Whether session `id`'s folder is watched now. */
  watching(id: string): boolean;
  close(): void;
}

/**
 * Calls `onAppend` with the session's id when an agent appends to its event log in any session folder under `root`,
 * including folders made later, and `onChange` on any change in a session folder (a record
 * replaced) and when a folder's watch ends. One inotify watch per folder, not per file: Node 20's recursive
 * fs.watch on Linux is built in JavaScript from a watcher and a stat per file, and re-lists a
 * folder or scans every watched path on each file made or removed there. Over 500 sessions that
 * was about 2,000 watchers, and the 500 record writes of a dashboard's first look cost it 1.6 s
 * of CPU and tens of MB of garbage.
 */
export async function watchEventLogs(root: string, onAppend: (id: string) => void, onChange: (id: string) => void = () => {}): Promise<EventLogWatch> {
  const folders = new Map<string, FSWatcher>();
  let closed = false;
  const stop = (name: string) => {
    folders.get(name)?.close();
    // Whatever happens there next goes unheard.
    if (folders.delete(name)) onChange(name);
  };
  const add = (name: string) => {
    if (closed || folders.has(name) || !isSessionId(name)) return;
    try {
      const w = watch(path.join(root, name), (_type, file) => {
        onChange(name);
        if (file !== null && String(file) === AGENT_EVENTS_FILE) onAppend(name);
      });
      // A folder removed (or unreadable) ends its watch; one made again is added by the root's.
      w.on("error", () => stop(name));
      folders.set(name, w);
    } catch {
      /* gone already, or not a folder: nothing to watch */
    }
  };
  let top: FSWatcher | null = null;
  try {
    top = watch(root, (_type, file) => {
      if (file === null) return;
      const name = String(file);
      if (folders.has(name)) {
        // A folder removed (its watch goes with it), or replaced: read again either way.
        onChange(name);
        if (!existsSync(path.join(root, name))) stop(name);
        return;
      }
      add(name);
      // A log written between the folder's making and its watch was not seen: it is news.
      if (folders.has(name) && existsSync(path.join(root, name, AGENT_EVENTS_FILE))) onAppend(name);
    });
    top.on("error", () => {
      top?.close();
      top = null;
    });
  } catch {
    top = null; // no file watching here: the pane checks and the regular ticks remain
  }
  const names = await readdir(root).catch(() => [] as string[]);
  for (const name of names) add(name);
  return {
    watched: () => folders.size + (top ? 1 : 0),
    watching: (id) => folders.has(id),
    close() {
      closed = true;
      top?.close();
      top = null;
      for (const name of [...folders.keys()]) stop(name);
    },
  };
}
