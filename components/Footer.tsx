import { Text } from "ink";
import { ACTIONS, keyLabel } from "../src/core/actions.js";

/** The key hints, generated from the action table. */
export function Footer({ width }: { width: number }) {
  const hints = ACTIONS.filter((a) => a.footer).map((a) => `[${keyLabel(a.keys[0]!)}] ${a.label}`);
  let line = "";
  for (const h of hints) {
    if ((line + "  " + h).length > width - 1) break;
    line = line ? `${line}  ${h}` : h;
  }
  return <Text dimColor>{line}</Text>;
}
