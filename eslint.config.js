// Lint rules, and the import boundaries of shared/DESIGN.md §2 made executable:
// components → hooks → dashboard store → services → plugins → exec; core imports nothing of ours.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const io = ["execa", "node:child_process", "child_process", "node:net", "net", "node:http", "http", "node:https", "https", "node:fs", "fs", "node:fs/promises", "fs/promises"];
const noIo = (why) => ({ paths: io.map((name) => ({ name, message: why })) });
const groups = (...list) => list.map(([group, message]) => ({ group, message }));

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "test/fixtures/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly", setTimeout: "readonly", clearTimeout: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  {
    // bin/ is CommonJS (bin/package.json): the loader compiles the CLI bundle with node:vm.
    files: ["bin/**/*.js"],
    languageOptions: { sourceType: "commonjs", globals: { require: "readonly", module: "readonly", __dirname: "readonly", Buffer: "readonly" } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    files: ["src/**/*.ts"],
    ignores: ["src/exec.ts"],
    rules: {
      "no-restricted-imports": ["error", {
        paths: [
          { name: "execa", message: "src/exec.ts is the one place that starts processes." },
          { name: "node:child_process", message: "src/exec.ts is the one place that starts processes." },
        ],
        patterns: groups([["**/components/**", "**/hooks/**"], "src/ never imports the UI (only `ao ui` loads it, with a dynamic import)."]),
      }],
    },
  },
  {
    files: ["src/core/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", {
        ...noIo("src/core is pure: no I/O."),
        patterns: groups([["../**"], "src/core imports nothing of ours outside core."]),
      }],
    },
  },
  {
    files: ["src/plugins/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", {
        paths: [{ name: "execa", message: "Run processes through src/exec.ts." }],
        patterns: groups([["**/services/**", "**/commands/**", "**/store/**", "**/app.js", "**/components/**", "**/hooks/**"], "Plugins sit below services: they never call up."]),
      }],
    },
  },
  {
    files: ["src/services/**/*.ts", "src/metadata/**/*.ts", "src/config/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", {
        paths: [{ name: "execa", message: "Run processes through src/exec.ts." }],
        patterns: groups([["**/commands/**", "**/store/**", "**/components/**", "**/hooks/**"], "Services sit below commands and the dashboard store."]),
      }],
    },
  },
  {
    files: ["hooks/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": ["error", {
        ...noIo("Hooks never run processes or touch files: they call services through store actions."),
        patterns: groups(
          [["../src/**", "!../src/store", "!../src/store/**", "!../src/core", "!../src/core/**"], "Hooks reach only the dashboard store and core."],
          [["../components/**"], "Components import hooks, not the other way round."],
        ),
      }],
    },
  },
  {
    files: ["components/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": ["error", {
        ...noIo("Components render and dispatch; they never run processes, open sockets or touch files."),
        patterns: groups([["../src/**", "!../src/core", "!../src/core/**"], "Components reach state through hooks/, never services or the store directly."]),
      }],
    },
  },
);
