import { Box, Text, useInput } from "ink";
import { inert } from "../src/core/sanitize.js";
import { useActions, useDashboard } from "../hooks/useDashboard.js";

/** Merge asks first, naming the PR and how it will be merged. */
export function MergeDialog() {
  const dialog = useDashboard((s) => (s.dialog?.kind === "merge" ? s.dialog : null));
  const actions = useActions();
  useInput((input, key) => {
    if (!dialog || dialog.merging) return;
    if (key.escape || input === "n") return actions.closeDialog();
    if (input === "y") actions.confirmMerge();
  });
  if (!dialog) return null;
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="green" paddingX={1}>
      <Text bold wrap="truncate-end">
        Merge PR #{dialog.prNumber} of {dialog.id} ({dialog.method})?
      </Text>
      {dialog.merging && <Text color="yellow">Merging on GitHub…</Text>}
      {dialog.error && <Text color="red">✗ {inert(dialog.error)}</Text>}
      <Text dimColor>{dialog.merging ? "" : "[y] merge  [n/esc] not now"}</Text>
    </Box>
  );
}
