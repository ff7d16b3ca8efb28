import { DashboardContext, type Dashboard as DashboardInstance } from "../hooks/useDashboard.js";
import { Dashboard } from "./Dashboard.js";

export function App({ dashboard }: { dashboard: DashboardInstance }) {
  return (
    <DashboardContext.Provider value={dashboard}>
      <Dashboard />
    </DashboardContext.Provider>
  );
}
