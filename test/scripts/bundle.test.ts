import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/ao.js";

const BUNDLE = path.join(ROOT, "dist/bundle");
// `npm test` builds first (pretest), so dist/ is this source's build.
const chunks = () => readdirSync(BUNDLE).filter((f) => f.endsWith(".js") || f.endsWith(".cjs"));
const holding = (marker: string) => chunks().filter((f) => readFileSync(path.join(BUNDLE, f), "utf8").includes(marker));

describe("the dashboard's bundle", () => {
  it("holds React, its reconciler and its scheduler in their production builds alone", () => {
    // esbuild names each bundled module in a comment: "// node_modules/react/cjs/react.production.js".
    for (const pkg of ["react/cjs/react", "react-reconciler/cjs/react-reconciler", "scheduler/cjs/scheduler"]) {
      expect(holding(`// node_modules/${pkg}.production.js`), pkg).not.toEqual([]);
      expect(holding(`// node_modules/${pkg}.development.js`), pkg).toEqual([]);
    }
  });
});

describe("Ink in the bundle", () => {
  it("lays frames out, measures and wraps texts with ao's modules, not Ink's own", () => {
    const ours = holding("// components/inkOutput.ts");
    expect(ours).toHaveLength(1);
    for (const mine of ["inkMeasureText.ts", "inkWrapText.ts"]) expect(holding(`// components/${mine}`)).toEqual(ours);
    for (const inks of ["output.js", "measure-text.js", "wrap-text.js"]) expect(holding(`// node_modules/ink/build/${inks}`)).toEqual([]);
    // Ink's renderer is there, with the modules in place of its own beside it.
    expect(holding("// node_modules/ink/build/renderer.js")).toEqual(ours);
  });
});

describe("string-width in the bundle", () => {
  it("is ao's quicker one where Ink measures text, with the package itself behind it", () => {
    const file = holding("// components/stringWidth.ts");
    expect(file).toHaveLength(1);
    const text = readFileSync(path.join(BUNDLE, file[0]!), "utf8");
    const section = (name: string) => text.slice(text.indexOf(`// ${name}\n`)).split("\n// ")[0]!;
    // The name esbuild gave ao's function, and the one widest-line (Ink's measure) calls.
    const ours = /function (\w+)\(input, options\)/.exec(section("components/stringWidth.ts"))?.[1];
    expect(ours).toBeDefined();
    expect(section("node_modules/widest-line/index.js")).toContain(`${ours}(line)`);
    expect(holding("// node_modules/string-width/index.js")).toEqual(file);
  });
});
