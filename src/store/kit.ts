import { actionError } from "../core/errors.js";
import type { StoreApi } from "zustand/vanilla";
import { moveCursor } from "../core/dashboard.js";
import { clockStableUntil, clockText, mergeSessions } from "./refresh.js";
import { selectedSession, visibleIds, type DashboardDeps, type DashboardState, type Toast } from "./state.js";

/**
 * What every group of dashboard actions shares: the store, the services, toasts and the log,
 * busy marks, and the refreshes. Each dialog's actions are built on this in their own module.
 */
export interface Kit {
  get: StoreApi<DashboardState>["getState"];
  set: StoreApi<DashboardState>["setState"];
  deps: DashboardDeps;
  toast(kind: Toast["kind"], text: string): void;
  logLine(text: string): void;
  setBusy(id: string, what: string | null): void;
  /** Run slow work without holding up the keyboard; the row shows what is running. */
  background(id: string, what: string, work: () => Promise<void>): void;
  /**
   * Re-read local facts. A call during a refresh joins it; with `fresh` (after a change the
   * running refresh may have missed) one more follows it.
   */
  refreshLocal(fresh?: boolean): Promise<void>;
  /** Re-read only the sessions an action touched (all of them when the services cannot). */
  refreshSessions(ids: string[]): Promise<void>;
  /** Put the cursor on `id` as soon as its row shows (a session just created). */
  selectWhenShown(id: string): void;
  /** force: ask GitHub even when the shared snapshot is fresh (the person pressed refresh). */
  refreshGitHub(force?: boolean): Promise<void>;
  /** The first rows, from the records alone, unless a full refresh got there first. Runs once. */
  quickFirst(): Promise<void>;
  loadPane(): Promise<void>;
  /** Keep the cursor on a visible session after the rows changed. */
  reselect(): void;
}

/** Lines of the agent's pane history the detail pane keeps. */
export const PANE_HISTORY = 1000;

