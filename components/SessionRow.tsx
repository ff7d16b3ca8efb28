import { Box, Text } from "ink";
import { SECOND_INDENT, type WholeRow } from "./tableCells.js";

/** A row whole: what the cursor's bar and a row in a narrow terminal draw. */
export function RowLine({ lead, status, color, rest, selected, dim }: WholeRow & { selected: boolean; dim: boolean }) {
  return (
    <Text inverse={selected} dimColor={dim && !selected}>
      {lead}
      <Text color={color}>{status}</Text>
      {rest}
    </Text>
  );
}

/**
 * A session's two lines written whole, padding and all, for Ink to wrap: only in a terminal
 * narrower than a row can be (session and status never give way), where columns side by side
 * would not fit.
 */
export function FlowRow({ row, selected, dim, second, conflict }: { row: WholeRow; selected: boolean; dim: boolean; second: string; conflict: boolean }) {
  const under = " ".repeat(SECOND_INDENT) + second;
  return (
    <Box flexDirection="column">
      <RowLine {...flowRow(row)} selected={selected} dim={dim} />
      {conflict ? <Text color="yellow">{under}</Text> : <Text dimColor>{under}</Text>}
    </Box>
  );
}

/** A row to be wrapped: without the padding that ends it, which would only wrap into a blank line. */
export function flowRow(row: WholeRow): WholeRow {
  const rest = row.rest.trimEnd();
  return { ...row, rest, status: rest ? row.status : row.status.trimEnd() };
}
