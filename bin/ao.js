#!/usr/bin/env node
// The installed `ao` command: runs the CLI bundle built in dist/ (by `npm ci` / `npm run build`).
//
// It compiles the bundle with V8's code cache. Node 20 keeps no compiled code between runs, and
// compiling the bundle's code was a fifth of `ao session ls`'s time. After a command runs, the
// code it compiled is kept in AO_HOME/cache/code-<command>.bin; the next run of that command
// starts from it. A cache made for another bundle, Node or V8 is not used (V8 checks its own
// version and flags; the header checks the bundle), nor one that is not this user's alone.
"use strict";
const fs = require("node:fs");
const Module = require("node:module");
const os = require("node:os");
const path = require("node:path");
const { pathToFileURL } = require("node:url");
const vm = require("node:vm");

const BUNDLE = path.join(__dirname, "../dist/bundle/ao.cjs");

function missingBuild() {
  process.stderr.write("ao: dist/ is missing; run `npm run build` (or `npm ci`) in the ao checkout first\n");
  process.exit(1);
}

function readBundle() {
  try {
    const fd = fs.openSync(BUNDLE, "r");
    try {
      // The build leaves the bundle ASCII alone (scripts/bundle.mjs asciiOnly): Latin-1 reads it
      // without decoding, into a string of one byte a character.
      return { source: fs.readFileSync(fd, "latin1"), stat: fs.fstatSync(fd) };
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return missingBuild();
  }
}

/** Which command runs: each keeps its own cache, holding the code that command compiled. */
function commandName(argv) {
  const words = argv.slice(2).filter((a) => !a.startsWith("-"));
  // Only `session` has subcommands: a flag's value (`ao hosts --timeout 5`) names no cache.
  const name = words[0] === "session" ? words.slice(0, 2).join("-") : (words[0] ?? "help");
  return /^[a-z]{1,16}(-[a-z]{1,16})?$/.test(name) ? name : "other";
}

/** The cache file's first line: what it was compiled from. */
function cacheKey(stat) {
  return `ao-code-cache 1 ${process.version} ${process.arch} ${stat.size} ${stat.mtimeMs} ${stat.ino}\n`;
}

/** A file of AO_HOME/cache, or undefined; one anyone else could have written is ignored. */
function readPrivate(file) {
  let fd;
  try {
    fd = fs.openSync(file, "r");
    const st = fs.fstatSync(fd);
    if (st.uid !== process.getuid?.() || (st.mode & 0o022) !== 0) return undefined;
    return fs.readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** The code kept for this bundle, or undefined. */
function readCache(file, key) {
  const data = readPrivate(file);
  const head = Buffer.byteLength(key);
  return data && data.length > head && data.toString("latin1", 0, head) === key ? data.subarray(head) : undefined;
}

/**
 * Start the tmux look the last run left for this one (src/services/look-ahead.ts) before the
 * bundle loads, and leave it for the bundle (src/exec.ts takeEarlyStart), which takes it only
 * if it is exactly the look it would start. Unreferenced: a run that does not take it does
 * not wait for it.
 */
function startLookAhead(home) {
  const data = readPrivate(path.join(home, "cache", "look-ahead.json"));
  if (!data) return;
  let la;
  try {
    la = JSON.parse(data.toString("utf8"));
  } catch {
    return;
  }
  const when = la && la.v === 1 && la.file === "tmux" && Array.isArray(la.args) && typeof la.input === "string" ? la.when : null;
  if (!when || when.socket !== (process.env.AO_TMUX_SOCKET || null) || when.config !== (process.env.AO_CONFIG_PATH || null) || when.cwd !== process.cwd()) return;
  const secret = new RegExp(String(la.secretNames), "i");
  const env = {};
  // No session's mark either, as the runtime's own tmux commands (tmux.ts serverEnv).
  for (const [k, v] of Object.entries(process.env)) if (!secret.test(k) && k !== "AO_SESSION" && k !== "AO_WORKSPACE") env[k] = v;
  // The cutoff is taken from `at`, which the bundle then takes for its "now" (exec.ts earlyStartAt).
  const at = Date.now();
  const tag = `ao-look-${Math.random().toString(36).slice(2)}${at.toString(36)}`;
  const cutoff = Math.floor((at - Number(la.stillMs)) / 1000) - 1;
  const input = la.input.split(String(la.nonceToken)).join(tag).split(String(la.cutoffToken)).join(String(cutoff));
  const args = la.args.map(String);
  let child;
  try {
    child = require("node:child_process").spawn("tmux", args, { env, stdio: ["pipe", "pipe", "pipe"] });
  } catch {
    return;
  }
  // Its output is heard from the start: Node drops what nobody listens to when a process exits.
  const early = { file: "tmux", args, input, tag, at, child, out: [], err: [], ended: null };
  early.ended = new Promise((resolve) => {
    child.on("error", (error) => resolve({ error }));
    child.on("close", (code, signal) => resolve({ code, signal }));
  });
  child.stdout.on("data", (d) => early.out.push(d));
  child.stderr.on("data", (d) => early.err.push(d));
  child.stdin.on("error", () => {});
  child.stdin.end(input);
  for (const h of [child, child.stdin, child.stdout, child.stderr]) h.unref?.();
  globalThis[Symbol.for("ao.early-start")] = early;
}

/** Keep the code compiled so far, for the next run; any failure only means no cache. */
function writeCache(home, file, key, script) {
  try {
    if (!fs.statSync(home).isDirectory()) return;
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, Buffer.concat([Buffer.from(key, "latin1"), script.createCachedData()]), { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch {
    // A read-only or missing AO_HOME: the command already ran; the next one compiles again.
  }
}

/**
 * A threadpool of 16 for the commands that record many statuses at once (a first status over 500
 * sessions writes 500 records, two fsyncs each, on the threadpool): with libuv's 4 the fsyncs
 * wait in line for the disk, 4-9% of such a run here. The pool reads the variable when it starts, so
 * it is started here, and the variable taken back out: the agents and tools ao starts do not
 * inherit it. A value the user set is theirs.
 */
function widerThreadpool() {
  if (process.env.UV_THREADPOOL_SIZE !== undefined) return;
  process.env.UV_THREADPOOL_SIZE = "16";
  fs.stat(BUNDLE, () => {});
  delete process.env.UV_THREADPOOL_SIZE;
}
const command = commandName(process.argv);
if (["status", "ui", "watch"].includes(command)) widerThreadpool();

// `ao ui` starts from the ES-module build of the CLI: it loads only the dashboard's chunks.
if (command === "ui") {
  const esm = path.join(__dirname, "../dist/bundle/ao.js");
  if (!fs.existsSync(esm)) missingBuild();
  import(pathToFileURL(esm).href)
    .then(({ main }) => main(process.argv))
    .then((code) => {
      process.exitCode = code;
    });
  return;
}

// Commands done when main() resolves (nothing of theirs left running) end at once rather than
// waiting on the engine's teardown; every other command ends as Node ends it. Their look at
// tmux starts before the bundle loads.
const ENDS_WITH_MAIN = new Set(["session-ls", "status"]);

// AO_HOME as src/config/paths.ts's aoHome() says it (that code is in the bundle not yet loaded).
const home = process.env.AO_HOME ? path.resolve(process.env.AO_HOME) : path.join(process.env.HOME || os.homedir(), ".agent-orchestrator");
if (ENDS_WITH_MAIN.has(command)) startLookAhead(home);
const { source, stat } = readBundle();
const cacheFile = path.join(home, "cache", `code-${command}.bin`);
const key = cacheKey(stat);
const cachedData = readCache(cacheFile, key);

const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __aoImport) {${source}\n})`, {
  filename: BUNDLE,
  ...(cachedData ? { cachedData } : {}),
});
// The bundle is an ordinary CommonJS module of this package, registered as one.
const bundle = new Module(BUNDLE, module);
bundle.filename = BUNDLE;
bundle.paths = Module._nodeModulePaths(path.dirname(BUNDLE));
require.cache[BUNDLE] = bundle;
const bundleUrl = pathToFileURL(BUNDLE);
// import() for the bundle: Node's built-ins are required, everything else is loaded from here.
const aoImport = (spec) =>
  spec.startsWith("node:") ? Promise.resolve(require(spec)) : import(spec.startsWith(".") ? new URL(spec, bundleUrl).href : spec);
script.runInThisContext()(bundle.exports, Module.createRequire(BUNDLE), bundle, BUNDLE, path.dirname(BUNDLE), aoImport);
bundle.loaded = true;

bundle.exports.main(process.argv).then((code) => {
  process.exitCode = code;
  const fresh = !cachedData || script.cachedDataRejected;
  if (fresh) writeCache(home, cacheFile, key, script);
  if (process.env.AO_DEBUG) process.stderr.write(`ao: code cache ${cacheFile}: ${!cachedData ? "none, made" : fresh ? "rejected, made" : "used"}\n`);
  if (ENDS_WITH_MAIN.has(command)) bundle.exports.exitWhenWritten(code);
});
