import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { AgentPlace } from "../types.js";
import type { Host } from "./types.js";

/**
 * The few file operations ao needs where a session's processes run. Here they are plain fs calls;
 * on another host each is one small sh script over the host's shared connection, with every path
 * passed as an argument (never spliced into the script).
 */

async function sh(host: Host, script: string, args: string[], input?: string | Uint8Array, login = false): Promise<string> {
  const r = await host.run("/bin/sh", [login ? "-lc" : "-c", script, "sh", ...args], input !== undefined ? { input } : {});
  if (r.exitCode !== 0) throw new Error(`${host.name}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
  return r.stdout;
}

/** Write a file only its owner can read (text, or bytes as they are), making its folder (0700) when missing. */
export async function writePrivate(host: Host, file: string, content: string | Uint8Array, opts: { exclusive?: boolean } = {}): Promise<void> {
  if (!host.remote) {
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await writeFile(file, content, { mode: 0o600, ...(opts.exclusive ? { flag: "wx" } : {}) });
    return;
  }
  // noclobber (set -C) refuses an existing file, as "wx" does here.
  await sh(host, `umask 077; mkdir -p -- "$(dirname -- "$1")" && ${opts.exclusive ? "set -C; " : ""}cat > "$1"`, [file], content);
}

/** Make the file (0600) if it is missing, keeping what an existing one holds. */
export async function touchPrivate(host: Host, file: string): Promise<void> {
  if (!host.remote) {
    await writeFile(file, "", { mode: 0o600, flag: "a" });
    return;
  }
  await sh(host, 'umask 077; : >> "$1"', [file]);
}

export async function pathExists(host: Host, p: string): Promise<boolean> {
  if (!host.remote) return existsSync(p);
  return (await host.run("test", ["-e", p])).exitCode === 0;
}

export async function makeDir(host: Host, dir: string): Promise<void> {
  if (!host.remote) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return;
  }
  await sh(host, 'umask 077; mkdir -p -- "$1"', [dir]);
}

export async function removePath(host: Host, p: string): Promise<void> {
  if (!host.remote) {
    await rm(p, { recursive: true, force: true });
    return;
  }
  await sh(host, 'rm -rf -- "$1"', [p]);
}

/** Delete the files in `dir` whose names start with `prefix`. */
export async function removeStartingWith(host: Host, dir: string, prefix: string): Promise<void> {
  if (!host.remote) {
    const names = await readdir(dir).catch(() => [] as string[]);
    await Promise.all(names.filter((n) => n.startsWith(prefix)).map((n) => rm(path.join(dir, n), { force: true })));
    return;
  }
  await sh(host, 'for f in "$1"/"$2"*; do [ -e "$f" ] && rm -f -- "$f"; done; exit 0', [dir, prefix]);
}

/**
 * The absolute, symlink-free form of a folder there, `~/` meaning the home there; made (0700)
 * when missing, so a fresh host needs nothing set up by hand.
 */
export async function resolveDir(host: Host, dir: string): Promise<string> {
  if (!host.remote) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return dir;
  }
  const out = await sh(
    host,
    'd=$1; case $d in "~") d=$HOME ;; "~/"*) d=$HOME/${d#"~/"} ;; esac; umask 077; mkdir -p -- "$d" && cd -- "$d" && pwd -P',
    [dir],
  );
  return out.trim();
}

/** A line no login script prints: what follows it is the answer, whatever a profile echoed before. */
const FACTS_MARK = "ao-place-facts-4f1c";

/**
 * The machine an agent runs on, for its wiring. Here: this platform and the agent's own
 * environment. On another host: its `uname` and the login environment the agent starts from
 * there (`sh -l`, as the agent is started), asked in one command; its files read there.
 */
export function agentPlace(host: Host, env: NodeJS.ProcessEnv): AgentPlace {
  if (!host.remote) {
    return {
      facts: async (names) => ({ platform: process.platform, env: Object.fromEntries(names.flatMap((n) => (env[n] !== undefined ? [[n, env[n]!]] : []))) }),
      read: (file) => readFile(file, "utf8").catch(() => null),
    };
  }
  return {
    async facts(names) {
      for (const n of names) if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(n)) throw new Error(`not a variable name: ${n}`);
      // Each set variable as NAME=value and a NUL: a value may hold anything but a NUL.
      const vars = names.map((n) => `if [ "\${${n}+set}" = set ]; then printf '%s=%s\\0' ${n} "$${n}"; fi`).join("; ");
      const out = await sh(host, `printf '\\n${FACTS_MARK}\\n'; uname -s; ${vars}`, [], undefined, true);
      const answer = out.slice(out.lastIndexOf(`\n${FACTS_MARK}\n`) + FACTS_MARK.length + 2);
      const nl = answer.indexOf("\n");
      const uname = answer.slice(0, nl).trim();
      const found: Record<string, string> = {};
      for (const entry of answer.slice(nl + 1).split("\0")) {
        const eq = entry.indexOf("=");
        if (eq > 0 && names.includes(entry.slice(0, eq))) found[entry.slice(0, eq)] = entry.slice(eq + 1);
      }
      return { platform: uname === "Darwin" ? "darwin" : uname.toLowerCase(), env: found };
    },
    async read(file) {
      const r = await host.run("cat", ["--", file]);
      return r.exitCode === 0 ? r.stdout : null;
    },
  };
}
