import { Box, Text, useInput } from "ink";
import { questionNoun } from "../src/core/question.js";
import { inert } from "../src/core/sanitize.js";
import { useActions, useDashboard } from "../hooks/useDashboard.js";

/**
 * The agent waits on a question: its options, numbered. The person picks one (a digit, y/n, or
 * the arrows) and presses Enter; nothing is picked for them. Esc closes without answering; a
 * attaches to answer by hand.
 */
export function AnswerDialog() {
  const dialog = useDashboard((s) => (s.dialog?.kind === "answer" ? s.dialog : null));
  const actions = useActions();
  useInput((input, key) => {
    if (!dialog) return;
    if (key.escape) return actions.closeDialog();
    if (dialog.answering) return;
    if (dialog.outcome || dialog.error || dialog.question?.options.length === 0) {
      if (key.return) return actions.closeDialog();
      if (input === "a") {
        actions.closeDialog();
        return actions.dispatch("attach");
      }
      return;
    }
    if (key.return) return actions.submitAnswer();
    if (key.upArrow) return actions.pickAnswer({ move: -1 });
    if (key.downArrow) return actions.pickAnswer({ move: 1 });
    // An option's own key first (aider's "(A)ll" is an option), then a for attach.
    if (dialog.question?.options.some((o) => o.key.toLowerCase() === input.toLowerCase())) return actions.pickAnswer({ key: input });
    if (input === "a") {
      actions.closeDialog();
      return actions.dispatch("attach");
    }
  });
  if (!dialog) return null;
  const q = dialog.question;
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="magenta" paddingX={1}>
      <Text bold>
        {dialog.id} is waiting on {q ? questionNoun(q.kind) : "a question"}
      </Text>
      {!q && !dialog.error && <Text>Reading the question…</Text>}
      {q?.detail?.map((d, i) => (
        <Text key={`d${i}`} dimColor wrap="truncate-end">
          {`  ${inert(d)}`}
        </Text>
      ))}
      {q && <Text>{inert(q.text)}</Text>}
      {q?.options.map((o, i) => (
        <Text key={o.key} inverse={i === dialog.picked}>
          {i === dialog.picked ? "❯ " : "  "}
          {/^\d+$/.test(o.key) ? `${o.key}. ` : `[${inert(o.key)}] `}
          {inert(o.label)}
        </Text>
      ))}
      {q && q.options.length === 0 && <Text color="yellow">ao cannot read its options here: attach to answer it by hand.</Text>}
      {dialog.error && <Text color="yellow">{inert(dialog.error)}</Text>}
      {dialog.answering && <Text color="yellow">Answering…</Text>}
      {dialog.outcome && <Text color={dialog.outcome.startsWith("✓") ? "green" : "red"}>{inert(dialog.outcome)}</Text>}
      <Text dimColor>
        {dialog.outcome || dialog.error || q?.options.length === 0
          ? "[a] attach  [enter/esc] close"
          : dialog.picked === null
            ? `pick an option: [${q?.options.every((o) => /^\d+$/.test(o.key)) ? "digit" : "its key"}/↑↓]  [a] attach  [esc] cancel`
            : "[enter] answer with the picked option  [↑↓] change  [a] attach  [esc] cancel"}
      </Text>
    </Box>
  );
}
