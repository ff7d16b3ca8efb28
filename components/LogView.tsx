import { Box, Text, useInput } from "ink";
import { inert } from "../src/core/sanitize.js";
import { useActions, useDashboard } from "../hooks/useDashboard.js";

/** What the dashboard did, newest last. */
export function LogView({ height }: { height: number }) {
  const log = useDashboard((s) => s.log);
  const actions = useActions();
  useInput(() => actions.closeDialog());
  return (
    <Box flexDirection="column">
      <Text bold>Action log</Text>
      {log.length === 0 ? <Text dimColor>(nothing yet)</Text> : log.slice(-Math.max(1, height - 2)).map((l, i) => <Text key={i}>{inert(l)}</Text>)}
      <Text dimColor>any key closes</Text>
    </Box>
  );
}
