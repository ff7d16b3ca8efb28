import type { Kit } from "../kit.js";

/** The cleanup dialog: the dry run's plan, and y carries out exactly that plan. */
export function cleanupActions({ get, set, deps, toast, refreshSessions }: Kit) {
  return {
    openCleanup() {
      set({ dialog: { kind: "cleanup", plan: null, error: null, running: false, done: null } });
      // With sessions marked, cleanup looks at those only.
      const marked = get().marked;
      void deps
        .cleanupPlan()
        .then((all) => (marked.length ? all.filter((p) => marked.includes(p.id)) : all))
        .then((plan) => set((st) => (st.dialog?.kind === "cleanup" ? { dialog: { ...st.dialog, plan } } : {})))
        .catch((e: Error) => set((st) => (st.dialog?.kind === "cleanup" ? { dialog: { ...st.dialog, error: e.message } } : {})));
    },
    runCleanup() {
      const d = get().dialog;
      // Nothing to kill (an empty plan, or only skips): the dialog offers no y, so y does nothing.
      if (d?.kind !== "cleanup" || !d.plan?.some((p) => p.action === "kill") || d.running || d.done) return;
      const plan = d.plan;
      set({ dialog: { ...d, running: true } });
      void deps
        .cleanupRun(plan)
        .then((done) => {
          set((s) => (s.dialog?.kind === "cleanup" ? { dialog: { ...s.dialog, running: false, done }, marked: [] } : {}));
          toast("success", `Cleanup: ${done.length} session${done.length === 1 ? "" : "s"} killed`);
        })
        .catch((e: Error) => toast("error", `cleanup: ${e.message}`))
        .finally(() => void refreshSessions(plan.map((p) => p.id)));
    },
  };
}
