import { Box, Text } from "ink";
import { memo } from "react";

/**
 * One session's two lines, as text already cut to the columns. Every prop is a string or a
 * flag, so the memo compares what the row shows: a refresh or a cursor move re-renders only
 * the rows whose text changed.
 */
export interface RowText {
  /** Cursor, mark and the cells before the status. */
  lead: string;
  status: string;
  statusColor: string | undefined;
  /** The cells after the status that are plain ASCII (PR). */
  plain: string;
  /** From the first cell that may hold a symbol (CI, review) to the row's end. */
  symbols: string;
  selected: boolean;
  dim: boolean;
  /** The line under the row: the summary, or the conflicts in yellow. */
  second: string;
  conflict: boolean;
}

/*
 * Why the row is split where symbols start: Ink measures every line's width twice a frame, and
 * a line of plain ASCII takes string-width's fast path, while one with ✓ or △ in it is walked
 * grapheme by grapheme. Keeping the symbols in their own short text keeps the long part fast.
 */
function Row({ lead, status, statusColor, plain, symbols, selected, dim, second, conflict }: RowText) {
  const faint = dim && !selected;
  return (
    <Box flexDirection="column">
      <Box>
        <Text inverse={selected} dimColor={faint}>
          {lead}
          {status && <Text color={dim ? undefined : statusColor}>{status}</Text>}
          {plain}
        </Text>
        {symbols && (
          <Text inverse={selected} dimColor={faint}>
            {symbols}
          </Text>
        )}
      </Box>
      {conflict ? <Text color="yellow">{second}</Text> : <Text dimColor>{second}</Text>}
    </Box>
  );
}

export const SessionRow = memo(Row);
