// `npm run build`: tsc to dist/, then the CLI bundle; a stamp records that dist/ matches the
// sources. `--if-stale` (npm run demo, npm run bench) skips both steps when no input is newer
// than the stamp: after `npm ci`, the demo starts at once instead of recompiling for seconds.
// `--check` only tells: exit 0 when dist/ is fresh, 1 when a build is due.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const STAMP = path.join(ROOT, "dist", ".build-stamp");
const INPUT_DIRS = ["src", "components", "hooks", "demo", "scripts", "bin"];
const INPUT_FILES = ["package.json", "package-lock.json", "tsconfig.json", "tsconfig.build.json"];

/** The newest modification time among everything the build reads. */
function newestInput() {
  let newest = 0;
  const visit = (p) => {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    newest = Math.max(newest, st.mtimeMs);
    if (st.isDirectory()) for (const e of readdirSync(p)) visit(path.join(p, e));
  };
  for (const d of INPUT_DIRS) visit(path.join(ROOT, d));
  for (const f of INPUT_FILES) visit(path.join(ROOT, f));
  return newest;
}

const fresh = () => existsSync(STAMP) && statSync(STAMP).mtimeMs >= newestInput();
// --check: only say (exit 0 fresh, 1 stale); --if-stale: build only when stale.
if (process.argv.includes("--check")) process.exit(fresh() ? 0 : 1);
if (process.argv.includes("--if-stale") && fresh()) process.exit(0);

const started = Date.now();
execFileSync(process.execPath, [path.join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "inherit" });
execFileSync(process.execPath, [path.join(ROOT, "scripts/bundle.mjs")], { cwd: ROOT, stdio: "inherit" });
// The stamp carries the time the build started: a source saved during the build is newer.
writeFileSync(STAMP, `${new Date(started).toISOString()}\n`);
utimesSync(STAMP, new Date(started), new Date(started));
