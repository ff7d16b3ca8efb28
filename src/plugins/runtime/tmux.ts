import path from "node:path";
import { withoutSecrets } from "../../core/secrets.js";
import { envFileText } from "../../core/shell.js";
import { run, startRun, takeEarlyStart, type PendingRun, type RunResult } from "../../exec.js";
import { removePath, removeStartingWith, writePrivate } from "../host/files.js";
import { localHost } from "../host/local.js";
import type { Host } from "../host/types.js";
import type { LaunchSpec, PaneFacts, PaneLook, RuntimePlugin, ScreenWant } from "../types.js";
import { killTree, processTree } from "./processes.js";
import { ControlTimeout, TmuxControl } from "./tmux-control.js";
import { LIST_PANES_LINE, LookOutOfStep, lookScript, PANE_FORMAT, parseLook, parsePanes, unreadWants, wantsNotAsked } from "./tmux-look.js";

export { parsePanes };

/** "No server" and "no such session" are normal answers, not failures. */
function noServer(r: RunResult): boolean {
  return /no server running|error connecting to|no sessions/i.test(r.stderr);
}

const LAUNCH_ENV = "launch-env.";

/** How long a local tmux command may take: tmux answers in milliseconds. */
export const TMUX_DEADLINE_MS = 30_000;

/**
 * How long a local look (the listing, the screens) may take: a listing answers from the records
 * when tmux does not (a stopped server), so it waits seconds, not the half minute an action does.
 * tmux looks at 500 panes in tens of milliseconds, and reads their screens in a few hundred.
 */
export const LOOK_DEADLINE_MS = 5_000;

/**
 * Delete launch env files left in a session's state folder: the launcher deletes its own as it
 * starts, but a tmux that failed (or a pane killed first) never runs it, and the file holds the
 * agent's whole environment, tokens included.
 */
export async function removeLaunchFiles(stateDir: string, host: Host = localHost): Promise<void> {
  await removeStartingWith(host, stateDir, LAUNCH_ENV).catch(() => {});
}

/**
 * A fresh nonce per look, so the headers of one look cannot be mistaken for another's. It is a
 * check, not the defence: screens are split by row counts, so a screen that learnt the nonce
 * still cannot forge a boundary (and webcrypto would cost every command its load time).
 */
