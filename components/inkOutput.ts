// The dashboard's frame assembler: what Ink's own Output (ink/build/output.js) does, to the byte,
// in a fraction of the time. scripts/bundle.mjs puts it in place of Ink's in the bundle `ao ui` runs.
//
// Why: at 500 sessions Ink's output stage was 9–12 ms of a 15–19 ms frame, nearly all in three
// places that repeat work. Ink tokenizes every written line again each frame (its caches live
// for one frame); it builds each row as cells holding a fresh copy of their styles, then turns
// the row back into text by diffing the styles of every pair of neighbouring cells (two Sets per
// cell). Here a line's cells are kept across frames, each set of styles exists once (so equal
// styles are the same array and need no diff), and the diff between two sets is kept too.
// test/components/inkOutput.test.tsx replays real dashboard frames and random writes through both.
import { ansiCodesToString, diffAnsiCodes, reduceAnsiCodesIncremental, styledCharsFromTokens, tokenize, type AnsiCode } from "@alcalzone/ansi-tokenize";
import sliceAnsi from "slice-ansi";
import { remember } from "./bounded.js";
import stringWidth, { STANDALONE_WITH_SGR, standaloneWidth } from "./stringWidth.js";

type Styles = readonly AnsiCode[];
interface Cell {
  readonly value: string;
  readonly styles: Styles;
  /** Columns the cell takes: Ink's `max(1, stringWidth(value))`. */
  readonly width: number;
}
export interface Clip {
  x1?: number;
  x2?: number;
  y1?: number;
  y2?: number;
}
type Transformer = (line: string, index: number) => string;
type Operation = { type: "write"; x: number; y: number; text: string; transformers: Transformer[] } | { type: "clip"; clip: Clip } | { type: "unclip" };

/**
 * Caches that outlive a frame, emptied whole when they reach this many entries: a screenful is
 * ~500 written lines, and a line's cells are ~20 small objects.
 */
const CACHE_LIMIT = 5_000;
const NO_STYLES: Styles = Object.freeze([]);
const SPACE: Cell = { value: " ", styles: NO_STYLES, width: 1 };
/**
 * Colour codes (SGR) and characters that are each a grapheme whatever stands next to them
 * (printable ASCII, "…", "✓", CJK: see stringWidth.ts): what nearly every line of the dashboard is.
 */
const SIMPLE = STANDALONE_WITH_SGR;

class Caches {
  private readonly cells = new Map<string, readonly Cell[]>();
  private readonly widths = new Map<string, number>();
  private readonly styles = new Map<string, Styles>();
  private readonly diffs = new Map<Styles, Map<Styles, string>>();
  private readonly fillers = new Map<Styles, Cell>();
  private readonly sequences = new Map<string, readonly AnsiCode[] | undefined>();

  width(text: string): number {
    return remember(this.widths, text, CACHE_LIMIT, stringWidth);
  }

  widest(text: string): number {
    let widest = 0;
    for (const line of text.split("\n")) widest = Math.max(widest, this.width(line));
    return widest;
  }

  /** A line's cells, as Ink's styledCharsFromTokens(tokenize(line)) gives them. */
  lineCells(line: string): readonly Cell[] {
    return remember(
      this.cells,
      line,
      CACHE_LIMIT,
      () =>
        (SIMPLE.test(line) && this.simpleCells(line)) ||
        styledCharsFromTokens(tokenize(line)).map((c) => ({ value: c.value, styles: this.intern(c.styles), width: Math.max(1, this.width(c.value)) })),
    );
  }

  /**
   * The same cells for a line of standalone characters and SGR codes, without segmenting it
   * into graphemes: each character is a grapheme of its own, as wide as string-width says it
   * is, and each run of codes is tokenized alone and reduced as styledCharsFromTokens reduces
   * it. Undefined if tokenize reads a run as anything but codes.
   */
  private simpleCells(line: string): Cell[] | undefined {
    const cells: Cell[] = [];
    let codes: AnsiCode[] = [];
    let styles = NO_STYLES;
    for (let i = 0; i < line.length; ) {
      const code = line.charCodeAt(i);
      if (code !== 0x1b) {
        cells.push({ value: line[i]!, styles, width: code <= 0x7e ? 1 : Math.max(1, standaloneWidth(line[i]!)) });
        i++;
        continue;
      }
      const end = line.indexOf("m", i) + 1;
      const tokens = this.sgr(line.slice(i, end));
      if (tokens === undefined) return undefined;
      for (const token of tokens) codes = reduceAnsiCodesIncremental(codes, [token]);
      styles = this.intern(codes);
      i = end;
    }
    return cells;
  }

  private sgr(sequence: string): readonly AnsiCode[] | undefined {
    return remember(this.sequences, sequence, CACHE_LIMIT, () => {
      const read = tokenize(sequence);
      return read.every((t) => t.type === "ansi") ? (read as AnsiCode[]) : undefined;
    });
  }

