import { Text } from "ink";
import { footerLine } from "../src/core/actions.js";

/** The key hints, generated from the action table; help and quit always show. */
export function Footer({ width }: { width: number }) {
  return <Text dimColor wrap="truncate-end">{footerLine(width - 1)}</Text>;
}
