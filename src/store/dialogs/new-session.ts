import type { Kit } from "../kit.js";
import type { SpawnRequest } from "../state.js";

/**
 * The new-session dialog: project, issue (from the project's tracker), agent and prompt. On
 * start the dialog closes at once; the new row shows as spawning, selected, while the spawn
 * (the same service as `ao spawn`) runs on.
 */
export function newSessionActions({ get, set, deps, toast, setBusy, refreshSessions, selectWhenShown }: Kit) {
  const loadIssues = (projectId: string) => {
    set((s) => (s.dialog?.kind === "new" ? { dialog: { ...s.dialog, issuesFor: projectId, issues: null, issuesError: null } } : {}));
    if (!deps.issueChoices) return;
    const still = () => {
      const d = get().dialog;
      return d?.kind === "new" && d.issuesFor === projectId ? d : null;
    };
    void deps
      .issueChoices(projectId)
      .then((issues) => {
        const d = still();
        if (d) set({ dialog: { ...d, issues, issuesError: issues ? null : "this tracker has no list; type an issue id" } });
      })
      .catch((e: Error) => {
        const d = still();
        if (d) set({ dialog: { ...d, issuesError: `cannot list issues: ${e.message}` } });
      });
  };
  return {
    openNew() {
      const choices = deps.newSessionChoices?.();
      if (!choices || !deps.spawn) return toast("info", "new session: not available here");
      if (choices.projects.length === 0) return toast("info", "new session: the config has no projects (ao init)");
      set({ dialog: { kind: "new", ...choices, issuesFor: null, issues: null, issuesError: null } });
      loadIssues(choices.projects[0]!.id);
    },
    /** The dialog moved to another project: its issues replace the last one's. */
    newSessionProject(projectId: string) {
      const d = get().dialog;
      if (d?.kind === "new" && d.issuesFor !== projectId) loadIssues(projectId);
    },
    submitNew(req: SpawnRequest) {
      const d = get().dialog;
      if (d?.kind !== "new" || !deps.spawn) return;
      set({ dialog: null });
      toast("info", `Starting a session in ${req.project}…`);
      let created: string | null = null;
      void deps
        .spawn(
          req,
          (id) => {
            created = id;
            setBusy(id, "spawn");
            selectWhenShown(id);
            void refreshSessions([id]);
          },
          // Said as `ao spawn` says it on stderr; the spawn goes on all the same.
          (text) => toast("warning", `new session: warning: ${text}`),
        )
        .then((r) => toast("success", `✓ Session ${r.id} started on ${r.branch}${r.note ? ` (${r.note})` : ""}`))
        .catch((e: Error) => toast("error", `new session: ${e.message}`))
        .finally(() => {
          if (created) {
            setBusy(created, null);
            void refreshSessions([created]);
          }
        });
    },
  };
}
