// Bundles the CLI into dist/bundle/ so a headless command loads a handful of files instead of
// dozens of ES modules: module resolution and loading were most of `ao session ls`'s start-up.
// Code behind a dynamic import (each command, the config parser, `ao ui`) lands in its own chunk
// and loads only when used. Packages that only some commands need stay external and lazy.
import { rmSync } from "node:fs";
import { build } from "esbuild";

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

await build({
  plugins: [lazyChildProcess],
  entryPoints: { ao: "src/cli.ts" },
  outdir: "dist/bundle",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  // ink, React and their CommonJS dependencies are bundled into the `ao ui` chunk: loaded from
  // node_modules, Node lexed each CommonJS file and resolved ~200 modules, over a second of
  // `ao ui` start-up on a loaded machine. They stay behind the dynamic import, so headless
  // commands never load them.
  // (react-devtools-core: only with DEV=true, and not installed.)
  external: ["@octokit/*", "yaml", "zod", "react-devtools-core"],
  // commander is CommonJS; its require() of Node built-ins needs a real require in ESM.
  banner: { js: "import { createRequire as __aoCreateRequire } from 'node:module'; const require = __aoCreateRequire(import.meta.url);" },
  logLevel: "warning",
});
