import { actionError } from "../../core/errors.js";
import type { SessionView } from "../../core/types.js";
import type { Kit } from "../kit.js";

/** The merge dialog: a confirmation naming the PR and the method; y merges on GitHub. */
export function mergeActions({ get, set, deps, toast, setBusy, refreshSessions }: Kit) {
  return {
    openMerge(s: SessionView) {
      if (!deps.merge) return toast("info", "merge: not available here");
      set({ dialog: { kind: "merge", id: s.id, prNumber: s.prNumber!, method: deps.mergeMethod?.(s.projectId) ?? "merge", merging: false, error: null } });
    },
    confirmMerge() {
      const d = get().dialog;
      if (d?.kind !== "merge" || d.merging || !deps.merge) return;
      set({ dialog: { ...d, merging: true, error: null } });
      setBusy(d.id, "merge");
      void deps
        .merge(d.id)
        .then((r) => {
          set((s) => (s.dialog?.kind === "merge" && s.dialog.id === d.id ? { dialog: null } : {}));
          toast("success", `✓ PR #${r.prNumber} of ${d.id} merged (${r.method})`);
        })
        .catch((e: Error) => {
          set((s) => (s.dialog?.kind === "merge" && s.dialog.id === d.id ? { dialog: { ...s.dialog, merging: false, error: e.message } } : {}));
          toast("error", actionError("merge", d.id, e.message));
        })
        .finally(() => {
          setBusy(d.id, null);
          void refreshSessions([d.id]);
        });
    },
  };
}
