import { shortAge } from "../src/core/age.js";
import type { Column, Row } from "../src/core/dashboard.js";
import { conflictLine } from "../src/core/conflicts.js";
import { ciSymbol, reviewSymbol, sessionLabel } from "../src/core/format.js";
import { inert } from "../src/core/sanitize.js";
import type { SessionView } from "../src/core/types.js";
import { fitCell } from "./cells.js";
import type { Cell, CellStyle } from "./ColumnText.js";
import { DIMMED, STATUS_COLOR } from "./statusColor.js";

/** What a cell reads, before it is cut to its column. Outside text is made inert here. */
export function cellValue(v: SessionView, c: Column, now: number, busy: string | undefined): string {
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

export interface TableInput {
  rows: readonly Row[];
  columns: readonly Column[];
  widths: Record<Column, number>;
  cursor: string | null;
  marked: readonly string[];
  busy: Record<string, string>;
  now: number;
  summaryWidth: number;
}

/** How far the line under a row is indented. */
export const SECOND_INDENT = 10;

/** A row as one line, every cell padded: the cursor's inverse bar, or a row in a narrow terminal. */
export interface WholeRow {
  /** Cursor, mark and the cells before the status. */
  lead: string;
  status: string;
  /** The status's colour; none on a dimmed row. */
  color: string | undefined;
  /** The cells after the status. */
  rest: string;
}

export function wholeRow(v: SessionView, { columns, widths, now, busy, cursor, marked }: TableInput): WholeRow {
  const cells = (from: number, to: number) =>
    columns
      .slice(from, to)
      .map((c) => fitCell(cellValue(v, c, now, busy[v.id]), widths[c]))
      .join(" ");
  const at = columns.indexOf("status");
  return {
    lead: `${v.id === cursor ? "▸" : " "}${marked.includes(v.id) ? "●" : " "}${cells(0, at)}${at > 0 ? " " : ""}`,
    status: `${fitCell(v.status, widths.status)}${at < columns.length - 1 ? " " : ""}`,
    color: DIMMED.has(v.status) ? undefined : STATUS_COLOR[v.status],
    rest: cells(at + 1, columns.length),
  };
}

/** The cursor's row, drawn whole over the columns as one inverse bar. */
export interface CursorLine extends WholeRow {
  /** Its line in the table, from 0. */
  at: number;
}

/** The table's lines split by column: every array holds one entry per line, null where blank. */
export interface TableCells {
  /** The marks (●) of the rows the cursor is not on, ROW_PREFIX wide. */
  marks: (Cell | null)[];
  /** One array per shown column, in order. */
  columns: (Cell | null)[][];
  /** The line under each row (summary or conflicts), drawn indented. */
  second: (Cell | null)[];
  /** Project headings. */
  groups: (Cell | null)[];
  cursor: CursorLine | null;
}

const DIM: CellStyle = { dimColor: true };
const YELLOW: CellStyle = { color: "yellow" };
const BOLD: CellStyle = { bold: true };
const COLOR: Record<string, CellStyle> = {};
const colored = (color: string) => (COLOR[color] ??= { color });
const MARK: Cell = { text: " ●" };
const DIM_MARK: Cell = { text: " ●", style: DIM };

/** The line under a row, cut to `width`: its conflicts (in yellow) on a row not dimmed, else its summary (dimmed). */
export function secondLine(v: SessionView, width: number): { text: string; conflict: boolean } {
  const conflict = v.conflicts.length > 0 && !DIMMED.has(v.status);
  return { text: fitCell(inert(conflict ? conflictLine(v.conflicts) : (v.summary ?? v.statusReason)), width).trimEnd(), conflict };
}

/** A row's cells as last cut, kept while the row's view, the layout and the clock are the same. */
interface RowCells {
  key: string;
  cells: Cell[];
  second: Cell;
}
const cut = new WeakMap<SessionView, RowCells>();

function rowCells(v: SessionView, input: TableInput, layout: string): RowCells {
  const busy = input.busy[v.id];
  const key = `${layout}|${input.now}|${busy ?? ""}`;
  const kept = cut.get(v);
  if (kept?.key === key) return kept;
  const dim = DIMMED.has(v.status);
  const cells = input.columns.map((c): Cell => {
    const color = c === "status" && !dim ? STATUS_COLOR[v.status] : undefined;
    return { text: fitCell(cellValue(v, c, input.now, busy), input.widths[c]).trimEnd(), style: color ? colored(color) : dim ? DIM : undefined };
  });
  const under = secondLine(v, input.summaryWidth);
  const second = { text: under.text, style: under.conflict ? YELLOW : DIM };
  const made = { key, cells, second };
  cut.set(v, made);
  return made;
}

/**
 * Each shown row's cells, cut to their columns by display width, ending where their text does:
 * the rest of a column stays blank. Colour runs only where they mean something: the status, a
 * dimmed (killed or merged) row, the line under a row. A row's cells are the same objects from
 * frame to frame while its view is, so a column none of whose rows changed is not drawn anew;
 * the cursor's row is drawn over them as one line (`cursor`), so moving it changes no column.
 */
export function tableCells(input: TableInput): TableCells {
  const { rows, columns, widths, cursor, marked } = input;
  const layout = `${columns.map((c) => `${c}:${widths[c]}`).join(",")}|${input.summaryWidth}`;
  const out: TableCells = { marks: [], columns: columns.map(() => []), second: [], groups: [], cursor: null };
  const push = (marks: Cell | null, cells: readonly (Cell | null)[] | null, second: Cell | null, group: Cell | null) => {
    out.marks.push(marks);
    out.columns.forEach((col, i) => col.push(cells?.[i] ?? null));
    out.second.push(second);
    out.groups.push(group);
  };
  for (const r of rows) {
    if (r.kind === "group") {
      push(null, null, null, { text: `${r.name}:`, style: BOLD });
      continue;
    }
    const v = r.view;
    const { cells, second } = rowCells(v, input, layout);
    const mark = marked.includes(v.id);
    if (v.id === cursor) out.cursor = { at: out.marks.length, ...wholeRow(v, input) };
    push(mark ? (DIMMED.has(v.status) ? DIM_MARK : MARK) : null, cells, null, null);
    push(null, null, second, null);
  }
  return out;
}

/** The width a column's box takes: its cells and the space after them (the last has none). */
export const columnBox = (widths: Record<Column, number>, columns: readonly Column[], i: number) => widths[columns[i]!] + (i === columns.length - 1 ? 0 : 1);
