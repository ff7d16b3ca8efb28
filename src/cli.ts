import { readFileSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import { AoError, EXIT_USAGE, isAoError } from "./core/errors.js";
import { isSessionId } from "./core/ids.js";
import { inertMessage } from "./core/sanitize.js";

// Each action imports its command module when it runs, so `ao session ls` loads only what
// listing needs: start-up time is paid on every call.

function projectOption(): Option {
  return new Option("-p, --project <project>", "only this project (its id or name)");
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string };
    return pkg.version ?? "unknown";
  } catch {
    return "unknown";
  }
}

/**
 * The program with the commands `argv` names, or all of them (no command, help, or one not
 * known: then help lists them all and a typo gets its suggestion). Building every command's
 * options and help for each call was a millisecond of every `ao session ls`.
 */
export function buildProgram(argv?: readonly string[]): Command {
  const program = new Command("ao")
    .description("Run many AI coding agents at once, each in its own worktree and tmux session, and steer them from one place.")
    .version(wantsVersion(argv) ? packageVersion() : "", "-V, --version")
    .option("--verbose", "print the commands ao runs")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ outputError: (text, write) => write(commanderError(text)) })
    .exitOverride();
  program.hook("preAction", (cmd) => {
    if (cmd.opts<{ verbose?: boolean }>().verbose) process.env.AO_VERBOSE = "1";
  });

  const named = argv?.slice(2).find((a) => !a.startsWith("-"));
  for (const [name, add] of Object.entries(COMMANDS)) if (named === undefined || !Object.hasOwn(COMMANDS, named) || name === named) add(program);
  return program;
}

/**
 * Commander's own complaint (an unknown option or command, a missing argument) as every ao error
 * reads: `ao: unknown option '--jsno'`, not `error: …`. The words hold what was typed: inert.
 */
export function commanderError(text: string): string {
  return `ao: ${inertMessage(text.replace(/^error: /, "").replace(/\n$/, ""))}\n`;
}

/** Whether the version is asked for: only then is package.json read. */
function wantsVersion(argv: readonly string[] | undefined): boolean {
  return argv === undefined || argv.includes("-V") || argv.includes("--version");
}

