import { createContext, useContext } from "react";
import { useStore } from "zustand";
import { selectedSession, tableRows, type Dashboard, type DashboardActions, type DashboardState } from "../src/store/dashboard.js";
import type { Row } from "../src/core/dashboard.js";
import type { SessionView } from "../src/core/types.js";

export type { Dashboard };

export const DashboardContext = createContext<Dashboard | null>(null);

function useDashboardInstance(): Dashboard {
  const d = useContext(DashboardContext);
  if (!d) throw new Error("useDashboard outside <DashboardContext.Provider>");
  return d;
}

/** Read a slice of the dashboard state; the component re-renders only when that slice changes. */
export function useDashboard<T>(selector: (s: DashboardState) => T): T {
  return useStore(useDashboardInstance().store, selector);
}

export function useActions(): DashboardActions {
  return useDashboardInstance().actions;
}

/** The session under the cursor. */
export function useSelectedSession(): SessionView | undefined {
  return useDashboard(selectedSession);
}

/** The table's rows in order: sorted once per change, and the same array the cursor moves over. */
export function useTableRows(): Row[] {
  return useDashboard(tableRows);
}
