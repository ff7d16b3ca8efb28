import { Box, Text } from "ink";
import { layoutColumns, ROW_PREFIX, visibleRows, type Column, type Row } from "../src/core/dashboard.js";
import { useDashboard, useTableRows } from "../hooks/useDashboard.js";
import { fitCell } from "./cells.js";
import wrapText from "./inkWrapText.js";
import { TableColumn } from "./ColumnText.js";
import { FlowRow, flowRow, RowLine } from "./SessionRow.js";
import { DIMMED } from "./statusColor.js";
import { columnBox, SECOND_INDENT, secondLine, tableCells, wholeRow, type TableInput } from "./tableCells.js";

const HEAD: Record<Column, string> = { session: "Session", branch: "Branch", status: "Status", pr: "PR", ci: "CI", rev: "Rev", thr: "Thr", activity: "Activity", age: "Age" };

/**
 * The session table, windowed: only the rows that fit in `height` lines are drawn, so 500
 * sessions cost what a screenful costs.
 *
 * Ink lays out, measures and writes every text of every frame again, character by character, so
 * the rows are drawn by column: one <Text> per column holding that column's cell on every line,
 * in a box as wide as the column. A screenful is then a dozen texts whatever the rows, no row
 * writes the spaces that pad its cells, and the symbols (✓ △ ●) sit in texts of their own, a few
 * columns wide, so the long ones keep string-width's fast path for plain ASCII. The line under
 * each row, the project headings and the cursor's bar are texts laid over the columns, blank
 * where those are not.
 */
export function SessionTable({ width, height }: { width: number; height: number }) {
  const hasSessions = useDashboard((s) => s.sessions.length > 0);
  // Filtered and sorted once per change, shared with the store's cursor moves.
  const rows = useTableRows();
  const cursor = useDashboard((s) => s.cursor);
  const busy = useDashboard((s) => s.busy);
  const marked = useDashboard((s) => s.marked);
  const now = useDashboard((s) => s.now);
  const { columns, widths } = layoutColumns(width);
  if (rows.length === 0) {
    return <Text dimColor>{hasSessions ? "(no sessions match the filter)" : "(no active sessions)"}</Text>;
  }
  const rowWidth = ROW_PREFIX + columns.reduce((n, c) => n + widths[c], 0) + columns.length - 1;
  const flow = rowWidth > width - 1;
  // Wrapped rows keep their second line to one line: what is under the session id fits beside it.
  const summaryWidth = flow ? Math.max(4, width - 1 - SECOND_INDENT) : Math.max(10, width - 12);
  const heading = ("  " + columns.map((c) => fitCell(HEAD[c], widths[c])).join(" ")).trimEnd();
  // Too narrow for the columns, Ink wraps each line: the rows that fit are counted in the lines
  // they take, or the last ones (and the "more below") would fall off the bottom.
  const lines = (text: string) => wrapText(text, width - 1, "wrap").split("\n").length;
  const linesOf = flow
    ? (r: Row) => {
        if (r.kind === "group") return lines(`${r.name}:`);
        const w = flowRow(wholeRow(r.view, { rows, columns, widths, cursor, marked, busy, now, summaryWidth }));
        return lines(w.lead + w.status + w.rest) + lines(" ".repeat(SECOND_INDENT) + secondLine(r.view, summaryWidth).text);
      }
    : undefined;
  // The headings' line(s); when rows are cut, one more says how many are out of view.
  const top = flow ? lines(heading) : 1;
  let { start, end } = visibleRows(rows, cursor, Math.max(2, height - top), linesOf);
  const cut = start > 0 || end < rows.length;
  if (cut) ({ start, end } = visibleRows(rows, cursor, Math.max(2, height - top - (flow ? lines(`  ↑ ${rows.length} more above · ↓ ${rows.length} more below`) : 1)), linesOf));
  const above = sessionCount(rows.slice(0, start));
  const below = sessionCount(rows.slice(end));
  const shown = rows.slice(start, end);
  const input = { rows: shown, columns, widths, cursor, marked, busy, now, summaryWidth };
  return (
    // flexShrink 0: when a dialog takes lines, the parent clips the table's bottom rows
    // instead of squeezing each two-line row into one.
    <Box flexDirection="column" flexShrink={0}>
      <Text dimColor>{heading}</Text>
      {flow ? <FlowRows {...input} /> : <Columns {...input} rowWidth={rowWidth} />}
      {cut && (
        <Text dimColor>
          {"  "}
          {[above > 0 ? `↑ ${above} more above` : "", below > 0 ? `↓ ${below} more below` : ""].filter(Boolean).join(" · ") || " "}
        </Text>
      )}
    </Box>
  );
}

function Columns({ rowWidth, ...input }: TableInput & { rowWidth: number }) {
  const cells = tableCells(input);
  const { columns, widths, summaryWidth } = input;
  const bar = cells.cursor;
  return (
    <Box>
      <TableColumn cells={cells.marks} width={ROW_PREFIX} />
      {columns.map((c, i) => (
        <TableColumn key={c} cells={cells.columns[i]!} width={columnBox(widths, columns, i)} />
      ))}
      {/* Boxes laid over the columns. Their widths are given: Yoga measures an absolute box's
          text with no width at all, and Ink would wrap every line of it to find its size. */}
      <TableColumn cells={cells.second} width={summaryWidth} over={{ indent: SECOND_INDENT }} />
      <TableColumn cells={cells.groups} width={summaryWidth} over={{ indent: 0 }} />
      {bar && (
        // Written after the columns, so its cells are the ones shown on its line.
        <Box position="absolute" marginTop={bar.at} width={rowWidth}>
          <RowLine {...bar} selected dim={false} />
        </Box>
      )}
    </Box>
  );
}

/** Rows as whole lines for Ink to wrap, in a terminal too narrow for the columns side by side. */
function FlowRows(input: TableInput) {
  const { rows, summaryWidth } = input;
  return (
    <>
      {rows.map((r) => {
        if (r.kind === "group") {
          return (
            <Text key={`g-${r.projectId}`} bold>
              {r.name}:
            </Text>
          );
        }
        const v = r.view;
        const { text, conflict } = secondLine(v, summaryWidth);
        return <FlowRow key={v.id} row={wholeRow(v, input)} selected={v.id === input.cursor} dim={DIMMED.has(v.status)} second={text} conflict={conflict} />;
      })}
    </>
  );
}

const sessionCount = (rows: Row[]) => rows.filter((r) => r.kind === "session").length;
