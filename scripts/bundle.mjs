// Bundles the CLI into dist/bundle/, in two halves:
// - ao.cjs: every headless command, one CommonJS file. bin/ao.js compiles it through V8's code
//   cache (Node 20 has no compile cache for modules), so a warm `ao session ls` skips compiling.
//   Code behind a dynamic import (each command, the config parser) is in the file but runs only
//   when used. Packages that only some commands need stay external and lazy.
// - ao.js, ui.js and their chunks: `ao ui` and the demo, as ES modules, because ink is one. ink, React and
//   their CommonJS dependencies are bundled in: loaded from node_modules, Node lexed each file
//   and resolved ~200 modules, over a second of `ao ui` start-up on a loaded machine.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { asciiOnly } from "./ascii-only.mjs";

// Chunk names carry content hashes: clear old ones so dist/ holds only this build.
rmSync("dist/bundle", { recursive: true, force: true });

// commander loads node:child_process (with net, dgram and streams) for executable subcommands,
// which ao does not use; a lazy stand-in spares every command that cost until a process runs.
const lazyChildProcess = {
  name: "lazy-child-process",
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.importer.includes("node_modules/commander") ? { path: "child_process", namespace: "ao-lazy" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "ao-lazy" }, () => ({
      contents: 'module.exports = new Proxy({}, { get: (_t, key) => require("node:child_process")[key] });',
      loader: "js",
    }));
  },
};

// In the CommonJS half, `ao ui` and the demo are the ES-module half's entry, loaded when run.
const uiHalf = {
  name: "ui-half",
  setup(b) {
    b.onResolve({ filter: /^(\.\/commands\/ui|\.\.\/demo\/run)\.js$/ }, (args) =>
      args.importer.endsWith("src/cli.ts") ? { path: "./ui.js", external: true } : undefined,
    );
  },
};

// ES-module-only packages (@octokit) and the other half can only come in through import(), and
// code compiled by node:vm has no import() of its own: bin/ao.js hands the bundle `__aoImport`.
const IMPORT_CALL = /\bimport\((["'])([^"']+)\1\)/g;
// `import path from "node:path"` becomes a copy of every export of the built-in (esbuild's
// __toESM), in each of the ~30 modules that import one: ~2 ms of every start. An object whose
// prototype is the built-in, with the built-in as its default, reads the same and copies nothing.
const BUILTIN_TO_ESM = /__toESM\(require\("(node:[a-z_/]+)"\), ?1\)/g;
const BUILTIN_HELPER = "var __aoBuiltin = (m) => Object.create(m, { default: { value: m, enumerable: true } });\n";

function useLoaderImport(file) {
  const text = readFileSync(file, "utf8");
  const out = BUILTIN_HELPER + text.replace(IMPORT_CALL, (_m, q, spec) => `__aoImport(${q}${spec}${q})`).replace(BUILTIN_TO_ESM, '__aoBuiltin(require("$1"))');
  // Any other import( would throw at run time (node:vm has no loader for it): stop the build.
  const left = out.match(/\bimport\s*\(/g);
  if (left) throw new Error(`${file}: ${left.length} import() call(s) not rewritten; bin/ao.js cannot load them`);
  writeFileSync(file, out);
}

// React, its reconciler and its scheduler pick their development or production build by
// NODE_ENV as they load, so a bundle holds both: 800 KB of development code in the dashboard's
// chunks that V8 parsed at every start of ao ui and never ran (ao ui runs the production build; see
// preloadUi). Their entry points are bundled as the production require alone.
const NODE_ENV_SWITCH = /^'use strict';\s*if \(process\.env\.NODE_ENV === 'production'\) \{\s*module\.exports = require\(('[^']+')\);\s*\} else \{\s*module\.exports = require\('[^']+'\);\s*\}\s*$/;
const reactProduction = {
  name: "react-production",
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/](react|react-reconciler|scheduler)[\\/][^\\/]+\.js$/ }, (args) => {
      const m = NODE_ENV_SWITCH.exec(readFileSync(args.path, "utf8"));
      return m ? { contents: `'use strict';\nmodule.exports = require(${m[1]});\n`, loader: "js" } : undefined;
    });
  },
};

// Modules of Ink's own that the bundle takes from components/ in their place, each giving the
// same results (their files say why): the output stage (laying each write out into the frame),
// and the sizes and wrapping of texts, whose caches in Ink grow without end.
const INK_MODULES = {
  "./output.js": "inkOutput.ts",
  "./measure-text.js": "inkMeasureText.ts",
  "./wrap-text.js": "inkWrapText.ts",
};
const inkModules = {
  name: "ink-modules",
  setup(b) {
    b.onResolve({ filter: /^\.\/(output|measure-text|wrap-text)\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]ink[\\/]build[\\/][^\\/]+\.js$/.test(args.importer)
        ? { path: fileURLToPath(new URL(`../components/${INK_MODULES[args.path]}`, import.meta.url)) }
        : undefined,
    );
  },
};

// Ink measures every new text of a frame with string-width (through widest-line, and
// cli-truncate for truncated text); components/stringWidth.ts gives the same widths without
// segmenting text no character of which can join another.
const STRING_WIDTH = fileURLToPath(new URL("../components/stringWidth.ts", import.meta.url));
const inkStringWidth = {
  name: "ink-string-width",
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, (args) => (/[\\/]node_modules[\\/](ink|widest-line|cli-truncate)[\\/]/.test(args.importer) ? { path: STRING_WIDTH } : undefined));
  },
};

const shared = { bundle: true, platform: "node", target: "node20", sourcemap: true, logLevel: "warning" };

await build({
  ...shared,
  plugins: [lazyChildProcess, uiHalf],
  entryPoints: { ao: "src/cli.ts" },
  outdir: "dist/bundle",
  outExtension: { ".js": ".cjs" },
  // Every headless start reads and hashes the whole text: without its comments and indentation
  // it is 30% smaller. Names stay, so a stack (AO_DEBUG) still says which function.
  minifyWhitespace: true,
  format: "cjs",
  external: ["@octokit/*", "yaml", "zod"],
  // The bundle is not an ES module: import.meta.url is the file's own URL, made from __filename.
  define: { "import.meta.url": "__aoMetaUrl" },
  banner: { js: 'var __aoMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
});
useLoaderImport("dist/bundle/ao.cjs");
asciiOnly("dist/bundle/ao.cjs");

await build({
  ...shared,
  plugins: [lazyChildProcess, reactProduction, inkModules, inkStringWidth],
  // ao.js: the whole CLI as ES modules, which `ao ui` starts from (bin/ao.js): the dashboard then
  // loads only its own chunks instead of compiling every headless command first, which grew
  // V8's young generation to 32 MB before the dashboard could cap it. ui.js: the CommonJS
  // half's way to `ao ui`.
  entryPoints: { ao: "src/cli.ts", ui: "src/ui-entry.ts", demo: "demo/main.ts" },
  outdir: "dist/bundle",
  splitting: true,
  format: "esm",
  // (react-devtools-core: only with DEV=true, and not installed.)
  external: ["@octokit/*", "yaml", "zod", "react-devtools-core"],
  // commander is CommonJS; its require() of Node built-ins needs a real require in ESM.
  banner: { js: "import { createRequire as __aoCreateRequire } from 'node:module'; const require = __aoCreateRequire(import.meta.url);" },
});
