import { Box, Text, useInput } from "ink";
import { ACTIONS, keyLabel } from "../src/core/actions.js";
import { useActions } from "../hooks/useDashboard.js";

const KEYS = ACTIONS.map((a) => a.keys.map(keyLabel).join(" "));
const KEYS_WIDTH = Math.max(...KEYS.map((k) => k.length));

/**
 * Every key, generated from the action table. One line per action: a bordered table draws a
 * rule between rows and needs twice the height, more than a 35-row terminal has.
 */
export function HelpOverlay() {
  const actions = useActions();
  useInput(() => actions.closeDialog());
  return (
    <Box flexDirection="column" flexShrink={0}>
      <Text bold>Keys</Text>
      {ACTIONS.map((a, i) => (
        <Text key={a.id}>
          {"  "}
          <Text bold>{KEYS[i]!.padEnd(KEYS_WIDTH)}</Text>
          {"  "}
          {a.help}
        </Text>
      ))}
      <Text dimColor>any key closes</Text>
    </Box>
  );
}
