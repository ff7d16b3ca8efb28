#!/usr/bin/env node
// The installed `ao` command: runs the compiled CLI from dist/ (built by `npm ci` / `npm run build`).
import { existsSync } from "node:fs";

const cli = new URL("../dist/bundle/ao.js", import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write("ao: dist/ is missing; run `npm run build` (or `npm ci`) in the ao checkout first\n");
  process.exit(1);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv);
