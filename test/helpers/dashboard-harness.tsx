import { render } from "ink-testing-library";
import { stripVTControlCharacters } from "node:util";
import { App } from "../../components/App.js";
import type { CleanupItem } from "../../src/core/cleanup.js";
import type { SessionView } from "../../src/core/types.js";
import { createDashboard, type Dashboard, type DashboardDeps, type DashboardState, type IssueChoice, type SessionDiffView } from "../../src/store/dashboard.js";
import { PROJECTS } from "./session-view.js";

export const NOW = Date.parse("2026-01-01T12:00:00.000Z");

export interface FakeDeps extends DashboardDeps {
  /** Every call made to the service layer, in order: [method, ...args]. */
  calls: unknown[][];
  /** What the next listSessions() returns. */
  sessions: SessionView[];
  lost: string | null;
  plan: CleanupItem[];
  /** Open issues per project, for the new-session picker. */
  issues: Record<string, IssueChoice[]>;
  /** The session a spawn creates (as spawning), what it warns of, and whether it then fails. */
  spawned: { view: SessionView; fail?: string; note?: string; warnings?: string[] } | null;
  /** What diff() answers per session. */
  diffs: Record<string, SessionDiffView>;
  /** Why merge() fails, when it should. */
  mergeFails: string | null;
  /** Why forget() refuses, when it should. */
  forgetFails: string | null;
}

/** Dashboard deps that record their calls and answer from plain fields. */
export function fakeDeps(sessions: SessionView[] = []): FakeDeps {
  const deps: FakeDeps = {
    calls: [],
    sessions,
    lost: null,
    plan: [],
    issues: {},
    spawned: null,
    diffs: {},
    mergeFails: null,
    forgetFails: null,
    workspace: "my-app",
    projects: PROJECTS,
    listSessions: async () => (deps.calls.push(["listSessions"]), deps.sessions),
    sessionsById: async (ids) => (deps.calls.push(["sessionsById", ids]), deps.sessions.filter((v) => ids.includes(v.id))),
    refreshGitHub: async () => (deps.calls.push(["refreshGitHub"]), { state: "ok", remaining: 5000, fetchedAt: new Date(NOW).toISOString(), error: null }),
    send: async (id, text) => (deps.calls.push(["send", id, text]), { outcome: "delivered" }),
    unsavedWork: async (id) => (deps.calls.push(["unsavedWork", id]), deps.lost),
    kill: async (id, force) => void deps.calls.push(["kill", id, force]),
    restore: async (id) => void deps.calls.push(["restore", id]),
    forget: async (id) => {
      deps.calls.push(["forget", id]);
      if (deps.forgetFails) throw new Error(deps.forgetFails);
    },
    cleanupPlan: async () => (deps.calls.push(["cleanupPlan"]), deps.plan),
    cleanupRun: async (plan) => (deps.calls.push(["cleanupRun", plan]), plan.filter((p) => p.action === "kill").map((p) => p.id)),
    paneTail: async (id) => (deps.calls.push(["paneTail", id]), `pane of ${id}`),
    newSessionChoices: () => ({ projects: PROJECTS.map((p) => ({ ...p, agent: "claude-code" })), agents: ["claude-code", "codex", "generic"] }),
    issueChoices: async (projectId) => (deps.calls.push(["issueChoices", projectId]), deps.issues[projectId] ?? []),
    spawn: async (opts, onCreated, onWarning) => {
      deps.calls.push(["spawn", opts]);
      const made = deps.spawned;
      if (!made) throw new Error("no spawn prepared");
      // As spawnSession warns: once the issue is read, before the session is recorded.
      for (const w of made.warnings ?? []) onWarning?.(w);
      deps.sessions = [...deps.sessions, made.view];
      onCreated(made.view.id);
      if (made.fail) throw new Error(made.fail);
      return { id: made.view.id, branch: made.view.branch ?? "", ...(made.note ? { note: made.note } : {}) };
    },
    diff: async (id) => {
      deps.calls.push(["diff", id]);
      const d = deps.diffs[id];
      if (!d) throw new Error(`session ${id} has no worktree to compare`);
      return d;
    },
    mergeMethod: () => "squash",
    merge: async (id) => {
      deps.calls.push(["merge", id]);
      if (deps.mergeFails) throw new Error(deps.mergeFails);
      deps.sessions = deps.sessions.map((v) => (v.id === id ? { ...v, status: "merged" as const } : v));
      return { prNumber: deps.sessions.find((v) => v.id === id)?.prNumber ?? 0, method: "squash" };
    },
    attach: async (id) => void deps.calls.push(["attach", id]),
    openUrl: async (url) => void deps.calls.push(["openUrl", url]),
    now: () => NOW,
  };
  return deps;
}

