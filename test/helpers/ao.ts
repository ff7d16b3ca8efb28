import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const AO_BIN = path.join(ROOT, "bin/ao.js");

export interface AoResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function requireBuild(): void {
  if (!existsSync(path.join(ROOT, "dist/src/cli.js"))) {
    throw new Error("dist/ is missing: run `npm test` (it builds first) or `npm run build`");
  }
}

/** Run the real `ao` as a separate process, as a user would. */
export function runAo(
  args: string[],
  opts: { env: NodeJS.ProcessEnv; cwd?: string; input?: string; nodeArgs?: string[] },
): Promise<AoResult> {
  requireBuild();
  // Without one, ao would run in the user's own HOME and AO_HOME (an afterAll whose beforeAll failed).
  if (!opts.env) return Promise.reject(new Error("runAo needs the test's own environment; never the user's HOME or AO_HOME"));
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [...(opts.nodeArgs ?? []), AO_BIN, ...args],
      { env: opts.env, cwd: opts.cwd ?? ROOT, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

/** The fields of a session in `ao status --json` / `ao session ls --json` that tests read. */
export interface StatusRow {
  name: string;
  host: string;
  status: string;
  statusCause: string;
  statusReason: string;
  activity: string | null;
}
