// Loaded with `node --import`: records every module URL the process resolves into the file
// named by AO_TRACE_IMPORTS, so a test can see what a command loaded: ES modules as they
// resolve, and at exit every CommonJS module (the headless CLI bundle is one).
import { appendFileSync } from "node:fs";
import { createRequire, register } from "node:module";
import { pathToFileURL } from "node:url";

register("./trace-imports-hooks.mjs", import.meta.url);

const require = createRequire(import.meta.url);
process.on("exit", () => {
  const file = process.env.AO_TRACE_IMPORTS;
  if (file) appendFileSync(file, Object.keys(require.cache).map((p) => `${pathToFileURL(p).href}\n`).join(""));
});
