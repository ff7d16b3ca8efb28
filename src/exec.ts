import type * as ChildProcessModule from "node:child_process";
import type { ChildProcess, SpawnOptions } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, readSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";

// Loaded on first use: node:child_process brings net, dgram and streams with it, and commands
// that start no process (ao session ls with no live sessions) should not pay for them.
type SpawnFn = (file: string, args: readonly string[], opts: SpawnOptions) => ChildProcess;
let spawnFn: SpawnFn | null = null;
async function loadSpawn(): Promise<SpawnFn> {
  spawnFn ??= (await import("node:child_process")).spawn;
  return spawnFn;
}

/** What to install for a program ao needs (tmux: the version its look at the panes needs). */
const INSTALL: Record<string, string> = { tmux: "tmux 3.2 or newer", git: "git" };

/**
 * How a start failure reads: a missing program is named as such, with what to do, never a crash.
 * A program named by a path was not found there: installing it elsewhere would not help. A
 * folder to start in that is not there fails the same way (ENOENT): that is said instead.
 */
function startError(file: string, e: NodeJS.ErrnoException, cwd?: string): Error {
  if (e.code !== "ENOENT") return new Error(`${file}: ${e.message}`);
  if (cwd !== undefined && !existsSync(cwd)) return new Error(`${file}: cannot start in ${cwd}: no such folder`);
  const todo = file.includes("/") ? "check the path" : `install ${INSTALL[file] ?? "it"}, or add its folder to PATH`;
  return new Error(`${file}: command not found (${todo})`);
}

export interface RunOptions {
  cwd?: string;
  /** The whole environment of the child; default: ao's own. */
  env?: NodeJS.ProcessEnv;
  /** The process's standard input: text, or bytes as they are (a file copied to another host). */
  input?: string | Uint8Array;
  timeoutMs?: number;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Set when the deadline ended it. */
  timedOut?: true;
}

/** Commands run, printed to stderr when AO_VERBOSE is set (`--verbose` sets it). */
function trace(file: string, args: readonly string[], note = ""): void {
  if (!process.env.AO_VERBOSE) return;
  const words = [file, ...args].map((a) => (/^[\w./:=@%+-]+$/.test(a) ? a : JSON.stringify(a)));
  process.stderr.write(`$ ${words.join(" ")}${note}\n`);
}

/**
 * The one place ao starts a process: an argv array, never a shell. A non-zero exit is a result,
 * not an exception; failing to start at all (command not found) throws.
 *
 * Built on node:child_process rather than execa: loading execa costs a headless command about
 * 75 ms of start-up even bundled (measured here), more than the rest of `ao status` together,
 * and ao needs only argv, env, cwd, stdin text and a timeout.
 */
export async function run(file: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  trace(file, args);
  const spawn = await loadSpawn();
  const launched = launch(spawn, file, args, opts, opts.input !== undefined);
  if (launched.child) {
    armDeadline(launched, opts.timeoutMs);
    endInput(launched.child, opts.input);
  }
  return launched.result;
}

/** A process started before its input is known: it waits on its standard input until then. */
export interface PendingRun {
  /** Write the input, close it, and wait for the result, within `timeoutMs` from now. */
  finish(input: string, timeoutMs?: number): Promise<RunResult>;
  /**
   * Resolves once the input `finish` gave is written whole and closed. Closing takes a turn of
   * the event loop: a caller that works synchronously next waits for this, or the process waits
   * for its end of input until that work is done.
   */
  inputClosed(): Promise<void>;
  /** Not needed after all: its input ends empty, and it ends on its own. */
  abandon(): void;
}

/**
 * Start a process now and give it its input later, so its start-up (exec, loading, connecting)
 * overlaps the caller's own work. Until `finish` it holds nothing open: a caller that ends
 * first leaves it an empty input, as `abandon` does.
 */
export async function startRun(file: string, args: readonly string[], opts: Omit<RunOptions, "input" | "timeoutMs"> = {}): Promise<PendingRun> {
  trace(file, args);
  const spawn = await loadSpawn();
  const launched = launch(spawn, file, args, opts, true);
  // A start failure is reported by finish; an abandoned run's is nobody's concern.
  launched.result.catch(() => {});
  const { child } = launched;
  const handles = child ? [child, child.stdin, child.stdout, child.stderr] : [];
  for (const h of handles) (h as { unref?: () => void } | null)?.unref?.();
  let used = false;
  let closed: Promise<void> = Promise.resolve();
  return {
    finish(input, timeoutMs) {
      if (used) return Promise.reject(new Error(`${file}: its input was already given`));
      used = true;
      for (const h of handles) (h as { ref?: () => void } | null)?.ref?.();
      const stdin = child?.stdin;
      if (child && stdin) {
        closed = new Promise((resolve) => {
          stdin.once("finish", resolve);
          stdin.once("close", resolve);
        });
        armDeadline(launched, timeoutMs);
        endInput(child, input);
      }
      return launched.result;
    },
    inputClosed: () => closed,
    abandon() {
      if (used) return;
      used = true;
      if (child) endInput(child, "");
    },
  };
}

