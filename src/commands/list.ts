import { createApp } from "../app.js";
import { formatSessionList, formatStatusTable, sessionJson } from "../core/format.js";
import { listSessions } from "../services/sessions.js";
import { printJson, stdoutStyle } from "./output.js";

export interface ListFlags {
  project?: string;
  json?: boolean;
  all?: boolean;
}

async function load(flags: ListFlags) {
  const ctx = await createApp();
  const views = await listSessions(ctx, {
    ...(flags.project !== undefined ? { project: flags.project } : {}),
    all: flags.all === true,
  });
  return { ctx, views, now: ctx.now() };
}

/** `ao session ls` */
export async function sessionLs(flags: ListFlags): Promise<void> {
  const { ctx, views, now } = await load(flags);
  if (flags.json) return printJson(views.map((v) => sessionJson(v, now)));
  process.stdout.write(formatSessionList(views, ctx.config.projects, stdoutStyle(), now));
}

/** `ao status` */
export async function status(flags: ListFlags): Promise<void> {
  const { ctx, views, now } = await load(flags);
  if (flags.json) return printJson(views.map((v) => sessionJson(v, now)));
  process.stdout.write(formatStatusTable(views, ctx.config.projects, stdoutStyle(), now));
  if (ctx.config.file === null) {
    process.stderr.write("No agent-orchestrator.yaml found here or above; run `ao init` in a repository to create one.\n");
  }
}
