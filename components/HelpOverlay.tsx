import { Box, Text, useInput } from "ink";
import { ACTIONS, keyLabel } from "../src/core/actions.js";
import { useActions } from "../hooks/useDashboard.js";
import { fitCell } from "./cells.js";

const KEYS = ACTIONS.map((a) => a.keys.map(keyLabel).join(" "));
const KEYS_WIDTH = Math.max(...KEYS.map((k) => k.length));

/**
 * Every key, generated from the action table. One line per action: a bordered table draws a
 * rule between rows and needs twice the height. When even that does not fit (80×24), as many
 * columns as the height needs, each help text cut to fit, so every key still shows; too narrow
 * for the help texts, each key with its short name.
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
  const rows = Math.max(1, height - 1);
  if (ACTIONS.length <= rows) {
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
  const cols = Math.ceil(ACTIONS.length / rows);
  const perCol = Math.ceil(ACTIONS.length / cols);
  const colWidth = Math.floor((width - 1) / cols);
  // Room for a few words of help after the key, or else the action's short name.
  const words = (i: number) => (colWidth - 1 >= KEYS_WIDTH + 12 ? ACTIONS[i]!.help : ACTIONS[i]!.label);
  const cell = (i: number) => (i < ACTIONS.length ? `${fitCell(`${KEYS[i]!.padEnd(KEYS_WIDTH)} ${words(i)}`, colWidth - 1)} ` : "");
  return (
    <Box flexDirection="column" flexShrink={0}>
      {title}
      {Array.from({ length: perCol }, (_, r) => (
        <Text key={r} wrap="truncate-end">
          {Array.from({ length: cols }, (_, c) => cell(r + c * perCol)).join("")}
        </Text>
      ))}
    </Box>
  );
}
