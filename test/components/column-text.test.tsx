import { Text } from "ink";
import { cleanup, render } from "ink-testing-library";
import type { ReactElement, ReactNode } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { columnText, type Cell, type CellStyle } from "../../components/ColumnText.js";

// Colour on, as in a terminal: the styles are what is compared.
await vi.hoisted(async () => (await import("../helpers/colour.js")).colourWhileLoading("1"));
afterEach(() => cleanup());

/** The column as nested Texts, one per styled cell: how Ink would style each cell itself. */
function nested(cells: readonly (Cell | null)[], whole: CellStyle | undefined): ReactNode[] {
  return cells.map((c, i) => (
    <Text key={i}>
      {i > 0 ? "\n" : ""}
      {c && c.text !== "" ? c.style && c.style !== whole ? <Text {...c.style}>{c.text}</Text> : c.text : ""}
    </Text>
  ));
}

const frame = (node: ReactElement) => {
  const r = render(node);
  const f = r.lastFrame();
  r.unmount();
  return f;
};

describe("a column's text", () => {
  it("styles its cells as nested Texts would, in one string: colours, dim, bold, inverse, the style all share", () => {
    const red: CellStyle = { color: "red" };
    const dim: CellStyle = { dimColor: true };
    const columns: (Cell | null)[][] = [
      [{ text: "working", style: { color: "cyan" } }, { text: "ci_failed", style: red }, null, { text: "merged", style: dim }, { text: "plain" }],
      [{ text: "✓", style: { color: "green", bold: true } }, { text: "", style: red }, { text: "▸ fe-2 bar", style: { inverse: true, dimColor: true, color: "yellow" } }],
      [{ text: "a", style: dim }, { text: "b", style: dim }, null, { text: "c", style: dim }],
      [{ text: "hex", style: { color: "#ff8800" } }, { text: "日本語…", style: { color: "magenta" } }, { text: "x" }],
    ];
    const seen = new Set<string>();
    for (const cells of columns) {
      const { style, children } = columnText(cells);
      const ours = frame(<Text {...style}>{children}</Text>);
      expect(ours).toBe(frame(<Text {...style}>{nested(cells, style)}</Text>));
      // Named colours become part of the one string: no nested Text is left for them.
      if (!cells.some((c) => c?.style?.color?.startsWith("#"))) expect(children.every((c) => typeof c === "string")).toBe(true);
      seen.add(ours ?? "");
    }
    // eslint-disable-next-line no-control-regex
    expect([...seen].join("")).toMatch(/\u001b\[(31|2|1|7)m/);
  });
});
