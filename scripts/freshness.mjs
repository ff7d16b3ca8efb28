// Whether dist/ matches the sources: the build's stamp (scripts/build.mjs) is at least as new as
// everything the build reads. Shared by `npm run build --if-stale` and `npm run demo`.
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const STAMP = path.join(ROOT, "dist", ".build-stamp");
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

export const distFresh = () => existsSync(STAMP) && statSync(STAMP).mtimeMs >= newestInput();
