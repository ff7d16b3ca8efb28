import { createStore, type StoreApi } from "zustand/vanilla";
import { ACTIONS, type ActionId } from "../core/actions.js";
import type { CleanupItem } from "../core/cleanup.js";
import { applyFilter, buildRows, moveCursor, sessionIds, type Filter, type SortMode } from "../core/dashboard.js";
import type { ProjectRef } from "../core/format.js";
import type { SessionView } from "../core/types.js";
import { answerActions, refusedQuestion, waitsOnPerson, type AnswerDeps, type AnswerDialog } from "./answer.js";

export interface GitHubStatus {
  state: "ok" | "stale" | "off" | "loading";
  remaining: number | null;
  fetchedAt: string | null;
  error: string | null;
}

export interface Toast {
  id: number;
  kind: "info" | "error" | "success";
  text: string;
}

export type Dialog =
  | { kind: "send"; id: string; sending: boolean; outcome: string | null }
  | { kind: "kill"; id: string; stage: "checking" | "confirm" | "force"; lost: string | null }
  | { kind: "cleanup"; plan: CleanupItem[] | null; error: string | null; running: boolean; done: string[] | null }
  | AnswerDialog
  | { kind: "filter" }
  | { kind: "help" }
  | { kind: "log" };

export interface DashboardState {
  workspace: string;
  projects: ProjectRef[];
  sessions: SessionView[];
  localUpdatedAt: number | null;
  localError: string | null;
  /** The clock ages are shown against; moves with every local refresh, so rows need no timers. */
  now: number;
  github: GitHubStatus;
  cursor: string | null;
  sort: SortMode;
  filter: Filter;
  detail: boolean;
  pane: { id: string; text: string } | null;
  details: ({ id: string } & PrDetailLines) | null;
  dialog: Dialog | null;
  toasts: Toast[];
  log: string[];
  /** Session id → the action running on it. */
  busy: Record<string, string>;
  quitting: boolean;
}

/** What the dashboard needs from the service layer; `ao ui` binds these to the real services. */
export interface DashboardDeps extends AnswerDeps {
  workspace: string;
  projects: ProjectRef[];
  listSessions(): Promise<SessionView[]>;
  refreshGitHub(): Promise<GitHubStatus>;
  send(id: string, text: string): Promise<{ outcome: "delivered" | "queued" | "unconfirmed" }>;
  /** What killing would lose, described, or null when nothing would. */
  unsavedWork(id: string): Promise<string | null>;
  kill(id: string, force: boolean): Promise<void>;
  restore(id: string): Promise<void>;
  cleanupPlan(): Promise<CleanupItem[]>;
  cleanupRun(plan: CleanupItem[]): Promise<string[]>;
  paneTail(id: string, lines: number): Promise<string>;
  /** Failing checks and unresolved threads of the session's PR, loaded only for the detail pane. */
  prDetails?(id: string): Promise<PrDetailLines | null>;
  attach(id: string): Promise<void>;
  openUrl(url: string): Promise<void>;
  now(): number;
}

export interface PrDetailLines {
  checks: string[];
  threads: string[];
}

export interface Dashboard {
  store: StoreApi<DashboardState>;
  actions: DashboardActions;
  start(intervals?: { localMs?: number; githubMs?: number }): void;
  stop(): void;
}

export type DashboardActions = ReturnType<typeof makeActions>;

const OUTCOME_TEXT = {
  delivered: "✓ Message sent and processing",
  queued: "✓ Message queued (session finishing previous task)",
  unconfirmed: "⚠ Message sent — could not confirm it was received",
} as const;

function visibleIds(s: DashboardState): string[] {
  return sessionIds(buildRows(applyFilter(s.sessions, s.filter), s.projects, s.sort));
}

export function selectedSession(s: DashboardState): SessionView | undefined {
  return s.sessions.find((v) => v.id === s.cursor);
}

