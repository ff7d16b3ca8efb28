// `npm run build`: tsc to dist/, then the CLI bundle; a stamp records that dist/ matches the
// sources. `--if-stale` (npm run bench; npm run demo checks the same in its own process,
// scripts/demo.mjs) skips both steps when no input is newer than the stamp: after `npm ci`, the
// demo starts at once instead of recompiling for seconds.
// `--check` only tells: exit 0 when dist/ is fresh, 1 when a build is due.
import { execFileSync } from "node:child_process";
import { utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { distFresh, ROOT, STAMP } from "./freshness.mjs";

// --check: only say (exit 0 fresh, 1 stale); --if-stale: build only when stale.
if (process.argv.includes("--check")) process.exit(distFresh() ? 0 : 1);
if (process.argv.includes("--if-stale") && distFresh()) process.exit(0);

const started = Date.now();
execFileSync(process.execPath, [path.join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "inherit" });
execFileSync(process.execPath, [path.join(ROOT, "scripts/bundle.mjs")], { cwd: ROOT, stdio: "inherit" });
// The stamp carries the time the build started: a source saved during the build is newer.
writeFileSync(STAMP, `${new Date(started).toISOString()}\n`);
utimesSync(STAMP, new Date(started), new Date(started));
