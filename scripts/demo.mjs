// `npm run demo [-- args]`: build dist/ when a source is newer than it, then run the demo's bundle
// in this same process. As two commands (`build.mjs --if-stale && node dist/bundle/demo.js`) it
// started Node twice before the demo began: ~0.1-0.2 s of its first frame.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { distFresh, ROOT } from "./freshness.mjs";

if (!distFresh()) execFileSync(process.execPath, [path.join(ROOT, "scripts/build.mjs")], { cwd: ROOT, stdio: "inherit" });
await import(pathToFileURL(path.join(ROOT, "dist/bundle/demo.js")).href);
