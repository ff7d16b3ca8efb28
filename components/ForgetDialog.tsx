import { Box, Text, useInput } from "ink";
import { LOCAL_HOST } from "../src/core/placement.js";
import { inertLines } from "../src/core/sanitize.js";
import { useActions, useDashboard } from "../hooks/useDashboard.js";

/** Forget asks first, and says that nothing is ended or removed: what stays, and where. */
export function ForgetDialog() {
  const dialog = useDashboard((s) => (s.dialog?.kind === "forget" ? s.dialog : null));
  const actions = useActions();
  useInput((input, key) => {
    if (!dialog) return;
    if (key.escape || input === "n") return actions.closeDialog();
    if (input === "y") actions.confirmForget();
  });
  if (!dialog) return null;
  const where = dialog.host === LOCAL_HOST ? "this machine" : `host ${dialog.host}`;
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="red" paddingX={1}>
      <Text bold wrap="truncate-end">
        Forget {dialog.id}?
      </Text>
      <Text>ao cannot reach it: its record is marked killed, and nothing is ended or removed.</Text>
      <Text color="yellow">Left in place on {inertLines(where)}:</Text>
      <Text>{inertLines(`  tmux session ${dialog.tmuxName}`)}</Text>
      {dialog.worktree && <Text>{inertLines(`  worktree ${dialog.worktree}`)}</Text>}
      <Text dimColor>[y] forget  [n/esc] keep it</Text>
    </Box>
  );
}