/** Each command, added to the program in this order. */
const COMMANDS: Record<string, (program: Command) => void> = {
  init: (program) => {
    program
      .command("init")
      .description("write a starter agent-orchestrator.yaml for the repository in this folder (never overwrites)")
      .action(async () => (await import("./commands/init.js")).init());
  },
  ui: (program) => {
    program
      .command("ui")
      .description("the full-screen dashboard: every session live, with keys to attach, send, kill, restore and clean up")
      .option("--interval <seconds>", "local refresh interval (default 2)")
      .option("--github-interval <seconds>", "GitHub refresh interval (default 30)")
      .option("--demo", "a living demo workspace in a temporary folder (simulated agents, a fake GitHub); removed on quit")
      .action(async (flags: { demo?: boolean; interval?: string; githubInterval?: string }) => {
        if (!flags.demo) {
          await (await import("./commands/ui.js")).ui(flags);
          // The terminal is back; a refresh still in flight (a tmux look, a GitHub request) is a
          // read whose answer nobody waits for, and the person pressed q: leave now.
          process.exit(0);
        }
        process.exitCode = await (await import("../demo/run.js")).runDemo({ headless: false, speed: 1 });
      });
  },
  watch: (program) => {
    program
      .command("watch")
      .description("react without the dashboard: tell agents what CI and reviewers say, notify you of what needs you")
      .option("--interval <seconds>", "seconds between polls (default: lifecycle.pollInterval, 30)")
      .option("--once", "one poll, then exit")
      .action(async (flags) => (await import("./commands/watch.js")).watch(flags));
  },
  status: (program) => {
    program
      .command("status")
      .description("the wide table of every session: PR, CI, review, threads, activity, age")
      .addOption(projectOption())
      .option("--json", "print JSON for scripts")
      .option("--all", "include killed sessions")
      .option("--watch", "redraw every --interval seconds")
      .option("--interval <seconds>", "with --watch: seconds between refreshes (default 2)")
      .option("--refresh", "ask GitHub now, even when the PR facts another ao process fetched are under 30 s old")
      .action(async (flags) => (await import("./commands/list.js")).status(flags));
  },
  spawn: (program) => {
    program
      .command("spawn")
      .description("start an agent on a task: a new worktree and branch, and a tmux session running the agent; prints the id")
      .argument("<project>", "project id from the config")
      .argument("[issue]", "issue number or id the session works on")
      .option("--agent <agent>", "claude-code, codex, aider, gemini or generic (default: the project's)")
      .option("--prompt <text>", "the task for the agent")
      .option("--prompt-file <file>", "read the task from a file (- for standard input)")
      .option("--branch <branch>", "branch name (default: ao/<id> or ao/<id>-<issue>); the branch of a killed session continues its work")
      .option("--host <host>", "run it on this host (see ao hosts); default: the project's host with the most room")
      .option("--open", "open the session in a terminal once it runs")
      .option("--json", "print the new session as JSON")
      .action(async (project: string, issue: string | undefined, flags) => (await import("./commands/spawn.js")).spawn(project, issue, flags));
  },
  send: (program) => {
    program
      .command("send")
      .description("send a message to a session's agent, waiting until it is ready, and confirm it arrived")
      .argument("<id>", "session id, such as fe-1", sessionIdArg)
      .argument("[message...]", "the message (quote it)")
      .option("--no-wait", "send at once, even while the agent works (it may queue the message)")
      .option("--file <file>", "read the message from a file (- for standard input)")
      .option("--timeout <seconds>", "how long to wait for the agent to be ready (default 600)")
      .option("--answer <choice>", "answer the question the agent waits on: an option's number (2), yes or no")
      .option("--json", "print the outcome as JSON")
      .addHelpText(
        "after",
        [
          "",
          "ao never types into a question: while the agent shows a question, a permission prompt, a picker,",
          "a sign-in or a trust dialog, a message is refused (exit 4, even with --no-wait) and the question",
          "is printed; choose an option with --answer, or answer by hand with ao attach <id>.",
          "",
          "Exit codes: 0 delivered, queued or answered; 1 session not running; 2 bad input or unknown session;",
          "3 not confirmed (the message was not seen to arrive, or the question stayed on screen);",
          "4 the agent waits on a question (nothing was typed).",
        ].join("\n"),
      )
      .action(async (id: string, words: string[], flags) => {
        process.exitCode = await (await import("./commands/send.js")).send(id, words, flags);
      });
  },
  attach: (program) => {
    program
      .command("attach")
      .description("attach this terminal to a session's tmux (detach with C-b d)")
      .argument("<id>", "session id, such as fe-1", sessionIdArg)
      .action(async (id: string) => {
        process.exitCode = await (await import("./commands/session.js")).attach(id);
      });
  },
  open: (program) => {
    program
      .command("open")
      .description("open sessions through the configured terminal: one id, a project's, or all")
      .argument("<target>", "a session id, a project id, or all")
      .option("--new-window", "a new window rather than a tab (iterm2)")
      .action(async (target: string, flags) => (await import("./commands/session.js")).open(target, flags));
  },
  hosts: (program) => {
    program
      .command("hosts")
      .description("the machines sessions run on: whether each answers, tmux and git there, sessions against capacity, load")
      .option("--json", "print JSON for scripts")
      .option("--timeout <seconds>", "how long to wait for each host (default 10)")
      .addHelpText("after", "\nExit codes: 0 every host answered, 1 one or more did not, 2 bad config.")
      .action(async (flags) => {
        process.exitCode = await (await import("./commands/hosts.js")).hosts(flags);
      });
  },
  session: (program) => {
    const session = program.command("session").description("manage sessions");
    session
      .command("ls")
      .alias("list")
      .description("list sessions, grouped by project")
      .addOption(projectOption())
      .option("--json", "print JSON for scripts")
      .option("--all", "include killed sessions")
      .action(async (flags) => (await import("./commands/list.js")).sessionLs(flags));
    session
      .command("kill")
      .description("end sessions: each one's agent, tmux and worktree; refuses one whose worktree holds unpushed work")
      .argument("<ids...>", "session ids, such as fe-1 fe-2", sessionIdsArg)
      .option("--force", "remove the worktree even with uncommitted or unpushed work")
      .option("--keep-worktree", "stop the agent and tmux but keep the worktree (restorable)")
      .addOption(
        new Option("--forget", "only mark killed a session ao cannot reach (its host gone or not answering, or its project gone from the config); nothing is ended or removed anywhere").conflicts([
          "force",
          "keepWorktree",
        ]),
      )
      .option("--json", "print what was killed and what was not as JSON")
      .addHelpText(
        "after",
        [
          "",
          "Each session is killed on its own: one refused does not stop the others. Exit code: 0 when all were killed,",
          "else the first failure's (1 refused or failed, 2 unknown session).",
          "",
          "--forget never contacts the host but to ask whether it answers: a session ao can still end there is refused",
          "(kill it), and so is one it sees running. Its tmux session and worktree are left where they are, named in",
          "the record's reason (ao session ls --all --json), for you to remove by hand or with a kill once the host is back.",
        ].join("\n"),
      )
      .action(async (ids: string[], flags) => {
        process.exitCode = await (await import("./commands/session.js")).kill(ids, flags);
      });
    session
      .command("cleanup")
      .description("kill sessions whose PR is merged, whose issue is closed, or whose runtime is dead; never unpushed work")
      .addOption(projectOption())
      .option("--dry-run", "print what a real run would do, and do nothing")
      .option("--json", "print the plan (and the result) as JSON")
      .action(async (flags) => {
        process.exitCode = await (await import("./commands/cleanup.js")).cleanup(flags);
      });
    session
      .command("restore")
      .description("restart a session whose tmux is gone, in its worktree, with the agent's resume command")
      .argument("<id>", "session id, such as fe-1", sessionIdArg)
      .action(async (id: string) => (await import("./commands/session.js")).restore(id));
  },
};

