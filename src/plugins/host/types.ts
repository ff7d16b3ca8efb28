import type { Following, RunOptions, RunResult } from "../../exec.js";

/**
 * Where a session's processes run: this machine, or another one over ssh. git, tmux and the
 * agent run there; metadata and the event log stay here, so nothing assumes a shared filesystem.
 */
export interface Host {
  readonly name: string;
  readonly remote: boolean;
  /**
   * The deadline (ms) of a command whose caller names none; on this machine none applies. A
   * refresh shortens it for a host already known not to answer.
   */
  timeoutMs: number;
  /**
   * Run an argv there. A non-zero exit of the command is a result; failing to reach the host
   * throws HostUnreachableError. `env` is not carried over ssh: an agent's environment goes
   * through a private file (see the tmux runtime).
   */
  run(file: string, args: readonly string[], opts?: Omit<RunOptions, "env">): Promise<RunResult>;
  /**
   * Run a command there that keeps running, hearing its output as it comes (see exec's follow):
   * its input ends when it is stopped, or when the connection does. Remote hosts only.
   */
  follow?(file: string, args: readonly string[], onOutput: (chunk: string) => void): Promise<Following>;
  /**
   * How git on this machine reaches a repository there (`git fetch`): its URL, and the ssh
   * command, with this host's options and shared connection, for GIT_SSH_COMMAND. Remote hosts only.
   */
  gitRemote?(dir: string): { url: string; sshCommand: string };
  /** argv that runs `argv` there with this terminal attached (attach, open). */
  interactiveArgv(argv: string[]): string[];
}

export class HostUnreachableError extends Error {
  constructor(
    readonly host: string,
    message: string,
    /** Only a person can mend it (a host key to check, a login without a key), and `message` says how. */
    readonly needsPerson = false,
  ) {
    super(message);
    this.name = "HostUnreachableError";
  }
}