function makeActions(store: StoreApi<DashboardState>, deps: DashboardDeps) {
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
    setTimeout(() => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })), kind === "error" ? 8000 : 4000).unref?.();
  };
  const setBusy = (id: string, what: string | null) =>
    set((s) => {
      const busy = { ...s.busy };
      if (what) busy[id] = what;
      else delete busy[id];
      return { busy };
    });
  /** Run slow work without holding up the keyboard; the row shows what is running. */
  const background = (id: string, what: string, work: () => Promise<void>) => {
    setBusy(id, what);
    void work()
      .catch((e: unknown) => toast("error", `${what} ${id}: ${(e as Error).message}`))
      .finally(() => {
        setBusy(id, null);
        void refreshLocal();
      });
  };

  let localInFlight: Promise<void> | null = null;
  const refreshLocal = (): Promise<void> => {
    localInFlight ??= (async () => {
      try {
        const sessions = await deps.listSessions();
        const before = get();
        // Emit only on change: an unchanged table never re-renders.
        if (JSON.stringify(sessions) === JSON.stringify(before.sessions) && before.localError === null) {
          set({ localUpdatedAt: deps.now(), now: deps.now() });
        } else {
          set({ sessions, localUpdatedAt: deps.now(), now: deps.now(), localError: null });
        }
        set((s) => ({ cursor: moveCursor(visibleIds(s), s.cursor, "stay") }));
        if (get().detail) await loadPane();
      } catch (e) {
        set({ localError: (e as Error).message });
      } finally {
        localInFlight = null;
      }
    })();
    return localInFlight;
  };

  let githubInFlight = false;
  const refreshGitHub = async (): Promise<void> => {
    if (githubInFlight) return;
    githubInFlight = true;
    set((s) => ({ github: { ...s.github, state: s.github.fetchedAt ? s.github.state : "loading" } }));
    try {
      set({ github: await deps.refreshGitHub() });
      await refreshLocal();
    } catch (e) {
      set((s) => ({ github: { ...s.github, state: "stale", error: (e as Error).message } }));
    } finally {
      githubInFlight = false;
    }
  };

  const loadPane = async () => {
    const id = get().cursor;
    if (!id) return set({ pane: null });
    const text = await deps.paneTail(id, 15).catch((e: Error) => `(cannot read the pane: ${e.message})`);
    if (get().cursor === id) set({ pane: { id, text } });
    // PR details are the expensive part: fetched for the selected session only, once per selection.
    const session = selectedSession(get());
    if (deps.prDetails && session?.prNumber != null && get().details?.id !== id) {
      const d = await deps.prDetails(id).catch(() => null);
      if (d && get().cursor === id) set({ details: { id, ...d } });
    }
  };

  const move = (m: "up" | "down" | "top" | "bottom") => {
    set((s) => ({ cursor: moveCursor(visibleIds(s), s.cursor, m) }));
    if (get().detail) void loadPane();
  };

  const answers = answerActions({ store, deps, toast, setBusy, refreshLocal });

  const dispatch = (id: ActionId): void => {
    const s = get();
    const def = ACTIONS.find((a) => a.id === id);
    const session = selectedSession(s);
    const why = def?.disabledReason?.(session) ?? null;
    if (why) return toast("info", `${def?.label ?? id}: ${why}`);
    if (session && s.busy[session.id] && ["attach", "send", "kill", "restore"].includes(id)) {
      return toast("info", `${def?.label}: ${session.id} is busy (${s.busy[session.id]})`);
    }
    switch (id) {
      case "up":
      case "down":
      case "top":
      case "bottom":
        return move(id);
      case "attach":
        return background(session!.id, "attach", () => deps.attach(session!.id));
      case "send":
        // An agent waiting on a question gets an answer, never a message.
        if (waitsOnPerson(session!.activity)) return answers.openAnswer(session!.id);
        return set({ dialog: { kind: "send", id: session!.id, sending: false, outcome: null } });
      case "kill": {
        const kid = session!.id;
        set({ dialog: { kind: "kill", id: kid, stage: "checking", lost: null } });
        void deps
          .unsavedWork(kid)
          .then((lost) => set((st) => (st.dialog?.kind === "kill" && st.dialog.id === kid ? { dialog: { kind: "kill", id: kid, stage: "confirm", lost } } : {})))
          .catch((e: Error) => set((st) => (st.dialog?.kind === "kill" ? { dialog: { kind: "kill", id: kid, stage: "confirm", lost: `(cannot check: ${e.message})` } } : {})));
        return;
      }
      case "restore":
        return background(session!.id, "restore", async () => {
          await deps.restore(session!.id);
          toast("success", `✓ Session ${session!.id} restored`);
        });
      case "cleanup":
        set({ dialog: { kind: "cleanup", plan: null, error: null, running: false, done: null } });
        void deps
          .cleanupPlan()
          .then((plan) => set((st) => (st.dialog?.kind === "cleanup" ? { dialog: { ...st.dialog, plan } } : {})))
          .catch((e: Error) => set((st) => (st.dialog?.kind === "cleanup" ? { dialog: { ...st.dialog, error: e.message } } : {})));
        return;
      case "openPr":
        void deps.openUrl(session!.prUrl!).catch((e: Error) => toast("error", `open PR: ${e.message}`));
        return toast("info", `Opening ${session!.prUrl}`);
      case "projectFilter": {
        const ids = s.projects.map((p) => p.id);
        const next = s.filter.project === null ? (ids[0] ?? null) : (ids[ids.indexOf(s.filter.project) + 1] ?? null);
        set({ filter: { ...s.filter, project: next } });
        return set((st) => ({ cursor: moveCursor(visibleIds(st), st.cursor, "stay") }));
      }
      case "textFilter":
        return set({ dialog: { kind: "filter" } });
      case "toggleSort":
        return set({ sort: s.sort === "attention" ? "id" : "attention" });
      case "detail":
        set({ detail: !s.detail });
        if (!s.detail) void loadPane();
        return;
      case "refresh":
        toast("info", "Refreshing…");
        void refreshLocal();
        void refreshGitHub();
        return;
      case "log":
        return set({ dialog: { kind: "log" } });
      case "help":
        return set({ dialog: { kind: "help" } });
      case "quit":
        return set({ quitting: true });
    }
  };

  return {
    ...answers,
    dispatch,
    refreshLocal,
    refreshGitHub,
    closeDialog: () => set({ dialog: null }),
    setFilterText: (text: string | ((current: string) => string)) => {
      set((s) => ({ filter: { ...s.filter, text: typeof text === "function" ? text(s.filter.text) : text } }));
      set((s) => ({ cursor: moveCursor(visibleIds(s), s.cursor, "stay") }));
    },
    submitSend: (text: string) => {
      const d = get().dialog;
      // A box showing its outcome is done: a second Enter must not send again.
      if (d?.kind !== "send" || d.sending || d.outcome !== null) return;
      if (text.trim() === "") return toast("info", "send: the message is empty");
      set({ dialog: { ...d, sending: true } });
      setBusy(d.id, "send");
      void deps
        .send(d.id, text)
        .then((r) => {
          const line = OUTCOME_TEXT[r.outcome];
          set((s) => (s.dialog?.kind === "send" ? { dialog: { ...s.dialog, sending: false, outcome: line } } : {}));
          toast(r.outcome === "unconfirmed" ? "error" : "success", `${d.id}: ${line}`);
        })
        .catch((e: Error) => {
          // Refused because a question came up: nothing was typed; offer the answer dialog.
          const q = refusedQuestion(e);
          if (q && get().dialog?.kind === "send") {
            toast("info", `${d.id} is asking something; nothing was sent`);
            return answers.openAnswer(d.id, q);
          }
          set((s) => (s.dialog?.kind === "send" ? { dialog: { ...s.dialog, sending: false, outcome: `✗ ${e.message}` } } : {}));
          toast("error", `send ${d.id}: ${e.message}`);
        })
        .finally(() => setBusy(d.id, null));
    },
    /** y in the kill dialog: kill, or with lost work, ask once more before forcing. */
    confirmKill: () => {
      const d = get().dialog;
      if (d?.kind !== "kill" || d.stage === "checking") return;
      if (d.lost && d.stage === "confirm") return set({ dialog: { ...d, stage: "force" } });
      set({ dialog: null });
      background(d.id, "kill", async () => {
        await deps.kill(d.id, d.lost !== null);
        toast("success", `✓ Session ${d.id} killed`);
      });
    },
    runCleanup: () => {
      const d = get().dialog;
      // Nothing to kill (an empty plan, or only skips): the dialog offers no y, so y does nothing.
      if (d?.kind !== "cleanup" || !d.plan?.some((p) => p.action === "kill") || d.running || d.done) return;
      const plan = d.plan;
      set({ dialog: { ...d, running: true } });
      void deps
        .cleanupRun(plan)
        .then((done) => {
          set((s) => (s.dialog?.kind === "cleanup" ? { dialog: { ...s.dialog, running: false, done } } : {}));
          toast("success", `Cleanup: ${done.length} session${done.length === 1 ? "" : "s"} killed`);
        })
        .catch((e: Error) => toast("error", `cleanup: ${e.message}`))
        .finally(() => void refreshLocal());
    },
  };
}

