// Loaded with `node --import`: records every module URL the process resolves into the file
// named by AO_TRACE_IMPORTS, so a test can see what a command loaded.
import { register } from "node:module";

register("./trace-imports-hooks.mjs", import.meta.url);
