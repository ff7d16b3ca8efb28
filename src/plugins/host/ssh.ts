import { mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { follow, run, type Following, type RunOptions, type RunResult } from "../../exec.js";
import { explainSshFailure, remoteCommand, sshNeedsPerson, sshTarget } from "../../core/ssh.js";
import { shellJoin } from "../../core/shell.js";
import { HostUnreachableError, type Host } from "./types.js";

export interface SshHostOptions {
  name: string;
  /** The destination as config writes it. */
  ssh: string;
  /** ssh's own config file (`runtime.sshConfig`), passed as -F. */
  sshConfig?: string;
  aoHome: string;
  /** Deadline of one command when the caller names none. */
  timeoutMs?: number;
}

/** ssh exits 255 when it, not the remote command, failed: no connection, no login, bad host key. */
const SSH_FAILED = 255;
const DEFAULT_TIMEOUT_MS = 20_000;

/**
 * The folder of the shared connections' sockets. A Unix socket path holds about 104 bytes, and
 * ssh adds a 17-byte suffix while it sets one up beside the 40-character %C name, so a deep
 * AO_HOME gets its sockets in a private folder under the system's temporary folder instead.
 */
export function controlDir(aoHome: string): string {
  const dir = path.join(aoHome, "ssh");
  if (dir.length + 1 + 40 + 17 < 104) return dir;
  let h = 0x811c9dc5;
  for (let i = 0; i < aoHome.length; i++) h = Math.imul(h ^ aoHome.charCodeAt(i), 0x01000193) >>> 0;
  return path.join(os.tmpdir(), `ao-ssh-${process.getuid?.() ?? "u"}-${h.toString(16)}`);
}

/**
 * A host reached with OpenSSH. One connection per host is shared by every command (ControlMaster
 * with its socket under AO_HOME, kept 60 s after the last use), so a refresh costs one round trip
 * per host, not per session. ssh runs in batch mode: ao never answers its prompts (an unknown host
 * key, a password); it fails with a sentence that says what to do. Every command has a deadline,
 * and keep-alives end a connection whose host stopped answering.
 */
export class SshHost implements Host {
  readonly remote = true;
  readonly name: string;
  timeoutMs: number;
  private readonly dir: string;

  constructor(private readonly opts: SshHostOptions) {
    this.name = opts.name;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.dir = controlDir(opts.aoHome);
  }

  /** The ssh a person runs to reach this host as ao does (its config file, its port). */
  private byHand(): string {
    const { host, port } = sshTarget(this.opts.ssh);
    return shellJoin(["ssh", ...(this.opts.sshConfig ? ["-F", this.opts.sshConfig] : []), ...(port ? ["-p", port] : []), host]);
  }

  /** ssh's options before the destination; `tty` for an interactive attach. */
  sshArgs(tty: boolean): string[] {
    const { host, port } = sshTarget(this.opts.ssh);
    return [...this.options(), ...(port ? ["-p", port] : []), tty ? "-t" : "-T", host];
  }

  /** The options every ssh to this host runs with: its config file, the shared connection, deadlines. */
  private options(): string[] {
    return [
      ...(this.opts.sshConfig ? ["-F", this.opts.sshConfig] : []),
      "-o", "BatchMode=yes",
      "-o", "ControlMaster=auto",
      "-o", `ControlPath=${path.join(this.dir, "%C")}`,
      "-o", "ControlPersist=60",
      "-o", "ConnectTimeout=5",
      "-o", "ServerAliveInterval=5",
      "-o", "ServerAliveCountMax=2",
      "-o", "LogLevel=ERROR",
    ];
  }

  gitRemote(dir: string): { url: string; sshCommand: string } {
    const { host, port } = sshTarget(this.opts.ssh);
    const at = host.lastIndexOf("@");
    const name = host.slice(at + 1);
    const authority = `${host.slice(0, at + 1)}${name.includes(":") ? `[${name}]` : name}${port ? `:${port}` : ""}`;
    // git reads `/~/x` in an ssh URL as x in the remote home, as ssh itself would.
    const where = dir.startsWith("/") ? dir : dir === "~" ? "/~" : `/~/${dir.replace(/^~\//, "")}`;
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    return { url: `ssh://${authority}${where}`, sshCommand: shellJoin(["ssh", ...this.options()]) };
  }

  async run(file: string, args: readonly string[], opts: Omit<RunOptions, "env"> = {}): Promise<RunResult> {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    const argv = [...this.sshArgs(false), "--", remoteCommand([file, ...args], opts.cwd)];
    let r: RunResult;
    try {
      r = await run("ssh", argv, { timeoutMs, ...(opts.input !== undefined ? { input: opts.input } : {}) });
    } catch (e) {
      throw new HostUnreachableError(this.name, `cannot reach ${this.name}: ${(e as Error).message}`);
    }
    if (r.timedOut) {
      throw new HostUnreachableError(this.name, `${this.name} did not answer within ${Math.round(timeoutMs / 1000)}s`);
    }
    if (r.exitCode === SSH_FAILED) throw new HostUnreachableError(this.name, explainSshFailure(this.name, r.stderr, this.byHand()), sshNeedsPerson(r.stderr));
    return r;
  }

  /** A following command over the shared connection: no deadline; keep-alives end it when the host stops answering. */
  follow(file: string, args: readonly string[], onOutput: (chunk: string) => void): Promise<Following> {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    return follow("ssh", [...this.sshArgs(false), "--", remoteCommand([file, ...args])], onOutput);
  }

  interactiveArgv(argv: string[]): string[] {
    return ["ssh", ...this.sshArgs(true), "--", remoteCommand(argv)];
  }

  /** End the shared connection (tests, and a host removed from config). */
  async close(): Promise<void> {
    const { host, port } = sshTarget(this.opts.ssh);
    await run("ssh", [
      ...(this.opts.sshConfig ? ["-F", this.opts.sshConfig] : []),
      "-o", `ControlPath=${path.join(this.dir, "%C")}`,
      ...(port ? ["-p", port] : []),
      "-O", "exit", host,
    ], { timeoutMs: 5000 }).catch(() => undefined);
  }
}
