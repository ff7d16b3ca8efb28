import { actionError } from "../core/errors.js";
import type { StoreApi } from "zustand/vanilla";
import type { Question } from "../core/question.js";
import { inert } from "../core/sanitize.js";
import type { Activity } from "../core/types.js";

/*
 * The dashboard's answer dialog: when the agent waits on a question, `s` shows the question and
 * its options instead of a message box, and the person picks one. Only the person's explicit
 * choice is sent, through the same messenger as `ao send --answer`.
 */

export interface AnswerDialog {
  kind: "answer";
  id: string;
  /** null while it is being read off the screen. */
  question: Question | null;
  /** Index of the option the person has picked; nothing is picked at first. */
  picked: number | null;
  answering: boolean;
  outcome: string | null;
  error: string | null;
}

export interface AnswerDeps {
  /** The question the agent waits on now, or null. */
  question?(id: string): Promise<Question | null>;
  /** Choose an option (`ao send --answer`); answered = the prompt left the screen. */
  answer?(id: string, key: string): Promise<{ outcome: "answered" | "unconfirmed" }>;
}

/** Activity that means the agent waits on the person, not on a message. */
export function waitsOnPerson(activity: Activity | null | undefined): boolean {
  return activity === "waiting_input" || activity === "blocked";
}

/** The question a refused send carries (QuestionPendingError), whatever realm it comes from. */
export function refusedQuestion(e: unknown): Question | null {
  const q = (e as { question?: Question } | null)?.question;
  return q && typeof q.text === "string" && Array.isArray(q.options) ? q : null;
}

interface Host<S> {
  store: StoreApi<S>;
  deps: AnswerDeps;
  toast(kind: "info" | "error" | "success", text: string): void;
  setBusy(id: string, what: string | null): void;
  refreshLocal(): Promise<void>;
}

type WithDialog = { dialog: unknown };

export function answerActions<S extends WithDialog>({ store, deps, toast, setBusy, refreshLocal }: Host<S>) {
  const current = (): AnswerDialog | null => {
    const d = store.getState().dialog as AnswerDialog | null;
    return d?.kind === "answer" ? d : null;
  };
  const update = (id: string, patch: Partial<AnswerDialog>) =>
    store.setState((s) => {
      const d = s.dialog as AnswerDialog | null;
      return (d?.kind === "answer" && d.id === id ? { dialog: { ...d, ...patch } } : {}) as Partial<S>;
    });

  return {
    /** Open the dialog for `id`, with the question when it is known, else read it now. */
    openAnswer(id: string, question: Question | null = null) {
      store.setState({ dialog: { kind: "answer", id, question, picked: null, answering: false, outcome: null, error: null } } as Partial<S>);
      if (question) return;
      if (!deps.question) return update(id, { error: "ao cannot read this agent's question here; attach (a) to answer it" });
      void deps
        .question(id)
        .then((q) => update(id, q ? { question: q } : { error: "the agent is not asking anything now" }))
        .catch((e: Error) => update(id, { error: e.message }));
    },
    /** Pick an option (a digit, y/n, or the arrows); nothing is sent until Enter. */
    pickAnswer(how: { index: number } | { move: 1 | -1 } | { key: string }) {
      const d = current();
      if (!d?.question || d.answering || d.outcome) return;
      const n = d.question.options.length;
      let picked: number | null = d.picked;
      if ("index" in how) picked = how.index >= 0 && how.index < n ? how.index : picked;
      else if ("key" in how) {
        const i = d.question.options.findIndex((o) => o.key.toLowerCase() === how.key.toLowerCase());
        if (i !== -1) picked = i;
      } else picked = picked === null ? (how.move > 0 ? 0 : n - 1) : Math.min(n - 1, Math.max(0, picked + how.move));
      update(d.id, { picked });
    },
    /** Enter: answer with the picked option. */
    submitAnswer() {
      const d = current();
      if (!d?.question || d.picked === null || d.answering || d.outcome || !deps.answer) return;
      const option = d.question.options[d.picked]!;
      const chosen = `${/^\d+$/.test(option.key) ? `${option.key}. ` : ""}${inert(option.label)}`;
      update(d.id, { answering: true });
      setBusy(d.id, "answer");
      void deps
        .answer(d.id, option.key)
        .then((r) => {
          const line = r.outcome === "answered" ? `✓ Answered with ${chosen}` : `⚠ Chose ${chosen}, but the question is still on screen`;
          update(d.id, { answering: false, outcome: line });
          toast(r.outcome === "answered" ? "success" : "error", `${d.id}: ${line}`);
        })
        .catch((e: Error) => {
          update(d.id, { answering: false, outcome: `✗ ${e.message}` });
          toast("error", actionError("answer", d.id, e.message));
        })
        .finally(() => {
          setBusy(d.id, null);
          void refreshLocal();
        });
    },
  };
}
