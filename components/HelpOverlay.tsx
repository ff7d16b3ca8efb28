import { Box, Text, useInput } from "ink";
import { ACTIONS, keyLabel } from "../src/core/actions.js";
import { useActions } from "../hooks/useDashboard.js";
import { fitCell } from "./cells.js";

const KEYS = ACTIONS.map((a) => a.keys.map(keyLabel).join(" "));
const KEYS_WIDTH = Math.max(...KEYS.map((k) => k.length));

/**
 * Every key, generated from the action table. One line per action: a bordered table draws a
 * rule between rows and needs twice the height. When even that does not fit (80×24), two
 * columns, each help text cut to fit, so every key still shows.
 */
export function HelpOverlay({ width, height }: { width: number; height: number }) {
  const actions = useActions();
  useInput(() => actions.closeDialog());
  const title = (
    <Text>
      <Text bold>Keys</Text>
      <Text dimColor> — any key closes</Text>
    </Text>
  );
  if (ACTIONS.length + 1 <= height) {
    return (
      <Box flexDirection="column" flexShrink={0}>
        {title}
        {ACTIONS.map((a, i) => (
          <Text key={a.id} wrap="truncate-end">
            {"  "}
            <Text bold>{KEYS[i]!.padEnd(KEYS_WIDTH)}</Text>
            {"  "}
            {a.help}
          </Text>
        ))}
      </Box>
    );
  }
  const half = Math.ceil(ACTIONS.length / 2);
  const colWidth = Math.floor((width - 1) / 2);
  const cell = (i: number) => (i < ACTIONS.length ? `${fitCell(`${KEYS[i]!.padEnd(KEYS_WIDTH)} ${ACTIONS[i]!.help}`, colWidth - 1)} ` : "");
  return (
    <Box flexDirection="column" flexShrink={0}>
      {title}
      {Array.from({ length: half }, (_, r) => (
        <Text key={r} wrap="truncate-end">
          {cell(r)}
          {cell(r + half)}
        </Text>
      ))}
    </Box>
  );
}