export function initialState(deps: Pick<DashboardDeps, "workspace" | "projects">): DashboardState {
  return {
    workspace: deps.workspace,
    projects: deps.projects,
    sessions: [],
    localUpdatedAt: null,
    localError: null,
    now: Date.now(),
    github: { state: "loading", remaining: null, fetchedAt: null, error: null },
    cursor: null,
    sort: "attention",
    filter: { project: null, text: "" },
    detail: false,
    pane: null,
    details: null,
    dialog: null,
    toasts: [],
    log: [],
    busy: {},
    quitting: false,
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
  return {
    store,
    actions,
    start({ localMs = 2000, githubMs = 30_000 } = {}) {
      void actions.refreshLocal();
      timers.push(setInterval(() => void actions.refreshLocal(), localMs));
      let delay = githubMs;
      const tick = async () => {
        await actions.refreshGitHub();
        const gh = store.getState().github;
        delay = gh.state === "stale" ? Math.min(delay * 2, 10 * 60_000) : githubMs;
        // A refresh still in flight at stop() must not schedule the next: that timer alone
        // would keep `ao ui` alive after q.
        if (!stopped) githubTimer = setTimeout(() => void tick(), delay);
      };
      void tick();
    },
    stop() {
      stopped = true;
      for (const t of timers) clearInterval(t);
      if (githubTimer) clearTimeout(githubTimer);
    },
  };
}
