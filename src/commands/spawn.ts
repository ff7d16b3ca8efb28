import { readFile } from "node:fs/promises";
import { createApp } from "../app.js";
import { AoError, EXIT_USAGE } from "../core/errors.js";
import { inert, inertMessage } from "../core/sanitize.js";
import { spawnSession } from "../services/spawn.js";
import { openSessions } from "../services/terminal.js";
import { printJson, readStdin } from "./output.js";

export interface SpawnFlags {
  agent?: string;
  prompt?: string;
  promptFile?: string;
  branch?: string;
  host?: string;
  open?: boolean;
  json?: boolean;
}

async function readPrompt(flags: SpawnFlags): Promise<string | undefined> {
  if (flags.prompt !== undefined && flags.promptFile !== undefined) {
    throw new AoError("give either --prompt or --prompt-file, not both", EXIT_USAGE);
  }
  if (flags.promptFile === undefined) return flags.prompt;
  try {
    return flags.promptFile === "-" ? await readStdin() : await readFile(flags.promptFile, "utf8");
  } catch (e) {
    throw new AoError(`cannot read --prompt-file ${flags.promptFile}: ${(e as Error).message}`, EXIT_USAGE);
  }
}


/** `ao spawn <project> [issue]` */
export async function spawn(project: string, issue: string | undefined, flags: SpawnFlags): Promise<void> {
  const prompt = await readPrompt(flags);
  const ctx = await createApp();
  if (process.stderr.isTTY && !flags.json) process.stderr.write(`Spawning a session in ${inert(project)}…\n`);
  const r = await spawnSession(ctx, {
    project,
    ...(issue !== undefined ? { issue } : {}),
    ...(flags.agent !== undefined ? { agent: flags.agent } : {}),
    ...(prompt !== undefined ? { prompt } : {}),
    ...(flags.branch !== undefined ? { branch: flags.branch } : {}),
    ...(flags.host !== undefined ? { host: flags.host } : {}),
    onWarning: (text) => process.stderr.write(`ao: warning: ${inertMessage(text)}\n`),
    // Where ao put the session, and a first clone there: said on stderr, even with --json.
    onInfo: (text) => process.stderr.write(`ao: ${inertMessage(text)}\n`),
  });
  if (flags.json) printJson(r);
  else process.stdout.write(`${r.id}\n`);
  if (!flags.open) return;
  // The session runs whether or not it can be shown: a failure to open it is a warning with the
  // way to see it, not a failed spawn (a script would start it again).
  await openSessions(ctx, r.id, false).catch((e: unknown) => {
    process.stderr.write(`ao: warning: ${r.id} started but could not be opened (${inert((e as Error).message)}); see it with: ao attach ${r.id}\n`);
  });
}
