import { moveCursor, nextSort } from "../core/dashboard.js";
import type { Kit } from "./kit.js";
import { PANE_ROWS } from "../core/dashboard.js";

export { PANE_ROWS };
import { visibleIds } from "./state.js";

/** Moving through the table, narrowing and ordering it, and the detail pane. */
export function tableActions({ get, set, loadPane, reselect }: Kit) {
  return {
    move(m: "up" | "down" | "top" | "bottom") {
      set((s) => ({ cursor: moveCursor(visibleIds(s), s.cursor, m), paneScroll: 0 }));
      if (get().detail) void loadPane();
    },
    nextProject() {
      const s = get();
      const ids = s.projects.map((p) => p.id);
      const next = s.filter.project === null ? (ids[0] ?? null) : (ids[ids.indexOf(s.filter.project) + 1] ?? null);
      set({ filter: { ...s.filter, project: next } });
      reselect();
    },
    setFilterText(text: string | ((current: string) => string)) {
      set((s) => ({ filter: { ...s.filter, text: typeof text === "function" ? text(s.filter.text) : text } }));
      reselect();
    },
    cycleSort() {
      set((s) => ({ sort: nextSort(s.sort) }));
    },
    toggleAll() {
      set((s) => ({ filter: { ...s.filter, all: !s.filter.all } }));
      reselect();
    },
    clearFilter() {
      set((s) => ({ filter: { ...s.filter, project: null, text: "" } }));
      reselect();
    },
    /** PgUp/PgDn in the detail pane: through the agent's history, never past either end. */
    scrollPane(by: number) {
      set((s) => {
        const lines = s.pane?.text.split("\n").length ?? 0;
        return { paneScroll: Math.max(0, Math.min(Math.max(0, lines - PANE_ROWS), s.paneScroll + by)) };
      });
    },
    toggleDetail() {
      const open = !get().detail;
      set({ detail: open });
      if (open) void loadPane();
    },
    toggleMark(id: string) {
      set((s) => ({ marked: s.marked.includes(id) ? s.marked.filter((m) => m !== id) : [...s.marked, id] }));
      // Marking moves on, so space space space marks three rows.
      set((s) => ({ cursor: moveCursor(visibleIds(s), s.cursor, "down") }));
    },
    closeDialog() {
      set({ dialog: null });
    },
  };
}