function nonce(): string {
  return `ao-look-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
}

/**
 * tmux reads an argument that ends in `;` as the end of a command, even from argv: "hello;"
 * would type "hello", and ";" alone nothing. An argument ending in `\;` stands for one ending in
 * `;` (tmux drops that one backslash), so a final `;` gets a backslash before it; "a\;" becomes
 * "a\\;", which tmux turns back into "a\;".
 */
export function tmuxArg(text: string): string {
  return text.endsWith(";") ? `${text.slice(0, -1)}\\;` : text;
}

/**
 * The environment a local tmux command runs with, which a server it starts keeps (and hands on):
 * no credential, and no session's mark (sessionMark). An ao run inside an agent carries its
 * session's mark; a server it started would carry it too, and a kill of that session would end
 * the server and every session on it.
 */
function serverEnv(): NodeJS.ProcessEnv {
  const env = withoutSecrets(process.env);
  delete env.AO_SESSION;
  delete env.AO_WORKSPACE;
  return env;
}

/** How long after a control client failed (or could not attach) the next one is tried. */
const CONTROL_RETRY_MS = 30_000;

/** tmux is not on the PATH of commands run on a host. */
export class TmuxMissing extends Error {}

/** A local tmux that did not answer within its deadline (a stopped or wedged server): nothing was learnt. */
export class TmuxNoAnswer extends Error {
  constructor(
    readonly command: string,
    readonly deadlineMs: number,
  ) {
    super(`tmux ${command}: no answer within ${deadlineMs / 1000} s (is the tmux server stopped or stuck?)`);
  }
}

/**
 * tmux as the runtime: one session per ao session. Every target is exact (`=name`), so `fe-1`
 * never reaches `fe-12`. A socket name puts ao on a private server (tests, the demo). On another
 * host the same tmux commands run there, over the host's shared ssh connection.
 */
export class TmuxRuntime implements RuntimePlugin {
  readonly name = "tmux";

  constructor(
    readonly socket?: string,
    private readonly makeNonce: () => string = nonce,
    readonly host: Host = localHost,
    /**
     * How long a local tmux command may take: tmux answers in milliseconds, so one that does not
     * within this (a server wedged, a socket that never answers) is an error, not a wait forever.
     * Over ssh the host's own deadline applies.
     */
    readonly deadlineMs = TMUX_DEADLINE_MS,
  ) {}

  private argv(args: string[]): string[] {
    // -u: without a UTF-8 locale in ao's environment, tmux would print tabs and non-ASCII
    // characters as '_', mangling list-panes fields and the agent screens ao reads.
    return this.socket ? ["-u", "-L", this.socket, ...args] : ["-u", ...args];
  }

  /** A look's deadline: the shorter of the look's own and this runtime's. */
  private get lookDeadlineMs(): number {
    return Math.min(this.deadlineMs, LOOK_DEADLINE_MS);
  }

  async tmux(args: string[], input?: string, deadlineMs = this.deadlineMs): Promise<RunResult> {
    // The first tmux command starts the server, and the server keeps the environment it was
    // started with as its global environment (show-environment -g) for as long as it runs:
    // no credential goes there. Agents get theirs through the launch env file instead.
    // Over ssh no environment of ao's travels: the server there starts with the host's own.
    // Within the host's own deadline: tmux answers at once, so a host that takes longer is not answering.
    if (this.host.remote) {
      const r = await this.host.run("tmux", this.argv(args), input !== undefined ? { input } : {});
      // 127: the shell there found no tmux on the PATH its ssh commands get.
      if (r.exitCode === 127) throw new TmuxMissing(`tmux is not installed on ${this.host.name} (not on the PATH of commands run there over ssh): ${r.stderr.trim()}`);
      return r;
    }
    const env = serverEnv();
    return this.answered(args, await run("tmux", this.argv(args), input !== undefined ? { input, env, timeoutMs: deadlineMs } : { env, timeoutMs: deadlineMs }), deadlineMs);
  }

  /** A local tmux that did not answer within its deadline is an error, said as such. */
  private answered(args: string[], r: RunResult, deadlineMs: number): RunResult {
    if (r.timedOut) throw new TmuxNoAnswer(args[0] ?? "", deadlineMs);
    return r;
  }

  private async ok(args: string[], input?: string): Promise<RunResult> {
    const r = await this.tmux(args, input);
    if (r.exitCode !== 0) throw new Error(`tmux ${args[0]}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
    return r;
  }

  async create(spec: LaunchSpec): Promise<void> {
    // The agent's environment goes through a private file that the launcher reads and deletes:
    // on tmux's command line (`-e`) secrets would show in `ps`, and the server's own global
    // environment may be days old. `env -i` starts from nothing, so only ao's environment counts.
    const envFile = path.join(spec.stateDir, `${LAUNCH_ENV}${process.pid}.${Date.now()}`);
    await writePrivate(this.host, envFile, envFileText(spec.env), { exclusive: true });
    try {
      await this.launch(spec, envFile);
    } catch (e) {
      // The launcher never ran, so nothing else will delete the file and its tokens.
      await removePath(this.host, envFile).catch(() => {});
      throw e;
    }
  }

  private async launch(spec: LaunchSpec, envFile: string): Promise<void> {
    // tmux 3.3 drops a pane's last output when its process exits within about a second of
    // writing it, so the launcher outlives the agent by a second: a failing agent's last words
    // stay on screen (and become the spawn error).
    //
    // On another host the agent starts from the host's own login environment (`sh -l`: its
    // profile's PATH, its own credentials), and the env file adds only what ao sets; here
    // `env -i` starts from nothing and the file holds the whole environment.
    const shell = this.host.remote ? "/bin/sh -l -c" : "/bin/sh -c";
    const launcher = `. "$1" && rm -f -- "$1" && cd -- "$2" || exit 127; ${shell} "$3"; s=$?; sleep 1; exit $s`;
    // The session's mark goes on the launcher's own command line too (it names, it holds no
    // secret): `env -i` would leave the launcher, the pane's first process, without it.
    const mark = Object.entries(spec.mark ?? {}).map(([k, v]) => tmuxArg(`${k}=${v}`));
    const start = this.host.remote ? ["env", ...mark, "/bin/sh"] : ["env", "-i", ...mark, "/bin/sh"];
    // remain-on-exit is set in the same tmux invocation, before the server's event loop can see
    // the agent exit, so an agent that dies at once still leaves its pane (and its last words).
    await this.ok([
      "new-session", "-d", "-s", spec.name, "-x", "120", "-y", "40", "-c", spec.cwd,
      "--", ...start, "-c", launcher, "ao-launch", envFile, tmuxArg(spec.cwd), tmuxArg(spec.command),
      ";", "set-option", "-w", "-t", `=${spec.name}:`, "remain-on-exit", "on",
    ]);
  }

  /** The last listing and its panes: an idle tmux lists the same text every second. */
  private listing: { text: string; panes: PaneFacts[] } = { text: "", panes: [] };

  /**
   * The panes of a listing; the same (frozen) array as last time when tmux printed the same
   * text, so nothing is parsed again and listeners can tell "nothing changed" by identity.
   */
  private readonly panesOf = (text: string): PaneFacts[] => {
    if (text !== this.listing.text) this.listing = { text, panes: Object.freeze(parsePanes(text).map((p) => Object.freeze(p))) as PaneFacts[] };
    return this.listing.panes;
  };

  private readonly paneListeners = new Set<(panes: PaneFacts[], fromLook: boolean) => void>();

  onPanes(listener: (panes: PaneFacts[], fromLook: boolean) => void): () => void {
    this.paneListeners.add(listener);
    return () => void this.paneListeners.delete(listener);
  }

  /** Hand a full listing (a look's, or a listing alone) to whoever listens for one, and return it. */
  private heard<T extends { panes: PaneFacts[] } | PaneFacts[]>(result: T): T {
    const panes = Array.isArray(result) ? result : result.panes;
    if (this.controlWanted) this.livePanes = new Set(panes.filter((p) => !p.dead).map((p) => p.name));
    for (const listen of [...this.paneListeners]) listen(panes, !Array.isArray(result));
    return result;
  }

  /** The control client of a long-lived process (keepConnected), once one is attached. */
  private control: TmuxControl | null = null;
  private controlStarting: Promise<TmuxControl | null> | null = null;
  private controlWanted = false;
  /** No client is started before this time: the last one failed to attach, or ended answering. */
  private controlRetryAt = 0;
  /** ao's own sessions, as the last look asked for them: where a client may attach. */
  private controlTargets: readonly string[] = [];
  /** Sessions whose pane lived at the last listing. */
  private livePanes = new Set<string>();

  /**
   * For a process that looks again and again (the dashboard): looks and listings go through one
   * tmux control client rather than a tmux process each (tmux-control.ts). Local only; returns
   * the disconnect.
   */
  keepConnected(): () => void {
    if (this.host.remote) return () => {};
    this.controlWanted = true;
    return () => {
      this.controlWanted = false;
      this.control?.close();
      this.control = null;
    };
  }

  /** A script's answer through the control client; null when there is none to use (the caller forks). */
  private async viaControl(text: string, command: string, deadlineMs = this.lookDeadlineMs): Promise<RunResult | null> {
    const control = await this.connected();
    if (!control) return null;
    try {
      return await control.run(text, deadlineMs);
    } catch (e) {
      if (this.control === control) this.control = null;
      // One that answered before and then ended (the session it was attached to ended) is made
      // again at the next look, attached elsewhere; one that never answered (a tmux without
      // control mode's flags) or stopped answering is not tried again for a while.
      if (e instanceof ControlTimeout || !control.answered) this.controlRetryAt = Date.now() + CONTROL_RETRY_MS;
      if (e instanceof ControlTimeout) throw new TmuxNoAnswer(command, deadlineMs);
      // It ended first: this answer comes the usual way.
      return null;
    }
  }

  private async connected(): Promise<TmuxControl | null> {
    if (!this.controlWanted) return null;
    if (this.control?.alive) return this.control;
    this.control = null;
    if (Date.now() < this.controlRetryAt) return null;
    const target = this.controlTargets.find((n) => this.livePanes.has(n));
    if (!target) return null;
    this.controlStarting ??= TmuxControl.start(this.argv([]), target, serverEnv()).finally(() => (this.controlStarting = null));
    const started = await this.controlStarting;
    if (!started?.alive || !this.controlWanted) {
      started?.close();
      this.controlRetryAt = Date.now() + CONTROL_RETRY_MS;
      return null;
    }
    this.control = started;
    return started;
  }

  async listPanes(): Promise<PaneFacts[]> {
    const panes = await this.readPanes();
    return this.heard((await this.settleDead(panes)) ?? panes);
  }

  /**
   * tmux 3.3 can mark a pane dead before it has collected the exit status; the status arrives
   * once the server handles another child's exit, which run-shell provides. null: none waiting.
   */
  private async settleDead(panes: PaneFacts[]): Promise<PaneFacts[] | null> {
    // A pane a signal ended has no status, ever: waiting for one cost two processes per look.
    if (!panes.some((p) => p.dead && p.deadStatus === null && p.deadSignal === undefined)) return null;
    await this.tmux(["run-shell", "true"], undefined, this.lookDeadlineMs);
    return this.readPanes();
  }

  /** A `tmux source-file -` started ahead of the look that will feed it its script. */
  private prepared: Promise<PendingRun> | null = null;
  /** A look started ahead with the wants the caller expects to ask for, fed at once. */
  private started: { wants: readonly ScreenWant[]; nonce: string; at: number; result: Promise<RunResult> } | null = null;

  async prepareLook(wants?: readonly ScreenWant[]): Promise<void> {
    // Over ssh a command's start-up is the shared connection's, already made; through a
    // control client there is none.
    if (this.host.remote || this.prepared || this.started || this.control?.alive) return;
    if (wants?.length) {
      // The look bin/ao.js started before the bundle loaded, if it is this very look.
      const early = takeEarlyStart("tmux", this.argv(["source-file", "-"]), (input, tag) => input === lookScript(wants, tag), this.lookDeadlineMs);
      if (early) {
        early.result.catch(() => {});
        this.started = { wants, nonce: early.tag, at: early.at, result: early.result };
        return;
      }
    }
    const pending = startRun("tmux", this.argv(["source-file", "-"]), { env: serverEnv() });
    if (!wants?.length) {
      this.prepared = pending;
      // A start failure is the look's to report.
      await pending.then(
        () => {},
        () => {},
      );
      return;
    }
    const id = this.makeNonce();
    const at = Date.now();
    // A start failure is the look's to report, or nobody's if no look takes it.
    const result = pending.then((run) => run.finish(lookScript(wants, id), this.lookDeadlineMs));
    result.catch(() => {});
    this.started = { wants, nonce: id, at, result };
    // tmux runs the script once its input is closed, which takes a turn of the event loop.
    await pending.then(
      (run) => run.inputClosed(),
      () => {},
    );
  }

  /** The look prepareLook(wants) would start, with `nonce`, for a process started before ao's code loads. */
  lookAheadFor(wants: readonly ScreenWant[], nonce: string): { args: string[]; input: string } | null {
    if (this.host.remote || wants.length === 0) return null;
    return { args: this.argv(["source-file", "-"]), input: lookScript(wants, nonce) };
  }

  dropPreparedLook(): void {
    const p = this.prepared;
    this.prepared = null;
    // A look started ahead runs its script to its end: only its answer is left unheard.
    this.started = null;
    p?.then((r) => r.abandon(), () => {});
  }

  /** A tmux script run by the prepared process when there is one, else by a new one. */
  private async script(text: string): Promise<RunResult> {
    const p = this.prepared;
    if (!p) return (await this.viaControl(text, "source-file")) ?? this.tmux(["source-file", "-"], text, this.lookDeadlineMs);
    this.prepared = null;
    const r = this.answered(["source-file"], await (await p).finish(text, this.lookDeadlineMs), this.lookDeadlineMs);
    // It connected before the records were read: its "no server" may be older than they are
    // (a server started since, by a spawn). Only a process started now may say so.
    return r.exitCode !== 0 && noServer(r) ? this.tmux(["source-file", "-"], text, this.lookDeadlineMs) : r;
  }

  async look(wants: readonly ScreenWant[]): Promise<PaneLook> {
    if (wants.length === 0) return { panes: await this.listPanes(), screens: new Map() };
    if (this.controlWanted) this.controlTargets = wants.map((w) => w.name);
    const ahead = await this.startedLook();
    // A script on standard input rather than `;`-joined argv: tmux refuses a command line over
    // 16 KB, a few dozen panes' worth, and one failing line of a script does not stop the rest.
    const id = ahead?.nonce ?? this.makeNonce();
    const asked = ahead?.wants ?? wants;
    const r = ahead?.r ?? (await this.script(lookScript(wants, id)));
    if (!r.stdout && noServer(r)) return { panes: [], screens: new Map() };
    let look: PaneLook;
    try {
      look = parseLook(r.stdout, id, asked, this.panesOf);
      // Wants the look started ahead did not ask as they are asked now (a session new since),
      // and screens another ao process read first (marked read in tmux, unknown here): by name,
      // in one more process.
      const notAsked = ahead ? wantsNotAsked(wants, asked, look.panes) : [];
      for (const w of notAsked) look.screens.delete(w.name);
      const askAgain = new Set(notAsked);
      const again = [...notAsked, ...unreadWants(wants.filter((w) => !askAgain.has(w)), look)];
      if (again.length) {
        const script = lookScript(again, id, { byName: again, loop: null });
        const more = (await this.viaControl(script, "source-file")) ?? (await this.tmux(["source-file", "-"], script, this.lookDeadlineMs));
        look = { ...look, screens: new Map([...look.screens, ...parseLook(more.stdout, id, again).screens]) };
      }
    } catch (e) {
      if (!(e instanceof LookOutOfStep)) throw e;
      // Another tmux's output in a shape the script did not expect: the slow way still works.
      return this.lookOneByOne(wants);
    }
    const settled = await this.settleDead(look.panes);
    const seen = settled ? { ...look, panes: settled } : look;
    return this.heard(ahead ? { ...seen, startedAt: ahead.at } : seen);
  }

  /**
   * The answer of the look started ahead, taken once. Its "no server" may be older than the
   * caller's reading (a spawn may have started a server since): none then, and the look runs anew.
   */
  private async startedLook(): Promise<{ wants: readonly ScreenWant[]; nonce: string; at: number; r: RunResult } | null> {
    const ahead = this.started;
    if (!ahead) return null;
    this.started = null;
    const r = this.answered(["source-file"], await ahead.result, this.lookDeadlineMs);
    return r.exitCode !== 0 && noServer(r) ? null : { wants: ahead.wants, nonce: ahead.nonce, at: ahead.at, r };
  }

  /** The same look as a listing and one capture process per screen worth reading. */
  private async lookOneByOne(wants: readonly ScreenWant[]): Promise<PaneLook> {
    const panes = await this.listPanes();
    const byName = new Map(panes.map((p) => [p.name, p]));
    const screens = new Map<string, { activityAt: number; text: string }>();
    await Promise.all(
      wants.map(async (w) => {
        const p = byName.get(w.name);
        if (!p || p.dead || p.activityAt === w.knownActivityAt || p.activityAt > w.stillBefore) return;
        const text = await this.capture(w.name).catch(() => null);
        if (text !== null) screens.set(w.name, { activityAt: p.activityAt, text });
      }),
    );
    return { panes, screens };
  }

  private async readPanes(): Promise<PaneFacts[]> {
    // The same listing as a script line when a look's process waits for one.
    const r = this.prepared
      ? await this.script(`${LIST_PANES_LINE}\n`)
      : ((await this.viaControl(`${LIST_PANES_LINE}\n`, "list-panes")) ?? (await this.tmux(["list-panes", "-a", "-F", PANE_FORMAT], undefined, this.lookDeadlineMs)));
    if (r.exitCode !== 0) {
      if (noServer(r)) return [];
      throw new Error(`tmux list-panes: ${r.stderr.trim()}`);
    }
    return this.panesOf(r.stdout);
  }

  async capture(name: string, lines?: number): Promise<string> {
    const r = await this.ok(["capture-pane", "-p", "-t", `=${name}:`, ...(lines ? ["-S", `-${lines}`] : [])]);
    return r.stdout;
  }

  async exists(name: string): Promise<boolean> {
    const r = await this.tmux(["has-session", "-t", `=${name}`]);
    return r.exitCode === 0;
  }

  async destroy(name: string): Promise<void> {
    let listed: PaneFacts[];
    try {
      listed = await this.listPanes();
    } catch (e) {
      // No tmux there: no tmux session to end (a spawn that failed for that very reason).
      if (e instanceof TmuxMissing) return;
      throw e;
    }
    const panes = listed.filter((p) => p.name === name);
    // Collect the agent's whole process tree before tmux goes: some agents ignore the SIGHUP
    // that closing the pane sends, and would keep running unseen.
    const pids = (await Promise.all(panes.filter((p) => !p.dead).map((p) => processTree(p.panePid, this.host)))).flat();
    const r = await this.tmux(["kill-session", "-t", `=${name}`]);
    if (r.exitCode !== 0 && !noServer(r) && !/can't find session/i.test(r.stderr)) {
      throw new Error(`tmux kill-session: ${r.stderr.trim()}`);
    }
    await killTree(pids, 3000, this.host);
  }

  async sendKeys(name: string, keys: string[]): Promise<void> {
    await this.ok(["send-keys", "-t", `=${name}:`, ...keys]);
  }

  async typeLiteral(name: string, text: string): Promise<void> {
    // -l: every character is typed as itself, so "Enter" or "C-c" in a message stay text;
    // "--" keeps a message that starts with "-" from being read as a flag.
    await this.ok(["send-keys", "-l", "-t", `=${name}:`, "--", tmuxArg(text)]);
  }

  async paste(name: string, text: string): Promise<void> {
    // The text goes through standard input into a buffer of its own (no temp file anyone else
    // could read or swap), then is pasted with bracketed-paste markers (-p), which agents take
    // literally, and the buffer is deleted (-d).
    const buffer = `ao-send-${process.pid}-${Date.now().toString(36)}`;
    await this.ok(["load-buffer", "-b", buffer, "-"], text);
    await this.ok(["paste-buffer", "-p", "-d", "-b", buffer, "-t", `=${name}:`]);
  }

  attachArgv(name: string, insideTmux: boolean): string[] {
    // Inside tmux on the same server, switching the client beats nesting a second client.
    if (insideTmux && !this.socket && !this.host.remote) return ["tmux", "switch-client", "-t", `=${name}`];
    // Another host's session: ssh -t there, and attach there.
    return this.host.interactiveArgv(["tmux", ...this.argv(["attach-session", "-t", `=${name}`])]);
  }
}
