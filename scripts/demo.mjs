// `npm run demo [-- args]`: build dist/ when a source is newer than it, then run the demo's bundle
// in this same process. As two commands (`build.mjs --if-stale && node dist/bundle/demo.js`) it
// started Node twice before the demo began: ~0.1-0.2 s of its first frame.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { distFresh, ROOT } from "./freshness.mjs";

if (!distFresh()) {
  try {
    execFileSync(process.execPath, [path.join(ROOT, "scripts/build.mjs")], { cwd: ROOT, stdio: "inherit" });
  } catch (e) {
    // The build said what failed; no stack of this launcher's on top of it.
    process.exit(typeof e.status === "number" && e.status !== 0 ? e.status : 1);
  }
}
await import(pathToFileURL(path.join(ROOT, "dist/bundle/demo.js")).href);
