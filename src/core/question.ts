/**
 * What an agent is asking the person, when it waits on them. Read off the screen by the agent
 * plugin or reported by the agent's own events. ao shows it and refuses to type into it; only an
 * explicit answer from the person (`ao send --answer`, the dashboard's answer dialog) chooses an
 * option.
 */
export type QuestionKind = "question" | "permission" | "picker" | "sign-in" | "trust";

export interface QuestionOption {
  /** What selects it: "1", "2", … for numbered menus; "y" / "n" for yes/no prompts. */
  key: string;
  /** The option's text as the agent shows it (outside text: sanitise before printing). */
  label: string;
}

export interface Question {
  kind: QuestionKind;
  /** The question itself ("Do you want to proceed?"), or the dialog's title. */
  text: string;
  options: QuestionOption[];
  /** Where it was read from. */
  source: "screen" | "event";
}
