import { tmuxSessionName } from "../../core/names.js";
import type { SessionView } from "../../core/types.js";
import type { Kit } from "../kit.js";

/**
 * The forget dialog: for a session ao cannot reach, say what stays where it is, and on y retire
 * its record. Forget's own refusal (a session ao sees running, a host that answers after all)
 * is an error line, as a kill's is.
 */
export function forgetActions({ get, set, deps, toast, background }: Kit) {
  return {
    openForget(s: SessionView) {
      if (!deps.forget) return toast("info", "forget: not offered here");
      set({ dialog: { kind: "forget", id: s.id, host: s.host, tmuxName: s.meta.tmuxName || tmuxSessionName(s.workspace, s.id), worktree: s.worktree } });
    },
    /** y in the forget dialog. */
    confirmForget() {
      const d = get().dialog;
      if (d?.kind !== "forget" || !deps.forget) return;
      const forget = deps.forget;
      set((s) => ({ dialog: null, marked: s.marked.filter((m) => m !== d.id) }));
      background(d.id, "forget", async () => {
        await forget(d.id);
        toast("success", `✓ Session ${d.id} forgotten; nothing was ended or removed`);
      });
    },
  };
}
