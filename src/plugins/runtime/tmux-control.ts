import { follow, type Following, type RunResult } from "../../exec.js";

/**
 * A tmux control-mode client (`tmux -C`) kept for a long-lived ao process: the dashboard looks
 * at every pane every 2 s and lists them in between, and each of those was a fork of a process
 * of ~100 MB (6-9 ms of its CPU here, and as much again in the tmux client it started). Through
 * one client the same scripts cost a write and a read.
 *
 * A control client must be attached to a session. It attaches to one of ao's own, with
 * `ignore-size` (it never changes a window's size), `no-output` (no pane's output is sent to it)
 * and `read-only` (nothing it could type reaches a pane); that session counts as attached in
 * `tmux ls` while the dashboard runs. When that session ends, tmux detaches the client; the next
 * look forks as before and a new client attaches elsewhere.
 */

/** The client ended before answering: the caller asks again the usual way. */
export class ControlLost extends Error {}

/** The client did not answer within the deadline: it is ended, and the caller says so. */
export class ControlTimeout extends Error {}

interface Request {
  /** The body of the block that ends this request's answer: a nonce nothing else can print. */
  sentinel: string;
  out: string[];
  err: string[];
  failed: boolean;
  resolve(r: RunResult): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * The lines a control client prints, read into command blocks. A block runs from `%begin T N F`
 * to the `%end T N F` (or `%error T N F`) with the same time, command number and flags; a line
 * inside that merely looks like a guard (a screen can print anything) does not end it, since it
 * cannot know the number tmux gave the command. Lines between blocks are notifications.
 */
export class ControlReader {
  private partial = "";
  private block: { guard: string; lines: string[] } | null = null;

  constructor(
    private readonly onBlock: (lines: string[], error: boolean) => void,
    private readonly onExit: () => void,
  ) {}

  feed(chunk: string): void {
    const lines = (this.partial + chunk).split("\n");
    this.partial = lines.pop() ?? "";
    for (const line of lines) this.line(line);
  }

  private line(line: string): void {
    const block = this.block;
    if (block) {
      if (line === `%end ${block.guard}` || line === `%error ${block.guard}`) {
        this.block = null;
        this.onBlock(block.lines, line.startsWith("%error"));
      } else block.lines.push(line);
      return;
    }
    const begin = /^%begin (\d+ \d+ \d+)$/.exec(line);
    if (begin) this.block = { guard: begin[1]!, lines: [] };
    else if (line === "%exit" || line.startsWith("%exit ")) this.onExit();
  }
}

let counter = 0;
const sentinelFor = () => `ao-ctl-${process.pid}-${++counter}-${Math.random().toString(36).slice(2)}`;

export class TmuxControl {
  private readonly queue: Request[] = [];
  private ended = false;
  /** Whether it has answered a request: a client that ends before its first answer could not attach. */
  answered = false;

  private constructor(private readonly client: Following) {}

  /**
   * A client attached to `target` (an exact session name), or null when none could be made.
   * `argv` is tmux's own arguments before the command (`-u -L socket`).
   */
  static async start(argv: readonly string[], target: string, env: NodeJS.ProcessEnv): Promise<TmuxControl | null> {
    let control: TmuxControl | null = null;
    const reader = new ControlReader(
      (lines, error) => control?.block(lines, error),
      () => control?.end(),
    );
    try {
      const client = await follow("tmux", [...argv, "-C", "attach-session", "-t", `=${target}`, "-f", "ignore-size,no-output,read-only"], (chunk) => reader.feed(chunk), { env });
      control = new TmuxControl(client);
      void client.ended.then(
        () => control?.end(),
        () => control?.end(),
      );
      return control;
    } catch {
      return null;
    }
  }

  get alive(): boolean {
    return !this.ended;
  }

  /**
   * Run `script` (tmux commands, a line each, as `source-file -` reads them): its commands'
   * output as a process's would be, the output of commands that failed as its error output.
   */
  run(script: string, deadlineMs: number): Promise<RunResult> {
    if (this.ended) return Promise.reject(new ControlLost("tmux control client ended"));
    const sentinel = sentinelFor();
    return new Promise<RunResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new ControlTimeout(`no answer within ${deadlineMs} ms`));
        this.close();
      }, deadlineMs);
      this.queue.push({ sentinel, out: [], err: [], failed: false, resolve, reject, timer });
      const body = script.endsWith("\n") ? script : `${script}\n`;
      this.client.send(`${body}display-message -p '${sentinel}'\n`);
    });
  }

  /** Detach: the client ends with its input. */
  close(): void {
    this.client.stop(1000);
    this.end();
  }

  private block(lines: string[], error: boolean): void {
    const head = this.queue[0];
    // The attach's own block, before any request: nobody's.
    if (!head) return;
    if (!error && lines.length === 1 && lines[0] === head.sentinel) {
      this.queue.shift();
      clearTimeout(head.timer);
      this.answered = true;
      const text = (xs: string[]) => (xs.length ? `${xs.join("\n")}\n` : "");
      head.resolve({ exitCode: head.failed ? 1 : 0, stdout: text(head.out), stderr: text(head.err) });
      return;
    }
    if (error) head.failed = true;
    // One line at a time: a listing of many thousand panes is more arguments than a call takes.
    const into = error ? head.err : head.out;
    for (const line of lines) into.push(line);
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.fail(new ControlLost("tmux control client ended"));
  }

  private fail(e: Error): void {
    this.ended = true;
    for (const r of this.queue.splice(0)) {
      clearTimeout(r.timer);
      r.reject(e);
    }
  }
}
