// `npm run bench`: the figures users feel. Prints, never asserts. BENCH_RUNS sets repetitions.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { benchSend } from "./send.mjs";
import { benchStartup } from "./startup.mjs";
import { benchStatusLive } from "./status-live.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
execFileSync("npm", ["run", "-s", "build"], { cwd: ROOT, stdio: "inherit" });
const only = process.argv[2];
if (!only || only === "startup") await benchStartup(ROOT);
if (!only || only === "status") await benchStatusLive(ROOT);
if (!only || only === "send") await benchSend(ROOT);
