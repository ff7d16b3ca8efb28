import type { AppContext } from "../app.js";
import { AoError, EXIT_USAGE } from "../core/errors.js";
import { agentRunning } from "../core/actions.js";
import { compareIds } from "../core/format.js";
import { isSessionId } from "../core/ids.js";
import { runInteractive } from "../exec.js";
import { terminalPlugin } from "../plugins/terminal/index.js";
import { getSession } from "./lookup.js";
import { sessionMachine } from "./machines.js";
import { reviveHint } from "./revive.js";
import { listSessions } from "./sessions.js";

/** `ao attach`: hand the terminal to the session's tmux until the user detaches. */
export async function attachSession(ctx: AppContext, id: string, opts: { terminal?: boolean } = {}): Promise<number> {
  const { meta, project } = await getSession(ctx, id);
  const name = meta.tmuxName;
  const rt = sessionMachine(ctx, meta).runtime;
  if (!name || !(await rt.exists(name))) {
    throw new AoError(`${id} is not running; ${await reviveHint(ctx, id, meta, project)}`, 1);
  }
  // tmux itself would only say "open terminal failed: not a terminal".
  if (opts.terminal === false) throw new AoError(`attaching to ${id} needs a terminal; from a script, look at it with: ao status`, EXIT_USAGE);
  const argv = rt.attachArgv(name, !!ctx.env.TMUX);
  const env = { ...ctx.env };
  // A client for ao's own server, started from inside the user's tmux, would refuse to nest.
  if (argv[1] !== "switch-client") delete env.TMUX;
  return runInteractive(argv[0]!, argv.slice(1), { env });
}

/** `ao open <id|project|all>`: show sessions through the configured terminal plugin. */
export async function openSessions(ctx: AppContext, target: string, newWindow: boolean): Promise<string[]> {
  let ids: string[];
  if (target === "all" || ctx.config.projects.some((p) => p.id === target || p.name === target)) {
    const views = await listSessions(ctx, target === "all" ? {} : { project: target });
    ids = views.filter(agentRunning).map((v) => v.id).sort(compareIds);
    if (ids.length === 0) throw new AoError(`no running sessions in ${target === "all" ? "this workspace" : `project ${target}`}`, 1);
  } else if (isSessionId(target)) {
    ids = [target];
  } else {
    throw new AoError(`"${target}" is neither a session id, a project, nor "all"`, EXIT_USAGE);
  }
  const opened: string[] = [];
  for (const id of ids) {
    const { meta, project } = await getSession(ctx, id);
    const name = meta.tmuxName;
    const rt = sessionMachine(ctx, meta).runtime;
    if (!name || !(await rt.exists(name))) throw new AoError(`${id} is not running; ${await reviveHint(ctx, id, meta, project)}`, 1);
    const terminal = terminalPlugin(project.terminal, ctx.config.defaults.terminalCommand);
    try {
      await terminal.open({ id, tmuxName: name, attachArgv: rt.attachArgv(name, !!ctx.env.TMUX), newWindow });
    } catch (e) {
      throw new AoError(`open ${id}: ${(e as Error).message}`, 1);
    }
    opened.push(id);
  }
  return opened;
}
