import { Box, Text, useInput } from "ink";
import { inertLines } from "../src/core/sanitize.js";
import { useActions, useDashboard } from "../hooks/useDashboard.js";

/** Kill asks first; with work that would be lost it says what, and asks a second time. */
export function KillDialog() {
  const dialog = useDashboard((s) => (s.dialog?.kind === "kill" ? s.dialog : null));
  const actions = useActions();
  useInput((input, key) => {
    if (!dialog) return;
    if (key.escape || input === "n") return actions.closeDialog();
    if (input === "y") actions.confirmKill();
  });
  if (!dialog) return null;
  const one = dialog.ids.length === 1;
  const lost = Object.entries(dialog.lost);
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="red" paddingX={1}>
      <Text bold wrap="truncate-end">
        Kill {one ? dialog.ids[0] : `${dialog.ids.length} sessions: ${dialog.ids.join(", ")}`}?
      </Text>
      {dialog.stage === "checking" && <Text>Checking {one ? "the worktree" : "the worktrees"} for unsaved work…</Text>}
      {dialog.stage !== "checking" && lost.length === 0 && <Text>{one ? "Its worktree has" : "Their worktrees have"} no uncommitted or unpushed work.</Text>}
      {lost.length > 0 && (
        <>
          <Text color="yellow">This would be lost:</Text>
          {lost.map(([id, what]) => (
            <Text key={id}>{inertLines(one ? what : `${id}: ${what}`)}</Text>
          ))}
        </>
      )}
      {dialog.stage === "force" && <Text color="red">Really discard it? y again to kill with --force.</Text>}
      <Text dimColor>[y] {dialog.stage === "force" ? "force kill" : "kill"}  [n/esc] keep {one ? "it" : "them"}</Text>
    </Box>
  );
}
