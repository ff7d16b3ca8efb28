import { questionNoun, type Question } from "./question.js";
import { inert } from "./sanitize.js";

/** The keys a person may pass to --answer, in short: "1-3", or "yes|no". */
export function answerKeys(q: Question): string {
  const keys = q.options.map((o) => o.key);
  if (keys.length && keys.every((k) => /^\d+$/.test(k))) return keys.length > 1 ? `${keys[0]}-${keys.at(-1)}` : keys[0]!;
  if (keys.join() === "y,n") return "yes|no";
  return keys.join("|");
}

/**
 * What the person reads when ao refuses to type: the question, its options, and how to answer.
 * The question and options are the agent's words, so they are made inert first.
 */
export function describeQuestion(id: string, q: Question): string {
  const lines = [`${id} is waiting on ${questionNoun(q.kind)}, so nothing was typed:`];
  for (const d of q.detail ?? []) lines.push(`  | ${inert(d)}`);
  lines.push(`  ${inert(q.text)}`);
  for (const o of q.options) lines.push(`    ${/^\d+$/.test(o.key) ? `${o.key}.` : `[${inert(o.key)}]`} ${inert(o.label)}`);
  lines.push(
    q.options.length
      ? `Answer it: ao send ${id} --answer <${answerKeys(q)}>   or by hand: ao attach ${id}`
      : `Answer it by hand: ao attach ${id}`,
  );
  return lines.join("\n");
}
