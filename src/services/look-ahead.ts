import { closeSync, fstatSync, openSync, readFileSync } from "node:fs";
import { unlink } from "node:fs/promises";
import path from "node:path";
import { SECRET_NAME_SOURCE } from "../core/secrets.js";
import { writeCacheFile } from "../metadata/private.js";

/**
 * The look `ao status` and `ao session ls` start before their code is even loaded.
 *
 * Their tmux look was the longest wait of a run at 500 sessions: made once the bundle had loaded
 * and the config was read (~40 ms into the run), it answered ~30 ms later. So a run that looked
 * leaves the look the next run is likely to ask for in AO_HOME/cache/look-ahead.json: the
 * program, its arguments and its script, with two holes (the script's nonce and the stillness
 * cutoff, a second of the wall clock). bin/ao.js fills them and starts that process first
 * thing, while Node loads the bundle. The bundle takes it only when it is exactly the look it
 * would start itself (the same arguments, and the same script for the nonce bin chose: see
 * TmuxRuntime.prepareLook); any other is left to end unheard, and the look starts as before.
 *
 * The file is written only when it changed, and only where the runs it serves start from: the
 * same AO_TMUX_SOCKET, AO_CONFIG_PATH and folder (bin checks, having no config to read).
 */
export interface LookAheadFile {
  v: 1;
  when: LookAheadWhen;
  file: "tmux";
  args: string[];
  /** The script, with `nonceToken` and `cutoffToken` where the nonce and the cutoff go. */
  input: string;
  nonceToken: string;
  cutoffToken: string;
  /** The cutoff is the Unix second `floor((now - stillMs) / 1000) - 1`: core/activity.ts's stillCutoffSec. */
  stillMs: number;
  /** Variables never passed to tmux (core/secrets.ts), as a case-insensitive expression. */
  secretNames: string;
}

export interface LookAheadWhen {
  socket: string | null;
  config: string | null;
  cwd: string;
}

/** A stillness cutoff no output time reaches, and not ANY_TIME: it stands for the one bin computes. */
export const CUTOFF_TOKEN = 8_888_888_888;
export const NONCE_TOKEN = "ao-look-NONCE";

export function lookAheadPath(aoHome: string): string {
  return path.join(aoHome, "cache", "look-ahead.json");
}

export function lookAheadWhen(env: NodeJS.ProcessEnv): LookAheadWhen {
  return { socket: env.AO_TMUX_SOCKET || null, config: env.AO_CONFIG_PATH || null, cwd: process.cwd() };
}

/** The file holds `text` already, and only this user could have written it (bin/ao.js trusts no other). */
function keptAsIs(file: string, text: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    const st = fstatSync(fd);
    return st.uid === process.getuid?.() && (st.mode & 0o022) === 0 && readFileSync(fd, "utf8") === text;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Keep `look` (a script made with the tokens) for the next run, or remove the file when there is
 * none to start. Any failure only costs the next run its head start.
 */
export async function saveLookAhead(file: string, when: LookAheadWhen, look: { args: string[]; input: string } | null, stillMs: number): Promise<void> {
  if (!look) {
    await unlink(file).catch(() => {});
    return;
  }
  const body: LookAheadFile = { v: 1, when, file: "tmux", args: look.args, input: look.input, nonceToken: NONCE_TOKEN, cutoffToken: String(CUTOFF_TOKEN), stillMs, secretNames: SECRET_NAME_SOURCE };
  const text = JSON.stringify(body);
  if (!keptAsIs(file, text)) await writeCacheFile(file, text);
}
