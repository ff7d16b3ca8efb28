import type { Kit } from "../kit.js";

/**
 * The kill dialog, for one session or every marked one: check what each would lose, ask, and
 * when anything would be lost ask a second time. Only those with lost work are forced.
 */
export function killActions({ get, set, deps, toast, background }: Kit) {
  const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  return {
    openKill(ids: string[]) {
      set({ dialog: { kind: "kill", ids, stage: "checking", lost: {} } });
      void Promise.all(ids.map(async (id) => [id, await deps.unsavedWork(id).catch((e: Error) => `(cannot check: ${e.message})`)] as const)).then((found) => {
        const lost: Record<string, string> = {};
        for (const [id, what] of found) if (what) lost[id] = what;
        set((st) => (st.dialog?.kind === "kill" && same(st.dialog.ids, ids) ? { dialog: { kind: "kill", ids, stage: "confirm", lost } } : {}));
      });
    },
    /** y in the kill dialog: kill, or with lost work, ask once more before forcing. */
    confirmKill() {
      const d = get().dialog;
      if (d?.kind !== "kill" || d.stage === "checking") return;
      if (Object.keys(d.lost).length > 0 && d.stage === "confirm") return set({ dialog: { ...d, stage: "force" } });
      set((s) => ({ dialog: null, marked: s.marked.filter((m) => !d.ids.includes(m)) }));
      for (const id of d.ids) {
        background(id, "kill", async () => {
          await deps.kill(id, id in d.lost);
          toast("success", `✓ Session ${id} killed`);
        });
      }
    },
  };
}
