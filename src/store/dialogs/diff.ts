import type { Kit } from "../kit.js";

/** The diff view: loads what the session changed; the view itself only moves through it. */
export function diffActions({ set, deps, toast }: Kit) {
  return {
    openDiff(id: string) {
      if (!deps.diff) return toast("info", "diff: not available here");
      set({ dialog: { kind: "diff", id, diff: null, error: null } });
      void deps
        .diff(id)
        .then((diff) => set((s) => (s.dialog?.kind === "diff" && s.dialog.id === id ? { dialog: { ...s.dialog, diff } } : {})))
        .catch((e: Error) => set((s) => (s.dialog?.kind === "diff" && s.dialog.id === id ? { dialog: { ...s.dialog, error: e.message } } : {})));
    },
  };
}