export interface Harness {
  dashboard: Dashboard;
  deps: FakeDeps;
  frame(): string;
  /** The latest frame with its colours and styles (escape sequences) kept. */
  raw(): string;
  /** Frames Ink has drawn so far (it draws every render here: debug mode). */
  frameCount(): number;
  /** Wait until the latest frame satisfies `check`; fails with the frame it last saw. */
  until(what: string, check: (frame: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Press keys (raw terminal input) and wait for the frame to change. */
  press(...keys: string[]): Promise<void>;
  /** Write input chunks back to back, faster than React re-renders (a fast typist, a paste). */
  burst(...chunks: string[]): void;
  /** Change the terminal size and announce it, as a terminal does. */
  resize(columns: number, rows: number): void;
  unmount(): void;
  /** The stdout Ink renders to (Ink's instances are keyed by it). */
  stdout: NodeJS.WriteStream;
}

/** The id on the cursor's line (`▸ fe-2 …`, `▸●fe-2 …` when marked), or null. */
export function cursorId(frame: string): string | null {
  return /^▸[ ●](\S+)/m.exec(frame)?.[1] ?? null;
}

/** Ids of the marked rows (`●` after the cursor column). */
export function markedIds(frame: string): string[] {
  return frame.split("\n").flatMap((l) => /^[▸ ]●([a-z]+-\d+) /.exec(l)?.[1] ?? []);
}

/** Session ids in the order their rows appear. */
export function rowIds(frame: string): string[] {
  return frame.split("\n").flatMap((l) => /^[▸ ][ ●]([a-z]+-\d+) /.exec(l)?.[1] ?? []);
}

export const KEY = { up: "\u001b[A", down: "\u001b[B", left: "\u001b[D", right: "\u001b[C", enter: "\r", escape: "\u001b", tab: "\t", shiftTab: "\u001b[Z", space: " ", pageUp: "\u001b[5~", pageDown: "\u001b[6~" } as const;

const tick = () => new Promise((r) => setTimeout(r, 20));

/**
 * `<App>` over a seeded store and fake deps, at a given terminal size. ink-testing-library's
 * stdout reports 100 columns and no rows; the size is set on the instance, where both Ink's
 * layout and useTerminalSize read it.
 */
export async function renderDashboard(
  seed: Partial<DashboardState>,
  opts: { deps?: FakeDeps; columns?: number; rows?: number } = {},
): Promise<Harness> {
  const deps = opts.deps ?? fakeDeps(seed.sessions ?? []);
  const dashboard = createDashboard(deps, { now: NOW, localUpdatedAt: NOW, github: { state: "ok", remaining: 5000, fetchedAt: new Date(NOW).toISOString(), error: null }, ...seed });
  const inst = render(<App dashboard={dashboard} />);
  Object.defineProperty(inst.stdout, "columns", { value: opts.columns ?? 120, configurable: true });
  Object.defineProperty(inst.stdout, "rows", { value: opts.rows ?? 30, configurable: true });
  // A new key remounts the tree, so useTerminalSize reads the size above from its first render
  // (Ink renders synchronously here). A resize event would race Ink's own resize frame.
  inst.rerender(<App key="sized" dashboard={dashboard} />);
  const frame = () => stripVTControlCharacters(inst.lastFrame() ?? "");
  const until = async (what: string, check: (f: string) => boolean, timeoutMs = 5000) => {
    const deadline = Date.now() + timeoutMs;
    while (!check(frame())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last frame:\n${frame()}`);
      await tick();
    }
    return frame();
  };
  return {
    dashboard,
    deps,
    frame,
    raw: () => inst.lastFrame() ?? "",
    frameCount: () => inst.frames.length,
    until,
    async press(...keys) {
      for (const k of keys) {
        const before = inst.frames.length;
        inst.stdin.write(k);
        // Ink re-renders on a state change; a key that changes nothing renders nothing, so
        // this waits for a frame or a short grace period, whichever comes first.
        for (let i = 0; i < 10 && inst.frames.length === before; i++) await tick();
      }
    },
    burst(...chunks) {
      for (const c of chunks) inst.stdin.write(c);
    },
    resize(columns, rows) {
      Object.defineProperty(inst.stdout, "columns", { value: columns, configurable: true });
      Object.defineProperty(inst.stdout, "rows", { value: rows, configurable: true });
      inst.stdout.emit("resize");
    },
    unmount: () => inst.unmount(),
    stdout: inst.stdout as unknown as NodeJS.WriteStream,
  };
}
