import chalk from "chalk";
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
 * A cell's text styled as Ink's <Text> styles it (its transform, in its order, through the same
 * chalk), or null for a colour that is not one of chalk's names (Ink parses those itself).
 */
function styledText(text: string, style: CellStyle): string | null {
  let out = text;
  if (style.dimColor) out = chalk.dim(out);
  if (style.color) {
    if (!(style.color in chalk)) return null;
    out = (chalk as unknown as Record<string, (s: string) => string>)[style.color]!(out);
  }
  if (style.bold) out = chalk.bold(out);
  if (style.inverse) out = chalk.inverse(out);
  return out;
}

/**
 * A column's cells, one a line, as the children of ONE <Text>: Ink lays out, measures and writes
 * a text per column rather than one per cell, and a null cell (a line of another column's, such
 * as a summary) writes nothing, so texts laid side by side or over each other never clash.
 * The column's Text takes the style every cell shares, if they share one; every other styled
 * cell is styled here, as a nested Text would style it when Ink squashes the column into one
 * text. The same text comes out, without the ~70 nested Texts (React elements, fibers and Ink
 * nodes) a screenful of coloured statuses, checks and dimmed rows was each refresh.
 */
export function columnText(cells: readonly (Cell | null)[]): { style: CellStyle | undefined; children: ReactNode[] } {
  const styles = new Set(cells.filter((c) => c && c.text !== "").map((c) => c!.style));
  const whole = styles.size === 1 ? [...styles][0] : undefined;
  const out: ReactNode[] = [];
  let plain = "";
  cells.forEach((c, i) => {
    if (i > 0) plain += "\n";
    if (!c || c.text === "") return;
    const text = !c.style || c.style === whole ? c.text : styledText(c.text, c.style);
    if (text !== null) {
      plain += text;
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
