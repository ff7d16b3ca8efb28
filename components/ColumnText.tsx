import { Box, Text } from "ink";
import { memo, type ReactNode } from "react";

/** The one style a cell's run may carry. */
export interface CellStyle {
  inverse?: boolean;
  dimColor?: boolean;
  color?: string;
  bold?: boolean;
}

/** A table cell as drawn: its text, already cut to its column, and its style if it has one. */
export interface Cell {
  text: string;
  style?: CellStyle | undefined;
}

/**
 * A column's cells, one a line, as the children of ONE <Text>: Ink lays out, measures and writes
 * a text per column rather than one per cell, and a null cell (a line of another column's, such
 * as a summary) writes nothing, so texts laid side by side or over each other never clash.
 * Plain cells are joined into one string; a styled cell becomes a nested Text, unless every
 * cell has that one style, which the column's Text then takes.
 */
export function columnText(cells: readonly (Cell | null)[]): { style: CellStyle | undefined; children: ReactNode[] } {
  const styles = new Set(cells.filter((c) => c && c.text !== "").map((c) => c!.style));
  const whole = styles.size === 1 ? [...styles][0] : undefined;
  const out: ReactNode[] = [];
  let plain = "";
  cells.forEach((c, i) => {
    if (i > 0) plain += "\n";
    if (!c || c.text === "") return;
    if (!c.style || c.style === whole) {
      plain += c.text;
      return;
    }
    if (plain) out.push(plain);
    plain = "";
    out.push(
      <Text key={i} {...c.style}>
        {c.text}
      </Text>,
    );
  });
  if (plain) out.push(plain);
  return { style: whole, children: out };
}

interface ColumnProps {
  cells: readonly (Cell | null)[];
  width: number;
  /** Laid over the columns rather than beside them, `indent` columns in. */
  over?: { indent: number };
}

function ColumnBox({ cells, width, over }: ColumnProps) {
  const { style, children } = columnText(cells);
  return (
    <Box width={width} flexShrink={0} {...(over ? { position: "absolute" as const, marginLeft: over.indent } : {})}>
      <Text {...style}>{children}</Text>
    </Box>
  );
}

const sameCell = (a: Cell | null, b: Cell | null) => a === b || (a !== null && b !== null && a.text === b.text && a.style === b.style);

/** Same cells line by line (text and style) and width: nothing to lay out or draw again. */
const same = (a: ColumnProps, b: ColumnProps) =>
  a.width === b.width && a.over?.indent === b.over?.indent && a.cells.length === b.cells.length && a.cells.every((c, i) => sameCell(c, b.cells[i]!));

export const TableColumn = memo(ColumnBox, same);