export function makeKit(store: StoreApi<DashboardState>, deps: DashboardDeps): Kit {
  const get = store.getState;
  const set = store.setState;
  let toastId = 0;

  const logLine = (text: string) => {
    const stamp = new Date(deps.now()).toISOString().slice(11, 19);
    set((s) => ({ log: [...s.log.slice(-199), `${stamp} ${text}`] }));
  };
  const toast = (kind: Toast["kind"], text: string) => {
    const id = ++toastId;
    set((s) => ({ toasts: [...s.toasts.slice(-2), { id, kind, text }] }));
    logLine(text);
    setTimeout(() => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })), kind === "error" || kind === "warning" ? 8000 : 4000).unref?.();
  };
  const setBusy = (id: string, what: string | null) =>
    set((s) => {
      const busy = { ...s.busy };
      if (what) busy[id] = what;
      else delete busy[id];
      return { busy };
    });
  let pendingSelect: string | null = null;
  const reselect = () =>
    set((s) => {
      const ids = visibleIds(s);
      if (pendingSelect !== null && ids.includes(pendingSelect)) {
        const cursor = pendingSelect;
        pendingSelect = null;
        return { cursor };
      }
      return { cursor: moveCursor(ids, s.cursor, "stay") };
    });

  const loadPane = async () => {
    const id = get().cursor;
    if (!id) return set({ pane: null });
    // The history too, so PgUp/PgDn scroll through it without asking tmux on every key.
    const text = await deps.paneTail(id, PANE_HISTORY).catch((e: Error) => `(cannot read the pane: ${e.message})`);
    if (get().cursor === id) set({ pane: { id, text } });
    // PR details are the expensive part: fetched for the selected session only, once per selection.
    const session = selectedSession(get());
    if (deps.prDetails && session?.prNumber != null && get().details?.id !== id) {
      const d = await deps.prDetails(id).catch(() => null);
      if (d && get().cursor === id) set({ details: { id, ...d } });
    }
  };

  const checkConfig = async () => {
    if (!deps.checkConfig) return;
    const c = await deps.checkConfig();
    if (c.changed) {
      set({ projects: c.projects });
      toast("info", "Config reloaded");
    }
    if (c.error !== get().configError) {
      set({ configError: c.error });
      if (c.error) toast("error", `config not reloaded: ${c.error}`);
    }
  };

  // What the shown ages read at `now` for these rows, and until when they read the same.
  let stable: { sessions: DashboardState["sessions"] | null; github: DashboardState["github"] | null; now: number; until: number } = { sessions: null, github: null, now: 0, until: 0 };
  const clockMoved = (before: DashboardState, now: number): boolean => {
    if (stable.sessions === before.sessions && stable.github === before.github && stable.now === before.now && now < stable.until) return false;
    const moved = clockText(before, before.now) !== clockText(before, now);
    if (!moved) stable = { sessions: before.sessions, github: before.github, now: before.now, until: clockStableUntil(before, before.now) };
    return moved;
  };

  /** Sessions from a refresh: the store emits only when something on screen would change. */
  const applySessions = (sessions: DashboardState["sessions"]) => {
    const before = get();
    const now = deps.now();
    const merged = mergeSessions(before.sessions, sessions);
    if (merged === null && before.localError === null) {
      // Nothing new: the clock moves only when a time shown on screen would read differently.
      // The refresh time is kept either way; alone it changes nothing any component shows.
      if (clockMoved(before, now)) set({ localUpdatedAt: now, now });
      else if (before.localUpdatedAt !== now) set({ localUpdatedAt: now });
      return;
    }
    set({ ...(merged ? { sessions: merged } : {}), localUpdatedAt: now, now, localError: null });
    reselect();
  };

  let fullLanded = false;
  let quickOnce: Promise<void> | null = null;
  const quickFirst = (): Promise<void> =>
    (quickOnce ??= (async () => {
      if (!deps.listSessionsQuick) return;
      const sessions = await deps.listSessionsQuick().catch(() => null);
      if (sessions && !fullLanded) applySessions(sessions);
    })());

  let localInFlight: Promise<void> | null = null;
  let again: Promise<void> | null = null;
  const refreshLocal = (fresh = false): Promise<void> => {
    if (localInFlight) return fresh ? (again ??= localInFlight.then(() => ((again = null), refreshLocal()))) : localInFlight;
    localInFlight = (async () => {
      try {
        await checkConfig();
        const sessions = await deps.listSessions();
        fullLanded = true;
        applySessions(sessions);
        if (get().detail) await loadPane();
      } catch (e) {
        if (get().localError !== (e as Error).message) set({ localError: (e as Error).message });
      } finally {
        localInFlight = null;
      }
    })();
    return localInFlight;
  };

  let githubInFlight = false;
  const refreshGitHub = async (force = false): Promise<void> => {
    if (githubInFlight) return;
    githubInFlight = true;
    if (!get().github.fetchedAt && get().github.state !== "loading") set((s) => ({ github: { ...s.github, state: "loading" } }));
    try {
      const github = await deps.refreshGitHub(force);
      if (JSON.stringify(github) !== JSON.stringify(get().github)) set({ github });
      await refreshLocal();
    } catch (e) {
      set((s) => ({ github: { ...s.github, state: "stale", error: (e as Error).message } }));
    } finally {
      githubInFlight = false;
    }
  };

  const refreshSessions = async (ids: string[]): Promise<void> => {
    if (!deps.sessionsById) return refreshLocal(true);
    try {
      const fresh = await deps.sessionsById(ids);
      set((s) => {
        const byId = new Map(fresh.map((v) => [v.id, v]));
        const kept = s.sessions.map((v) => byId.get(v.id) ?? v);
        const added = fresh.filter((v) => !s.sessions.some((x) => x.id === v.id));
        return { sessions: [...kept, ...added] };
      });
      reselect();
    } catch {
      await refreshLocal(true);
    }
  };

  const background = (id: string, what: string, work: () => Promise<void>) => {
    setBusy(id, what);
    void work()
      .catch((e: unknown) => toast("error", actionError(what, id, (e as Error).message)))
      .finally(() => {
        setBusy(id, null);
        void refreshSessions([id]);
      });
  };

  const selectWhenShown = (id: string) => {
    pendingSelect = id;
    reselect();
  };

  return { get, set, deps, toast, logLine, setBusy, background, refreshLocal, refreshSessions, refreshGitHub, quickFirst, loadPane, reselect, selectWhenShown };
}
