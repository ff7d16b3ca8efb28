import { actionError } from "../../core/errors.js";
import type { Question } from "../../core/question.js";
import { refusedQuestion } from "../answer.js";
import type { Kit } from "../kit.js";

const OUTCOME_TEXT = {
  delivered: "✓ Message sent and processing",
  queued: "✓ Message queued (session finishing previous task)",
  unconfirmed: "⚠ Message sent — could not confirm it was received",
} as const;

/**
 * The send dialog: one message to the selected session's agent, or to every marked one at
 * once; what became of it shows per session, and goes to the log.
 */
export function sendActions({ get, set, deps, toast, setBusy }: Kit, onQuestion: (id: string, q: Question) => void) {
  return {
    openSend(ids: string[]) {
      set({ dialog: { kind: "send", ids, sending: false, outcome: null } });
    },
    submitSend(text: string) {
      const d = get().dialog;
      // A box showing its outcome is done: a second Enter must not send again.
      if (d?.kind !== "send" || d.sending || d.outcome !== null) return;
      if (text.trim() === "") return toast("info", "send: the message is empty");
      set({ dialog: { ...d, sending: true } });
      const one = d.ids.length === 1;
      void Promise.all(
        d.ids.map(async (id) => {
          setBusy(id, "send");
          try {
            const r = await deps.send(id, text);
            const line = OUTCOME_TEXT[r.outcome];
            toast(r.outcome === "unconfirmed" ? "error" : "success", `${id}: ${line}`);
            return one ? line : `${id}: ${line}`;
          } catch (e) {
            // Refused because a question came up: nothing was typed; one session is offered the
            // answer dialog, several say so per session.
            const q = refusedQuestion(e);
            if (q && one && get().dialog?.kind === "send") {
              toast("info", `${id} is asking something; nothing was sent`);
              onQuestion(id, q);
              return null;
            }
            if (q) {
              toast("info", `${id} is asking something; nothing was sent`);
              return `${id}: ✗ asks a question; nothing was sent`;
            }
            toast("error", actionError("send", id, (e as Error).message));
            return one ? `✗ ${(e as Error).message}` : `${id}: ✗ ${(e as Error).message}`;
          } finally {
            setBusy(id, null);
          }
        }),
      ).then((all) => {
        const lines = all.filter((l): l is string => l !== null);
        if (lines.length === 0) return;
        set((s) => (s.dialog?.kind === "send" ? { dialog: { ...s.dialog, sending: false, outcome: lines.join("\n") }, marked: one ? s.marked : [] } : {}));
      });
    },
  };
}