/** A process bin/ao.js started before the bundle was loaded (services/look-ahead.ts). */
interface EarlyStart {
  file: string;
  args: string[];
  input: string;
  /** What the input was made with (the look's nonce). */
  tag: string;
  at: number;
  child: ChildProcess;
  /** Its output so far: bin listens from the start (Node drops what nobody hears at exit). */
  out: Buffer[];
  err: Buffer[];
  ended: Promise<{ error: NodeJS.ErrnoException } | { code: number | null; signal: NodeJS.Signals | null }>;
}

const EARLY_START = Symbol.for("ao.early-start");

/** When bin/ao.js started the process it left, if one waits to be taken (epoch ms); null otherwise. */
export function earlyStartAt(): number | null {
  return (globalThis as { [EARLY_START]?: EarlyStart | null })[EARLY_START]?.at ?? null;
}

/**
 * The process bin/ao.js started ahead, when it is the one the caller would start now: the same
 * program and arguments, with an input `accept` agrees to (knowing the tag it was made with).
 * Its result is then heard as run()'s is, within `timeoutMs` from now. Otherwise null, and the
 * process is let go: its input is already given, so it ends on its own, unheard. Taken once.
 */
export function takeEarlyStart(
  file: string,
  args: readonly string[],
  accept: (input: string, tag: string) => boolean,
  timeoutMs?: number,
): { tag: string; at: number; result: Promise<RunResult> } | null {
  const g = globalThis as { [EARLY_START]?: EarlyStart | null };
  const early = g[EARLY_START];
  if (!early) return null;
  g[EARLY_START] = null;
  const { child } = early;
  if (early.file !== file || early.args.length !== args.length || early.args.some((a, i) => a !== args[i]) || !accept(early.input, early.tag)) return null;
  trace(file, args, "   (started before ao's code loaded)");
  // bin left it unreferenced (a run that never takes it must not wait for it): now it is waited on.
  for (const h of [child, child.stdin, child.stdout, child.stderr]) (h as { ref?: () => void } | null)?.ref?.();
  const result = new Promise<RunResult>((resolve, reject) => {
    let timedOut = false;
    let settled = false;
    const settle = (end: Awaited<EarlyStart["ended"]>) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      if ("error" in end) return reject(startError(file, end.error));
      resolve({
        exitCode: end.code ?? (end.signal ? 128 : 1),
        stdout: Buffer.concat(early.out).toString("utf8"),
        stderr: Buffer.concat(early.err).toString("utf8"),
        ...(timedOut ? { timedOut: true as const } : {}),
      });
    };
    const timer = timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          // Past its deadline it ends when it exits, not when its output pipes close: tmux hands
          // its descriptors to the server, and a stopped server holds them, unread, for good.
          const exited = () => {
            child.stdout?.destroy();
            child.stderr?.destroy();
            settle({ code: child.exitCode, signal: child.signalCode });
          };
          if (child.exitCode !== null || child.signalCode !== null) return exited();
          child.once("exit", exited);
          child.kill("SIGTERM");
        }, timeoutMs)
      : null;
    void early.ended.then(settle);
  });
  return { tag: early.tag, at: early.at, result };
}

/** A process that runs until told to stop, its output heard as it comes (a follower). */
export interface Following {
  /**
   * End its input: a follower made to end when its input does ends. Killed if it has not
   * ended within `graceMs`.
   */
  stop(graceMs?: number): void;
  /** Write to its standard input (nothing once it is stopping or gone). */
  send(text: string): void;
  /** Its exit (its output already heard, none kept); rejects when it could not start. */
  ended: Promise<RunResult>;
}

/**
 * Run a command that keeps running and prints what it notices (`tail -F` over ssh): `onOutput`
 * hears each chunk of its standard output as it arrives, and nothing of it is kept. Its standard
 * input stays open until `stop`, so a command there can tell that ao went away by its end.
 */
