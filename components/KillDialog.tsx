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
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="red" paddingX={1}>
      <Text bold>Kill {dialog.id}?</Text>
      {dialog.stage === "checking" && <Text>Checking the worktree for unsaved work…</Text>}
      {dialog.stage !== "checking" && !dialog.lost && <Text>Its worktree has no uncommitted or unpushed work.</Text>}
      {dialog.lost && (
        <>
          <Text color="yellow">This would be lost:</Text>
          <Text>{inertLines(dialog.lost)}</Text>
        </>
      )}
      {dialog.stage === "force" && <Text color="red">Really discard it? y again to kill with --force.</Text>}
      <Text dimColor>[y] {dialog.stage === "force" ? "force kill" : "kill"}  [n/esc] keep it</Text>
    </Box>
  );
}