  /** What follows a wide character in the columns it covers (Ink: an empty cell in its styles). */
  filler(styles: Styles): Cell {
    let cell = this.fillers.get(styles);
    if (cell === undefined) this.fillers.set(styles, (cell = { value: "", styles, width: 1 }));
    return cell;
  }

  /** The codes that take a terminal from one set of styles to another (Ink's diffAnsiCodes). */
  diff(from: Styles, to: Styles): string {
    let byTo = this.diffs.get(from);
    if (byTo === undefined) this.diffs.set(from, (byTo = new Map()));
    let codes = byTo.get(to);
    if (codes === undefined) byTo.set(to, (codes = ansiCodesToString(diffAnsiCodes([...from], [...to]))));
    return codes;
  }

  private intern(styles: AnsiCode[]): Styles {
    if (styles.length === 0) return NO_STYLES;
    const key = styles.map((s) => `${s.code}\u0000${s.endCode}`).join("\u0001");
    let interned = this.styles.get(key);
    if (interned === undefined) {
      // Sets of styles are few (a palette's worth); the diffs between them are keyed by identity.
      if (this.styles.size >= CACHE_LIMIT) {
        this.styles.clear();
        this.diffs.clear();
        this.fillers.clear();
        this.cells.clear();
      }
      this.styles.set(key, (interned = Object.freeze(styles.map((s) => ({ ...s })))));
    }
    return interned;
  }
}

const shared = new Caches();

/** Ink's Output interface: writes and clips gathered while Ink walks its tree, then one frame. */
export default class Output {
  readonly width: number;
  readonly height: number;
  private readonly operations: Operation[] = [];
  private readonly caches = shared;

  constructor(options: { width: number; height: number }) {
    this.width = options.width;
    this.height = options.height;
  }

  write(x: number, y: number, text: string, options: { transformers: Transformer[] }): void {
    if (!text) return;
    this.operations.push({ type: "write", x, y, text, transformers: options.transformers });
  }

  clip(clip: Clip): void {
    this.operations.push({ type: "clip", clip });
  }

  unclip(): void {
    this.operations.push({ type: "unclip" });
  }

  get(): { output: string; height: number } {
    const rows: Cell[][] = [];
    for (let y = 0; y < this.height; y++) rows.push(new Array<Cell>(this.width).fill(SPACE));
    const clips: Clip[] = [];
    for (const operation of this.operations) {
      if (operation.type === "clip") clips.push(operation.clip);
      else if (operation.type === "unclip") clips.pop();
      else this.place(rows, operation, clips.at(-1));
    }
    return { output: rows.map((row) => this.rowText(row)).join("\n"), height: rows.length };
  }

  // Ink's clipping, step for step: whole writes outside the clip are skipped, lines cut with
  // slice-ansi by columns, rows cut by index.
  private place(rows: Cell[][], operation: Extract<Operation, { type: "write" }>, clip: Clip | undefined): void {
    const { text, transformers } = operation;
    let { x, y } = operation;
    let lines = text.split("\n");
    if (clip) {
      const clipX = typeof clip.x1 === "number" && typeof clip.x2 === "number";
      const clipY = typeof clip.y1 === "number" && typeof clip.y2 === "number";
      if (clipX && (x + this.caches.widest(text) < clip.x1! || x > clip.x2!)) return;
      if (clipY && (y + lines.length < clip.y1! || y > clip.y2!)) return;
      if (clipX) {
        const { x1, x2 } = clip as Required<Clip>;
        lines = lines.map((line) => {
          const width = this.caches.width(line);
          return sliceAnsi(line, x < x1 ? x1 - x : 0, x + width > x2 ? x2 - x : width);
        });
        if (x < x1) x = x1;
      }
      if (clipY) {
        const { y1, y2 } = clip as Required<Clip>;
        lines = lines.slice(y < y1 ? y1 - y : 0, y + lines.length > y2 ? y2 - y : lines.length);
        if (y < y1) y = y1;
      }
    }
    let offsetY = 0;
    for (let index = 0; index < lines.length; index++) {
      const row = rows[y + offsetY];
      // A text taller than the frame: Ink drops the lines below it without counting them.
      if (!row) continue;
      let line = lines[index]!;
      for (const transform of transformers) line = transform(line, index);
      let offsetX = x;
      for (const cell of this.caches.lineCells(line)) {
        row[offsetX] = cell;
        for (let i = 1; i < cell.width; i++) row[offsetX + i] = this.caches.filler(cell.styles);
        offsetX += cell.width;
      }
      offsetY++;
    }
  }

  // Ink's styledCharsToString, then trimEnd. Holes (a write that began past the row's end) are
  // skipped as Ink skips them.
  private rowText(row: Cell[]): string {
    let text = "";
    let last: Styles | undefined;
    for (let i = 0; i < row.length; i++) {
      const cell = row[i];
      if (cell === undefined) continue;
      text += (last === undefined ? this.caches.diff(NO_STYLES, cell.styles) : last === cell.styles ? "" : this.caches.diff(last, cell.styles)) + cell.value;
      last = cell.styles;
    }
    if (last !== undefined) text += this.caches.diff(last, NO_STYLES);
    return text.trimEnd();
  }
}
