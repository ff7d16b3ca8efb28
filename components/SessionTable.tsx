import { Box, Text } from "ink";
import { shortAge } from "../src/core/age.js";
import { layoutColumns, ROW_PREFIX, visibleRows, type Column, type Row } from "../src/core/dashboard.js";
import { conflictLine } from "../src/core/conflicts.js";
import { ciSymbol, reviewSymbol, sessionLabel } from "../src/core/format.js";
import { inert } from "../src/core/sanitize.js";
import type { SessionView } from "../src/core/types.js";
import { useDashboard, useTableRows } from "../hooks/useDashboard.js";
import { SessionRow, type RowText } from "./SessionRow.js";
import { DIMMED, STATUS_COLOR } from "./statusColor.js";

const PLAIN = /^[\x20-\x7e]*$/;
const HEAD: Record<Column, string> = { session: "Session", branch: "Branch", status: "Status", pr: "PR", ci: "CI", rev: "Rev", thr: "Thr", activity: "Activity", age: "Age" };

function fit(s: string, w: number): string {
  const chars = [...s];
  return chars.length > w ? `${chars.slice(0, w - 1).join("")}…` : s + " ".repeat(w - chars.length);
}

function cell(v: SessionView, c: Column, now: number, busy: string | undefined): string {
  switch (c) {
    case "session":
      return inert(sessionLabel(v));
    case "branch":
      return inert(v.branch ?? "-");
    case "status":
      return v.status;
    case "pr":
      return v.prNumber !== null ? `#${v.prNumber}` : "-";
    case "ci":
      return ciSymbol(v.ciStatus);
    case "rev":
      return reviewSymbol(v.reviewDecision);
    case "thr":
      return v.pendingThreads !== null ? String(v.pendingThreads) : "-";
    case "activity":
      return busy ? `${busy}…` : (v.activity ?? "-");
    case "age":
      return v.createdAt ? shortAge(new Date(v.createdAt), new Date(now)) : "-";
  }
}

/**
 * The session table, windowed: only the rows that fit in `height` lines are rendered, so 500
 * sessions cost what a screenful costs.
 */
export function SessionTable({ width, height }: { width: number; height: number }) {
  const hasSessions = useDashboard((s) => s.sessions.length > 0);
  // Filtered and sorted once per change, shared with the store's cursor moves.
  const rows = useTableRows();
  const cursor = useDashboard((s) => s.cursor);
  const busy = useDashboard((s) => s.busy);
  const marked = useDashboard((s) => s.marked);
  const now = useDashboard((s) => s.now);
  const { columns: cols, widths: WIDTH } = layoutColumns(width);
  if (rows.length === 0) {
    return <Text dimColor>{hasSessions ? "(no sessions match the filter)" : "(no active sessions)"}</Text>;
  }
  // One line for the headings; when rows are cut, one more says how many are out of view.
  let { start, end } = visibleRows(rows, cursor, Math.max(2, height - 1));
  const cut = start > 0 || end < rows.length;
  if (cut) ({ start, end } = visibleRows(rows, cursor, Math.max(2, height - 2)));
  const above = sessionCount(rows.slice(0, start));
  const below = sessionCount(rows.slice(end));
  const summaryWidth = Math.max(10, width - 12);
  const statusAt = cols.indexOf("status");
  // Symbols (✓ ✗ △ ⋯) live in the CI and review columns: the row's text is split before them.
  const symbolAt = cols.findIndex((c) => c === "ci" || c === "rev");
  const cellText = (v: SessionView, c: Column) => fit(cell(v, c, now, busy[v.id]), WIDTH[c]) + (c === cols[cols.length - 1] ? "" : " ");
  const line = (v: SessionView, from: number, to: number) => (from < 0 || from >= to ? "" : cols.slice(from, to).map((c) => cellText(v, c)).join(""));
  const leadWidth = ROW_PREFIX + cols.slice(0, statusAt).reduce((n, c) => n + WIDTH[c] + 1, 0);
  const rowWidth = ROW_PREFIX + cols.reduce((n, c) => n + WIDTH[c], 0) + cols.length - 1;
  const rowText = (v: SessionView): RowText => {
    const selected = v.id === cursor;
    const dim = DIMMED.has(v.status);
    const conflict = v.conflicts.length > 0 && !dim;
    const split = symbolAt < 0 ? cols.length : symbolAt;
    const lead = (selected ? "▸" : " ") + (marked.includes(v.id) ? "●" : " ") + line(v, 0, statusAt);
    const symbols = line(v, split, cols.length);
    // Written whole, padding and all, for Ink to lay out as it always did: when the terminal is
    // too narrow for a row, and when the session or branch is not plain ASCII (fit() counts
    // characters, and a wide one takes two columns, so Yoga's columns would not line up).
    const flow = rowWidth > width - 1 || !PLAIN.test(lead.slice(ROW_PREFIX));
    const whole = selected || flow;
    return {
      lead: whole ? lead : lead.trimEnd(),
      status: cellText(v, "status"),
      statusColor: STATUS_COLOR[v.status],
      plain: line(v, statusAt + 1, split),
      symbols: whole ? symbols : symbols.trimEnd(),
      width: rowWidth,
      right: rowWidth - leadWidth,
      selected,
      dim,
      second: fit(inert(conflict ? conflictLine(v.conflicts) : (v.summary ?? v.statusReason)), summaryWidth).trimEnd(),
      conflict,
      flow,
    };
  };
  return (
    // flexShrink 0: when a dialog takes lines, the parent clips the table's bottom rows
    // instead of squeezing each two-line row into one.
    <Box flexDirection="column" flexShrink={0}>
      <Text dimColor>{"  " + cols.map((c) => fit(HEAD[c], WIDTH[c])).join(" ")}</Text>
      {rows.slice(start, end).map((r) =>
        r.kind === "group" ? (
          <Text key={`g-${r.projectId}`} bold>
            {r.name}:
          </Text>
        ) : (
          <SessionRow key={r.view.id} {...rowText(r.view)} />
        ),
      )}
      {cut && (
        <Text dimColor>
          {"  "}
          {[above > 0 ? `↑ ${above} more above` : "", below > 0 ? `↓ ${below} more below` : ""].filter(Boolean).join(" · ") || " "}
        </Text>
      )}
    </Box>
  );
}

const sessionCount = (rows: Row[]) => rows.filter((r) => r.kind === "session").length;
