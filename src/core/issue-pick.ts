/** One line of the new-session dialog's issue picker; `id: null` starts without an issue. */
export interface IssueOption {
  id: string | null;
  label: string;
}

/**
 * The picker's choices for what was typed: no issue, then the issues whose number or title
 * holds the text (every word of it). Text that matches nothing is offered as an issue id as
 * typed (a Linear id, an issue the list does not hold).
 */
export function issueOptions(issues: ReadonlyArray<{ id: string; title: string }> | null, query: string, max = 6): IssueOption[] {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const none: IssueOption = { id: null, label: "(no issue)" };
  if (words.length === 0) return [none, ...(issues ?? []).slice(0, max).map(toOption)];
  const hits = (issues ?? []).filter((i) => words.every((w) => `#${i.id} ${i.title}`.toLowerCase().includes(w)));
  const typed = query.trim().replace(/^#/, "");
  if (hits.length === 0) return [none, { id: typed, label: `${typed} (as typed)` }];
  return [none, ...hits.slice(0, max).map(toOption)];
}

const toOption = (i: { id: string; title: string }): IssueOption => ({ id: i.id, label: `#${i.id} ${i.title}` });