/** Variadic session ids: commander hands them over one at a time, with the ones before. */
export function sessionIdsArg(value: string, previous: string[] = []): string[] {
  return [...previous, sessionIdArg(value)];
}

/** Validate a session id from the command line before it reaches a path or a tmux target. */
export function sessionIdArg(value: string): string {
  if (!isSessionId(value)) throw new AoError(`"${value}" is not a session id (ids look like fe-1)`, EXIT_USAGE);
  return value;
}

/** Which of the standard streams something has used (Node builds each on first use). */
const made = { stdout: false, stderr: false };

/** Note when `name` is first used, running `then` on it once it is built. */
function onFirstUse(name: "stdout" | "stderr", then: (stream: NodeJS.WriteStream) => void = () => {}): void {
  const own = Object.getOwnPropertyDescriptor(process, name);
  if (!own?.get || !own.configurable) {
    made[name] = true;
    then(process[name]);
    return;
  }
  Object.defineProperty(process, name, {
    configurable: true,
    enumerable: own.enumerable ?? true,
    get() {
      Object.defineProperty(process, name, own);
      made[name] = true;
      const stream = process[name];
      then(stream);
      return stream;
    },
  });
}

/**
 * `ao status | head` closes the pipe early; that is the reader's choice, not an error. The
 * handler goes on process.stdout when something first uses it: building it (a socket, for a
 * pipe) costs Node a few modules, and `--json` output never does (see writeOut).
 */
function quietOnClosedPipe(): void {
  onFirstUse("stdout", (stream) =>
    stream.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE") process.exit(0);
      throw e;
    }),
  );
  onFirstUse("stderr");
}

/** What exitWhenWritten needs of a stream: how much is still going out, and a write with a callback. */
export interface Outgoing {
  readonly writableLength: number;
  write(chunk: string, cb: () => void): unknown;
}

/**
 * End the process once everything written to stdout and stderr has left it. For a command
 * whose work is all awaited by the time main() resolves (`ls`, `status`): the engine's own
 * teardown of a finished process (its heap freed piece by piece) was ~5 ms of every call.
 * A pipe is written asynchronously on some systems (macOS): an empty write's callback comes
 * once every write before it is out.
 */
export function exitWhenWritten(code: number, streams: Outgoing[] = madeStreams(), exit: (code: number) => void = process.exit): void {
  const waiting = streams.filter((s) => s.writableLength > 0);
  if (waiting.length === 0) return exit(code);
  let left = waiting.length;
  for (const s of waiting) s.write("", () => --left === 0 && exit(code));
}

/** The standard streams something wrote to (one never used is never built just to ask). */
function madeStreams(): Outgoing[] {
  const streams: NodeJS.WriteStream[] = [];
  if (made.stdout) streams.push(process.stdout);
  if (made.stderr) streams.push(process.stderr);
  return streams;
}

export async function main(argv: string[]): Promise<number> {
  quietOnClosedPipe();
  const program = buildProgram(argv);
  try {
    await program.parseAsync(argv);
    // Actions that end with a meaningful code (send's 3, attach's tmux status) set exitCode.
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help asked for (--help, ao help) and the version are not errors. Help shown because no
      // command was named (`ao`, `ao session`) did nothing it was asked: commander writes it to
      // stderr with a non-zero code, and a script hears bad input, as for anything else it rejects.
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version") return 0;
      return e.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    // Error messages carry outside text (tmux's and git's words, GitHub's, a question's options).
    if (isAoError(e)) {
      process.stderr.write(`ao: ${inertMessage(e.message)}\n`);
      return e.exitCode;
    }
    const err = e as Error;
    process.stderr.write(`ao: ${inertMessage(err.message)}\n`);
    if (process.env.AO_DEBUG) process.stderr.write(`${err.stack}\n`);
    return 1;
  }
}
