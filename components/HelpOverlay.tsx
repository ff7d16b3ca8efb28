import { Table } from "@alcalzone/ink-table";
import { Box, Text, useInput } from "ink";
import { ACTIONS, keyLabel } from "../src/core/actions.js";
import { useActions } from "../hooks/useDashboard.js";

/** Every key, generated from the action table. */
export function HelpOverlay() {
  const actions = useActions();
  useInput(() => actions.closeDialog());
  return (
    <Box flexDirection="column">
      <Text bold>Keys</Text>
      <Table data={ACTIONS.map((a) => ({ keys: a.keys.map(keyLabel).join(" "), action: a.help }))} />
      <Text dimColor>any key closes</Text>
    </Box>
  );
}
