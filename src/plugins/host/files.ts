import { existsSync } from "node:fs";
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Host } from "./types.js";

/**
 * The few file operations ao needs where a session's processes run. Here they are plain fs calls;
 * on another host each is one small sh script over the host's shared connection, with every path
 * passed as an argument (never spliced into the script).
 */

async function sh(host: Host, script: string, args: string[], input?: string | Uint8Array): Promise<string> {
  const r = await host.run("/bin/sh", ["-c", script, "sh", ...args], input !== undefined ? { input } : {});
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