export async function follow(file: string, args: readonly string[], onOutput: (chunk: string) => void, opts: Omit<RunOptions, "input" | "timeoutMs"> = {}): Promise<Following> {
  trace(file, args);
  const spawn = await loadSpawn();
  const launched = launch(spawn, file, args, { ...opts, onStdout: onOutput }, true);
  const { child } = launched;
  child?.stdin?.on("error", () => {});
  let stopping = false;
  return {
    stop(graceMs = 5000) {
      if (stopping || !child) return;
      stopping = true;
      child.stdin?.end();
      const kill = setTimeout(() => child.kill("SIGTERM"), graceMs);
      kill.unref();
      void launched.result.then(() => clearTimeout(kill), () => clearTimeout(kill));
    },
    send(text) {
      if (!stopping && child?.stdin?.writable) child.stdin.write(text);
    },
    ended: launched.result,
  };
}

interface Launched {
  /** Absent when the process could not be made at all (result rejects). */
  child: ChildProcess | null;
  result: Promise<RunResult>;
  /** Set by armDeadline: the timer, and whether it fired. */
  timer: NodeJS.Timeout | null;
  timedOut: boolean;
}

function launch(spawn: SpawnFn, file: string, args: readonly string[], opts: RunOptions & { onStdout?: (chunk: string) => void }, withInput: boolean): Launched {
  const launched: Launched = { child: null, result: Promise.resolve(null as never), timer: null, timedOut: false };
  launched.result = new Promise((resolve, reject) => {
    // The child is made and its "error" handler attached in one synchronous step: a program
    // that cannot start (ENOENT) emits "error" on the next tick, and with an await between
    // spawn and the handler that event would find no listener and crash the process.
    let child: ChildProcess;
    try {
      child = spawn(file, args, {
        cwd: opts.cwd,
        env: opts.env ?? process.env,
        stdio: [withInput ? "pipe" : "ignore", "pipe", "pipe"],
      });
    } catch (e) {
      reject(startError(file, e as NodeJS.ErrnoException, opts.cwd));
      return;
    }
    launched.child = child;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const onStdout = opts.onStdout;
    if (onStdout) child.stdout?.setEncoding("utf8").on("data", (d: string) => onStdout(d));
    else child.stdout?.on("data", (d: Buffer) => out.push(d));
    // A follower runs for hours: only its last words are kept.
    child.stderr?.on("data", (d: Buffer) => {
      err.push(d);
      if (onStdout && err.length > 16) err.shift();
    });
    child.on("error", (e: NodeJS.ErrnoException) => {
      if (launched.timer) clearTimeout(launched.timer);
      reject(startError(file, e, opts.cwd));
    });
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (launched.timer) clearTimeout(launched.timer);
      resolve({
        exitCode: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        ...(launched.timedOut ? { timedOut: true } : {}),
      });
    };
    // Past its deadline a command ends when it exits, not when its output pipes close: a process
    // it handed them to (ssh's shared connection holds a session's descriptors) may keep them
    // open for as long as it likes.
    child.on("exit", (code, signal) => {
      if (!launched.timedOut) return;
      child.stdout?.destroy();
      child.stderr?.destroy();
      finish(code, signal);
    });
    child.on("close", finish);
  });
  return launched;
}

/**
 * Our own timer rather than spawn's `timeout`, whose timer outlives a command that failed to
 * start and holds the process open for the whole timeout.
 */
function armDeadline(launched: Launched, timeoutMs: number | undefined): void {
  const { child } = launched;
  if (!timeoutMs || !child) return;
  launched.timer = setTimeout(() => {
    launched.timedOut = true;
    child.kill("SIGTERM");
  }, timeoutMs);
}

function endInput(child: ChildProcess, input: string | Uint8Array | undefined): void {
  if (input === undefined) return;
  // A child that exits without reading all of its input is its own business.
  child.stdin?.on("error", () => {});
  child.stdin?.end(input);
}

/**
 * Start a program that may go on running, such as the terminal window a user's command opens
 * (`xterm -e …` runs until the window closes): wait up to `settleMs` for it to fail, and past
 * that leave it running on its own (a process group of its own, its errors in an unlinked
 * file, nothing of ao's holding it) and count it as started. Never killed, never waited on longer.
 */
