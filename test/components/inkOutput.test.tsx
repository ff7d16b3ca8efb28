import { cleanup } from "ink-testing-library";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import Output from "../../components/inkOutput.js";
import { KEY, renderDashboard } from "../helpers/dashboard-harness.js";
import { many, view } from "../helpers/session-view.js";

// Colour on, as in a terminal: the frames carry the styles both assemblers must lay out alike.
// Ink's chalk reads this as it loads, which vi.hoisted runs before.
await vi.hoisted(async () => (await import("../helpers/colour.js")).colourWhileLoading("1"));
afterEach(() => cleanup());

// Ink's own modules, from the very files its renderer loads (its package exports only its index).
const inkFile = (name: string) => import(pathToFileURL(path.resolve("node_modules/ink/build", name)).href);
type Transformer = (line: string, index: number) => string;
interface OutputLike {
  write(x: number, y: number, text: string, o: { transformers: Transformer[] }): void;
  clip(c: object): void;
  unclip(): void;
  get(): { output: string; height: number };
}
type Op = ["write", number, number, string, Transformer[]] | ["clip", object] | ["unclip"];

/** Ink's Output interface that only records, so one walk of Ink's tree can feed both assemblers. */
class Recorder {
  ops: Op[] = [];
  constructor(readonly size: { width: number; height: number }) {}
  write(x: number, y: number, text: string, o: { transformers: Transformer[] }) {
    this.ops.push(["write", x, y, text, o.transformers]);
  }
  clip(c: object) {
    this.ops.push(["clip", c]);
  }
  unclip() {
    this.ops.push(["unclip"]);
  }
}

function replay(out: OutputLike, ops: Op[]): string {
  for (const op of ops) {
    if (op[0] === "write") out.write(op[1], op[2], op[3], { transformers: op[4] });
    else if (op[0] === "clip") out.clip(op[1]);
    else out.unclip();
  }
  return out.get().output;
}

async function inkOutput(): Promise<new (size: { width: number; height: number }) => OutputLike> {
  return (await inkFile("output.js")).default;
}

describe("the frame assembler the bundle gives Ink", () => {
  it("lays out real dashboard frames byte for byte as Ink's own Output does", async () => {
    const InkOutput = await inkOutput();
    const instances: WeakMap<object, { rootNode: { yogaNode: { getComputedWidth(): number; getComputedHeight(): number } } }> = (await inkFile("instances.js")).default;
    const renderNodeToOutput = (await inkFile("render-node-to-output.js")).default;
    const sessions = [
      ...many(3),
      view({ id: "fe-20", status: "needs_input", activity: "waiting_input", conflicts: [{ with: "fe-2", files: ["a.ts"] }] as never }),
      view({ id: "fe-21", branch: "feat/日本語のブランチ名-that-is-long-enough-to-be-cut", summary: "asked: 続けますか？ 🙂", prNumber: 12, ciStatus: "failure", reviewDecision: "changes_requested", pendingThreads: 3 }),
      view({ id: "api-1", status: "merged", prNumber: 7, ciStatus: "success", summary: "e\u0301te\u0301 👍🏽 🇯🇵 done" }),
      view({ id: "api-2", status: "stuck", summary: "tabs\tand a very long summary ".repeat(6) }),
    ];
    const frames: string[] = [];
    for (const [columns, rows] of [
      [120, 30],
      [60, 20],
    ] as const) {
      const h = await renderDashboard({ sessions, cursor: "fe-20" }, { columns, rows });
      const capture = () => {
        const root = instances.get(h.stdout)!.rootNode;
        const size = { width: root.yogaNode.getComputedWidth(), height: root.yogaNode.getComputedHeight() };
        const rec = new Recorder(size);
        renderNodeToOutput(root, rec, { skipStaticElements: true });
        const ink = replay(new InkOutput(size), rec.ops);
        // The walk replayed through Ink's Output is the frame Ink drew: the recording is whole.
        expect(ink).toBe(h.raw());
        expect(replay(new Output(size), rec.ops)).toBe(ink);
        // Twice: what the first frame left in the caches changes nothing.
        expect(replay(new Output(size), rec.ops)).toBe(ink);
        frames.push(ink);
      };
      capture();
      await h.press("j", "j");
      capture();
      await h.press(KEY.tab);
      capture();
      await h.press(KEY.tab, "?");
      capture();
      h.unmount();
    }
    // The screens differ and carry colour, wide and combining characters.
    expect(new Set(frames).size).toBe(frames.length);
    // eslint-disable-next-line no-control-regex
    expect(frames.join("")).toMatch(/\u001b\[3\dm/);
    for (const wide of ["続け", "🙂", "👍🏽", "日本"]) expect(frames.join("")).toContain(wide);
  });

  it("agrees with Ink's own Output on random writes, clips and transformers", async () => {
    const InkOutput = await inkOutput();
    // mulberry32: a small seeded generator whose low bits are as random as its high ones.
    let seed = 20261201;
    const rand = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return (((t ^ (t >>> 14)) >>> 0) % n) as number;
    };
    const pick = <T,>(xs: readonly T[]): T => xs[rand(xs.length)]!;
    const CODES = ["\u001b[31m", "\u001b[39m", "\u001b[1m", "\u001b[22m", "\u001b[2m", "\u001b[7m", "\u001b[27m", "\u001b[0m", "\u001b[m", "\u001b[1;4;33m", "\u001b[38;5;208m", "\u001b[48;2;10;20;30m", "\u001b[49m", "\u001b[24m", "\u001b[9m", "\u001b[;m", "\u001b[38;5m", "\u001b[0;31m"];
    const PIECES = ["a", "ab c", "xyz", " ", "漢字", "🙂", "👍🏽", "🇯🇵", "e\u0301", "\u200b", "…", "▸", "\t", "\u001b]8;;https://x.test\u0007link\u001b]8;;\u0007", "\u001b[", "\u001b", "\n", "✓"];
    // Half the texts are what nearly every dashboard line is, ASCII and colour codes alone
    // (the assembler's quick path); the rest mix in everything else.
    const ASCII = ["a", "ab c", "xyz", " ", "-"];
    const text = () => {
      const pieces = rand(2) ? ASCII : PIECES;
      let s = "";
      for (let i = rand(8); i >= 0; i--) s += rand(3) === 0 ? pick(CODES) : pick(pieces);
      return s;
    };
    const TRANSFORMERS: Transformer[] = [(l) => l.toUpperCase(), (l, i) => `${i}:${l}`, (l) => `\u001b[32m${l}\u001b[39m`];
    for (let round = 0; round < 1500; round++) {
      const size = { width: 1 + rand(30), height: 1 + rand(8) };
      const ops: Op[] = [];
      for (let i = rand(12); i >= 0; i--) {
        const kind = rand(10);
        if (kind === 0) {
          const c: Record<string, number> = {};
          if (rand(3)) Object.assign(c, { x1: rand(size.width), x2: rand(size.width + 5) });
          if (rand(3)) Object.assign(c, { y1: rand(size.height), y2: rand(size.height + 3) });
          ops.push(["clip", c]);
        } else if (kind === 1) ops.push(["unclip"]);
        else ops.push(["write", rand(size.width + 4) - 2, rand(size.height + 2) - 1, text(), rand(4) ? [] : [pick(TRANSFORMERS)]]);
      }
      const want = replay(new InkOutput(size), ops);
      expect(replay(new Output(size), ops), JSON.stringify({ size, ops: ops.map((o) => o.slice(0, 4)) })).toBe(want);
    }
  });
});
