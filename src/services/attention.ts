import { mkdir } from "node:fs/promises";
import type { AppContext } from "../app.js";
import { STILL_MS } from "../core/activity.js";
import type { PaneFacts, RuntimePlugin } from "../plugins/types.js";
import { tmuxSessionName } from "../core/names.js";
import { LOCAL_HOST } from "../core/placement.js";
import { HostEventLogs } from "./agent-events.js";
import { watchEventLogs } from "./event-log-watch.js";
import { onConfigChange } from "./config-watch.js";
import { machine, type Machine } from "./machines.js";

export interface AttentionOptions {
  /** How often the panes' last-output times are read (one `tmux list-panes` for all). */
  paneCheckMs?: number;
  /** The same for a host whose panes a look found ao's sessions in (one over its shared connection). */
  remotePaneCheckMs?: number;
}

export interface Attention {
  close(): void;
}

/**
 * Calls `wake` as soon as a session may need a new look: at once when an agent appends to its
 * event log (fs.watch, no polling), and for agents read from the screen, at the moment a pane
 * that moved has been still long enough to be read. Cheap: one list-panes per check, no captures.
 */
export async function watchAttention(ctx: AppContext, wake: (why: "event" | "screen") => void, opts: AttentionOptions = {}): Promise<Attention> {
  let closed = false;
  await mkdir(ctx.store.root, { recursive: true }).catch(() => {});
  // One timer a key: a pane's, moved on when the pane moves again (the stillness it waited for
  // will not come then), or the event log's, kept (the first event of a burst is the one to
  // look again after). 500 working agents set 1,000 timers a second, each a look, before.
  const timers = new Map<string, NodeJS.Timeout>();
  const wakeAt = (key: string, ms: number, replace = true) => {
    const had = timers.get(key);
    if (had && !replace) return;
    if (had) clearTimeout(had);
    const t = setTimeout(() => {
      timers.delete(key);
      if (!closed) wake("screen");
    }, Math.max(0, ms - Date.now()));
    timers.set(key, t);
  };
  const logs = await watchEventLogs(ctx.store.root, () => {
    wake("event");
    // Once more a little later: a record that lost a race with another writer (a reaction's
    // note) is written then, not at the next poll.
    wakeAt("event", Date.now() + 1500, false);
  }, (id) => ctx.store.changed(id));
  // The same watch tells the store which records changed: a listing every 2 s then reads
  // (stats) only those, not all 500.
  ctx.store.followChanges(logs);
  // Sessions on other hosts: their logs are followed there, one command per host over its
  // shared connection, for the logs the looks read.
  // Their panes are listed there while the workspace's sessions run there.
  // The hosts are the config's: one added, changed or removed by an edit is followed from then on.
  const remote = new Map<string, { m: Machine; stop: () => void }>();
  const followHosts = () => {
    if (closed) return;
    const want = new Map(ctx.config.hosts.filter((h) => h.name !== LOCAL_HOST && h.ssh).map((h) => [h.name, machine(ctx, h.name)]));
    for (const [name, r] of remote) {
      if (want.get(name) === r.m) continue;
      r.stop();
      remote.delete(name);
    }
    for (const [name, m] of want) {
      if (remote.has(name)) continue;
      const stops = [
        ...(m.facts.events instanceof HostEventLogs ? [m.facts.events.followWith(() => wake("event"))] : []),
        watchRemotePanes(ctx, name, m.runtime, wake, wakeAt, opts.remotePaneCheckMs ?? 2000),
      ];
      remote.set(name, { m, stop: () => stops.forEach((stop) => stop()) });
    }
  };
  followHosts();
  const unfollowConfig = onConfigChange(ctx, followHosts);

  // The screen reads as still only after STILL_MS past the end of its last output's second.
  const heard = paneWakes("local", wake, wakeAt, (p) => (p.activityAt + 1) * 1000 + STILL_MS + 50);
  // The panes are looked at `paneCheckMs` after the last listing, whoever made it: the
  // dashboard's own looks list every pane every 2 s, and a listing of ours in between is all
  // that keeps what is known of them that fresh. Each listing is a fork of this process.
  const checkMs = opts.paneCheckMs ?? 500;
  let timer: NodeJS.Timeout | null = null;
  const schedule = () => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void check(), checkMs);
    timer.unref?.();
  };
  const unhear = ctx.runtime.onPanes?.((panes, fromLook) => {
    heard(panes, fromLook);
    schedule();
  });
  const check = async () => {
    const panes = await ctx.runtime.listPanes().catch(() => null);
    // A runtime that tells its listings has handed this one over already.
    if (panes && !unhear) heard(panes);
    schedule();
  };
  await check();
  return {
    close() {
      closed = true;
      ctx.store.followChanges(null);
      unfollowConfig();
      for (const r of remote.values()) r.stop();
      remote.clear();
      logs.close();
      unhear?.();
      if (timer) clearTimeout(timer);
      for (const t of timers.values()) clearTimeout(t);
    },
  };
}