export async function startOrLeave(file: string, args: readonly string[], opts: { env?: NodeJS.ProcessEnv; settleMs: number }): Promise<RunResult & { running?: true }> {
  trace(file, args);
  const spawn = await loadSpawn();
  const errPath = join(tmpdir(), `ao-start-${process.pid}-${Math.random().toString(36).slice(2)}.err`);
  const errFd = openSync(errPath, "w+", 0o600);
  unlinkSync(errPath);
  try {
    const child = await new Promise<ChildProcess>((resolve, reject) => {
      const c = spawn(file, args, { env: opts.env ?? process.env, stdio: ["ignore", "ignore", errFd], detached: true });
      c.once("spawn", () => resolve(c));
      c.once("error", (e: NodeJS.ErrnoException) => reject(startError(file, e)));
    });
    const ended = new Promise<number>((resolve) => child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1))));
    const settled = await Promise.race([ended, new Promise<null>((resolve) => setTimeout(() => resolve(null), opts.settleMs).unref())]);
    const stderr = () => {
      const buf = Buffer.alloc(4096);
      const n = readSync(errFd, buf, 0, buf.length, 0);
      return buf.subarray(0, n).toString("utf8");
    };
    if (settled !== null) return { exitCode: settled, stdout: "", stderr: stderr() };
    child.unref();
    return { exitCode: 0, stdout: "", stderr: "", running: true };
  } finally {
    closeSync(errFd);
  }
}

/** Run with the terminal handed over (attach): resolves with the exit code when it ends. */
export async function runInteractive(file: string, args: readonly string[], opts: { env?: NodeJS.ProcessEnv } = {}): Promise<number> {
  trace(file, args);
  const spawn = await loadSpawn();
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(file, args, { stdio: "inherit", env: opts.env ?? process.env });
    } catch (e) {
      reject(startError(file, e as NodeJS.ErrnoException));
      return;
    }
    child.on("error", (e: NodeJS.ErrnoException) => reject(startError(file, e)));
    child.on("close", (code) => resolve(code ?? 1));
  });
}

/** Whether a process with this pid exists (EPERM: it does, but belongs to someone else). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** This process's own start time, read once: every lock it takes names it (500 at a first status). */
let ownStart: string | null | undefined;
let procfs: boolean | undefined;
const hasProc = () => (procfs ??= existsSync("/proc/self/stat"));

/**
 * When a process started. Where there is a /proc (Linux), as the kernel counts it: clock ticks
 * since boot, /proc/<pid>/stat field 22. Elsewhere (macOS, the BSDs), `e` and the second it
 * started, from `ps` (or this process's own clock). With the pid it names one process for good:
 * a pid the system handed to another program later has another start time. null: unknown.
 */
export function processStartTime(pid: number, proc = hasProc()): string | null {
  if (pid === process.pid && ownStart !== undefined && proc === hasProc()) return ownStart;
  const start = proc ? readStartTime(pid) : pid === process.pid ? `e${Math.round(Date.now() / 1000 - process.uptime())}` : psStartTime(pid);
  if (pid === process.pid && proc === hasProc()) ownStart = start;
  return start;
}

/** A start time from `ps -o etime=` (elapsed [[dd-]hh:]mm:ss, the same on Linux and macOS): `e<seconds since 1970>`. */
function psStartTime(pid: number): string | null {
  try {
    // Synchronous, as the lock checks that ask are; only where there is no /proc, and only
    // for a lock or spawn whose pid still runs.
    const r = (createRequire("/ao")("node:child_process") as typeof ChildProcessModule).spawnSync("ps", ["-o", "etime=", "-p", String(pid)], { encoding: "utf8", timeout: 2000 });
    const m = /^\s*(?:(?:(\d+)-)?(\d+):)?(\d+):(\d+)\s*$/.exec(r.stdout ?? "");
    if (r.status !== 0 || !m) return null;
    const elapsed = ((Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0)) * 60 + Number(m[3])) * 60 + Number(m[4]);
    return `e${Math.round(Date.now() / 1000) - elapsed}`;
  } catch {
    return null;
  }
}

function readStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count from its closing one.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

/** Whether the process that wrote `pid` and `start` still runs (not merely one reusing its pid). */
export function ownerAlive(pid: number, start: string | null): boolean {
  if (!pidAlive(pid)) return false;
  if (start === null) return true;
  // A start read from ps is good to a second or two (its clock, ours); a pid reused that soon
  // after its last owner started is not a case to guard.
  if (start.startsWith("e")) {
    const now = processStartTime(pid, false);
    return now === null || Math.abs(Number(now.slice(1)) - Number(start.slice(1))) <= 2;
  }
  if (!hasProc()) return true;
  const now = processStartTime(pid, true);
  return now === null || now === start;
}
