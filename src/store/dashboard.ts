import { createStore, type StoreApi } from "zustand/vanilla";
import { cleanupActions } from "./dialogs/cleanup.js";
import { diffActions } from "./dialogs/diff.js";
import { forgetActions } from "./dialogs/forget.js";
import { killActions } from "./dialogs/kill.js";
import { mergeActions } from "./dialogs/merge.js";
import { newSessionActions } from "./dialogs/new-session.js";
import { sendActions } from "./dialogs/send.js";
import { answerActions, waitsOnPerson } from "./answer.js";
import { makeDispatch } from "./dispatch.js";
import { makeKit } from "./kit.js";
import { initialState, type DashboardDeps, type DashboardState } from "./state.js";
import { PANE_ROWS, tableActions } from "./table.js";

export * from "./state.js";
export { mergeSessions, sameView } from "./refresh.js";

export interface Dashboard {
  store: StoreApi<DashboardState>;
  actions: DashboardActions;
  start(intervals?: { localMs?: number; githubMs?: number; conflictMs?: number }): void;
  stop(): void;
}

export type DashboardActions = ReturnType<typeof makeActions>;

/** Every action the dashboard offers: each dialog's own, the table's, and key dispatch over them. */
function makeActions(store: StoreApi<DashboardState>, deps: DashboardDeps) {
  const kit = makeKit(store, deps);
  const table = tableActions(kit);
  // A send refused because a question came up offers the answer dialog instead.
  const send = sendActions(kit, (id, q) => answers.openAnswer(id, q));
  const kill = killActions(kit);
  const forget = forgetActions(kit);
  const cleanup = cleanupActions(kit);
  const newSession = newSessionActions(kit);
  const diff = diffActions(kit);
  const merge = mergeActions(kit);
  const { set, toast, background } = kit;
  const answers = answerActions({ store, deps, toast, setBusy: kit.setBusy, refreshLocal: () => kit.refreshLocal() });
  const dispatch = makeDispatch(kit, {
    up: () => table.move("up"),
    down: () => table.move("down"),
    top: () => table.move("top"),
    bottom: () => table.move("bottom"),
    newSession: () => newSession.openNew(),
    attach: (s) => background(s!.id, "attach", () => deps.attach(s!.id)),
    send: (_s, ids) => {
      // An agent waiting on a question gets an answer, never a message; with several marked,
      // those are left out (each is answered on its own).
      const asking = ids.filter((id) => waitsOnPerson(kit.get().sessions.find((v) => v.id === id)?.activity));
      if (ids.length === 1 && asking.length === 1) return answers.openAnswer(ids[0]!);
      for (const id of asking) toast("info", `send: leaving out ${id}: it asks a question (s on it alone answers)`);
      const rest = ids.filter((id) => !asking.includes(id));
      if (rest.length) send.openSend(rest);
    },
    diff: (s) => diff.openDiff(s!.id),
    merge: (s) => merge.openMerge(s!),
    kill: (_s, ids) => kill.openKill(ids),
    forget: (s) => forget.openForget(s!),
    restore: (s) =>
      background(s!.id, "restore", async () => {
        await deps.restore(s!.id);
        toast("success", `✓ Session ${s!.id} restored`);
      }),
    cleanup: () => cleanup.openCleanup(),
    mark: (s) => table.toggleMark(s!.id),
    openPr: (s) => {
      void deps.openUrl(s!.prUrl!).catch((e: Error) => toast("error", `open PR: ${e.message}`));
      toast("info", `Opening ${s!.prUrl}`);
    },
    projectFilter: () => table.nextProject(),
    textFilter: () => set({ dialog: { kind: "filter" } }),
    cycleSort: () => table.cycleSort(),
    showAll: () => table.toggleAll(),
    clearFilter: () => table.clearFilter(),
    detail: () => table.toggleDetail(),
    paneUp: () => (kit.get().detail ? table.scrollPane(PANE_ROWS - 1) : toast("info", "pane up: open the detail pane first (tab)")),
    paneDown: () => (kit.get().detail ? table.scrollPane(-(PANE_ROWS - 1)) : toast("info", "pane down: open the detail pane first (tab)")),
    refresh: () => {
      toast("info", "Refreshing…");
      void kit.refreshLocal();
      void kit.refreshGitHub(true);
    },
    log: () => set({ dialog: { kind: "log" } }),
    help: () => set({ dialog: { kind: "help" } }),
    quit: () => set({ quitting: true }),
  });
  return {
    ...answers,
    dispatch,
    refreshLocal: kit.refreshLocal,
    refreshGitHub: kit.refreshGitHub,
    quickFirst: kit.quickFirst,
    closeDialog: table.closeDialog,
    setFilterText: table.setFilterText,
    submitSend: send.submitSend,
    confirmKill: kill.confirmKill,
    confirmForget: forget.confirmForget,
    runCleanup: cleanup.runCleanup,
    newSessionProject: newSession.newSessionProject,
    submitNew: newSession.submitNew,
    confirmMerge: merge.confirmMerge,
  };
}

/**
 * The dashboard's state outside React: a vanilla zustand store fed by the services, with the
 * one scheduler of the dashboard (local facts every 2 s, GitHub every 30 s, backing off while
 * GitHub fails). Components read it through hooks and change it only through `actions`.
 */
export function createDashboard(deps: DashboardDeps, seed: Partial<DashboardState> = {}): Dashboard {
  const store = createStore<DashboardState>(() => ({ ...initialState(deps), ...seed }));
  const actions = makeActions(store, deps);
  const timers: NodeJS.Timeout[] = [];
  let githubTimer: NodeJS.Timeout | null = null;
  let stopped = false;
  let unwatch: (() => void) | null = null;
  return {
    store,
    actions,
    start({ localMs = 2000, githubMs = 30_000, conflictMs = Math.max(5000, localMs * 5) } = {}) {
      const begin = () => {
        void actions.refreshLocal();
        timers.push(setInterval(() => void actions.refreshLocal(), localMs));
        // An agent's event or a pane gone still: a fresh look now, not at the next tick.
        unwatch = deps.watchChanges?.(() => void actions.refreshLocal(true)) ?? null;
        // The conflict radar: branch tips every few seconds (new commits and pushes), the bases
        // fetched with GitHub's slower cadence. Each run is one git process per pair that changed.
        let radar: Promise<void> | null = null;
        const conflicts = (fetch: boolean) => {
          if (!deps.checkConflicts || radar) return;
          radar = deps
            .checkConflicts(fetch)
            // A radar that found what it found last time changes no row: no look for it.
            .then((changed) => (changed === false ? undefined : actions.refreshLocal(true)))
            .catch(() => undefined)
            .finally(() => (radar = null));
        };
        conflicts(false);
        timers.push(setInterval(() => conflicts(false), conflictMs));
        let delay = githubMs;
        const tick = async () => {
          conflicts(true);
          await actions.refreshGitHub();
          const gh = store.getState().github;
          delay = gh.state === "stale" ? Math.min(delay * 2, 10 * 60_000) : githubMs;
          // A refresh still in flight at stop() must not schedule the next: that timer alone
          // would keep `ao ui` alive after q.
          if (!stopped) githubTimer = setTimeout(() => void tick(), delay);
        };
        void tick();
      };
      // The quick rows first: the full look, the radar, GitHub and their reads wait until they show.
      void actions.quickFirst().finally(() => (stopped ? undefined : begin()));
    },
    stop() {
      stopped = true;
      unwatch?.();
      for (const t of timers) clearInterval(t);
      if (githubTimer) clearTimeout(githubTimer);
    },
  };
}
