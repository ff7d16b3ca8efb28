import { execa } from "execa";

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Text for the process's standard input. */
  input?: string;
  timeoutMs?: number;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Commands run, printed to stderr when AO_VERBOSE is set (`--verbose` sets it). */
function trace(file: string, args: readonly string[]): void {
  if (process.env.AO_VERBOSE) process.stderr.write(`$ ${[file, ...args].map((a) => (/^[\w./:=@%+-]+$/.test(a) ? a : JSON.stringify(a))).join(" ")}\n`);
}

/**
 * The one place ao starts a process: an argv array, never a shell. A non-zero exit is a result,
 * not an exception; failing to start at all (command not found) throws.
 */
export async function run(file: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  trace(file, args);
  const r = await execa(file, args, {
    reject: false,
    stripFinalNewline: false,
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    ...(opts.env ? { env: opts.env, extendEnv: false } : {}),
    ...(opts.input !== undefined ? { input: opts.input } : { stdin: "ignore" as const }),
    ...(opts.timeoutMs ? { timeout: opts.timeoutMs } : {}),
  });
  if (r.failed && r.exitCode === undefined) {
    throw new Error(`${file}: ${r.code === "ENOENT" ? "command not found" : (r.shortMessage ?? "failed to start")}`);
  }
  return { exitCode: r.exitCode ?? 1, stdout: String(r.stdout ?? ""), stderr: String(r.stderr ?? "") };
}
