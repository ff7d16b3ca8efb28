import { Box, Text } from "ink";
import { memo } from "react";

/**
 * One session's two lines, as text already cut to the columns. Every prop is a string or a
 * flag, so the memo compares what the row shows: a refresh or a cursor move re-renders only
 * the rows whose text changed.
 */
export interface RowText {
  /** Cursor, mark, session and branch; cut short of the branch column's padding, except on the
   *  cursor's row, whose inverse bar must run unbroken. */
  lead: string;
  status: string;
  statusColor: string | undefined;
  /** The cells after the status that are plain ASCII (PR). */
  plain: string;
  /** From the first cell that may hold a symbol (CI, review) to the row's end. */
  symbols: string;
  /** The whole line's width, and the width from the status column on. */
  width: number;
  right: number;
  selected: boolean;
  dim: boolean;
  /** The line under the row: the summary, or the conflicts in yellow; drawn indented. */
  second: string;
  conflict: boolean;
  /** The row is one text laid out as Ink always did: the terminal is narrower than a row can be
   *  (session and status never give way), or the session or branch is not plain ASCII. */
  flow: boolean;
}

/** How far the line under a row is indented. */
export const SECOND_INDENT = 10;

/*
 * Ink lays out every character of every frame again (tokenised, styled, measured twice), so a
 * row writes as few characters as it can: the padding after the branch and before the summary
 * is left to Yoga as space, not written as spaces. And the row is split where symbols start: a
 * line of plain ASCII takes string-width's fast path, while one with ✓ or △ in it is walked
 * grapheme by grapheme.
 */
function Row({ lead, status, statusColor, plain, symbols, width, right, selected, dim, second, conflict, flow }: RowText) {
  const faint = dim && !selected;
  const under = (text: string) => (conflict ? <Text color="yellow">{text}</Text> : <Text dimColor>{text}</Text>);
  if (flow) {
    return (
      <Box flexDirection="column">
        <Text inverse={selected} dimColor={faint}>
          {lead}
          <Text color={dim ? undefined : statusColor}>{status}</Text>
          {plain}
          {symbols}
        </Text>
        {under(" ".repeat(SECOND_INDENT) + second)}
      </Box>
    );
  }
  return (
    <>
      <Box width={width} justifyContent="space-between">
        <Text inverse={selected} dimColor={faint}>
          {lead}
        </Text>
        <Box width={right}>
          <Text inverse={selected} dimColor={faint}>
            <Text color={dim ? undefined : statusColor}>{status}</Text>
            {plain}
          </Text>
          {symbols && (
            <Text inverse={selected} dimColor={faint}>
              {symbols}
            </Text>
          )}
        </Box>
      </Box>
      <Box paddingLeft={SECOND_INDENT}>{under(second)}</Box>
    </>
  );
}

export const SessionRow = memo(Row);