/**
 * What listings of panes (those `keep` passes) say to wake a look for: a pane that died, at once;
 * one whose output moved, at once (at most once a second for all panes: a dialog on a moving
 * screen may animate, and one look reads every pane) and again at `stillAt(pane)`, when it can
 * read as still, unless it moves again before. A pane seen for the first time is no news.
 *
 * The looks' own listings come here too (`fromLook`): a move one of them saw is that look's to
 * read, and wakes none. Each look woke the next before, and the limit was a pane's: 500 agents at
 * work kept looks running without a pause, four tmux processes a second.
 */
function paneWakes(scope: string, wake: (why: "screen") => void, wakeAt: (key: string, ms: number) => void, stillAt: (p: PaneFacts) => number, keep: (p: PaneFacts) => boolean = () => true): (panes: readonly PaneFacts[], fromLook?: boolean) => void {
  const seen = new Map<string, { activityAt: number; dead: boolean }>();
  // When the last wake for a move was, or the next one is due.
  let movingWake = 0;
  let lastHeard: readonly PaneFacts[] | null = null;
  return (panes, fromLook = false) => {
    // The runtime hands over the very same listing when tmux printed the same: nothing moved.
    if (panes === lastHeard) return;
    lastHeard = panes;
    let moved = false;
    for (const p of panes) {
      if (!keep(p)) continue;
      const was = seen.get(p.name);
      if (was && was.activityAt === p.activityAt && was.dead === p.dead) continue;
      seen.set(p.name, { activityAt: p.activityAt, dead: p.dead });
      if (!was) continue;
      if (p.dead) wake("screen");
      else wakeAt(`${scope} pane ${p.name}`, stillAt(p));
      moved = true;
    }
    if (!moved || fromLook) return;
    const now = Date.now();
    if (now - movingWake >= 1000) {
      movingWake = now;
      wake("screen");
    } else if (movingWake <= now) {
      // Within the second of the last one: a look when it is over, one for all that move till then.
      movingWake += 1000;
      wakeAt(`${scope} moved`, movingWake);
    }
  };
}

/**
 * Panes on another host, for agents read from their screens: a host where a look (a refresh's)
 * found this workspace's panes is listed again every `checkMs` after the last listing, until one
 * finds none there. A pane whose output moved wakes a look at once (at most once a second) and
 * again once it can have been still long enough to read. Times are this machine's, taken when
 * the move was seen: the host's clock may be set otherwise.
 */
function watchRemotePanes(ctx: AppContext, host: string, runtime: RuntimePlugin, wake: (why: "screen") => void, wakeAt: (key: string, ms: number) => void, checkMs: number): () => void {
  const prefix = tmuxSessionName(ctx.config.name, "");
  const ours = (p: PaneFacts) => p.name.startsWith(prefix);
  const moves = paneWakes(`host ${host}`, wake, wakeAt, () => Date.now() + STILL_MS + 1100, ours);
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const check = async () => {
    timer = null;
    // Its listing comes back through onPanes, as a refresh's does.
    await runtime.listPanes().catch(() => null);
  };
  const unhear = runtime.onPanes?.((panes, fromLook) => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = null;
    if (panes.some(ours)) {
      timer = setTimeout(() => void check(), checkMs);
      timer.unref?.();
    }
    moves(panes, fromLook);
  });
  return () => {
    stopped = true;
    unhear?.();
    if (timer) clearTimeout(timer);
  };
}

/** One watcher with several listeners. */
export interface SharedAttention {
  subscribe(wake: (why: "event" | "screen") => void): () => void;
  close(): void;
}

/**
 * One watcher for everything in a process that wants waking (the dashboard and its reactions):
 * each watcher is a tmux process per check, and forking a large process is not free.
 */
export function sharedAttention(ctx: AppContext, opts: AttentionOptions = {}): SharedAttention {
  const wakes = new Set<(why: "event" | "screen") => void>();
  const pending = watchAttention(ctx, (why) => {
    for (const wake of [...wakes]) wake(why);
  }, opts);
  return {
    subscribe(wake) {
      wakes.add(wake);
      return () => void wakes.delete(wake);
    },
    close() {
      void pending.then((a) => a.close());
    },
  };
}

/**
 * Run `work` now, or once more right after the run in flight: wake-ups that arrive together
 * cost one run, and none is lost.
 */
export function coalesced(work: () => Promise<unknown>): () => void {
  let running = false;
  let again = false;
  const go = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    void work()
      .catch(() => undefined)
      .finally(() => {
        running = false;
        if (again) {
          again = false;
          go();
        }
      });
  };
  return go;
}
