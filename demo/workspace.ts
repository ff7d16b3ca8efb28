// The demo's world, built in one temporary folder and torn down without a trace: two projects
// (a clone and a bare origin each), the fake GitHub on 127.0.0.1, a private tmux socket, and a
// config and environment that point ao at all of it. The user's ~, tmux and tokens stay untouched.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, lstatSync, rmSync } from "node:fs";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { shellQuote } from "../src/core/shell.js";
import { startFakeGitHub, type FakeGitHub } from "./fake-github.js";
import { pidAlive, run } from "../src/exec.js";

export interface DemoProject {
  id: "frontend" | "backend";
  name: string;
  repo: string;
  prefix: string;
  path: string;
}

/** The checkout this file belongs to, from demo/ or dist/demo/ or a bundle chunk alike. */
export function packageRoot(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json")) && existsSync(path.join(dir, "demo", "sim-agent.mjs"))) return dir;
    if (path.dirname(dir) === dir) throw new Error("cannot find the ao checkout (demo/sim-agent.mjs) above the demo's code");
  }
}

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* gone already */
  }
}


/** `roots` and every process below them (one `ps`), so nothing the agents started is missed. */
function descendants(roots: number[]): number[] {
  let ps: string;
  try {
    ps = execFileSync("ps", ["-A", "-o", "pid=,ppid="], { encoding: "utf8" });
  } catch {
    return roots;
  }
  const kids = new Map<number, number[]>();
  for (const line of ps.split("\n")) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    if (pid && ppid !== undefined) kids.set(ppid, [...(kids.get(ppid) ?? []), pid]);
  }
  const out = new Set<number>();
  const walk = (pid: number) => {
    if (out.has(pid)) return;
    out.add(pid);
    for (const c of kids.get(pid) ?? []) walk(c);
  };
  roots.forEach(walk);
  return [...out];
}

export class DemoWorkspace {
  root = "";
  readonly socket = `ao-demo-${randomBytes(4).toString("hex")}`;
  readonly token = `demo-${randomBytes(12).toString("hex")}`;
  gh: FakeGitHub | null = null;
  env: NodeJS.ProcessEnv = {};
  projects: DemoProject[] = [];
  private readonly pids = new Set<number>();
  private readonly hooks: Array<() => void> = [];
  private tornDown = false;

  /** Remember a process the demo started, to end it (and what it started) at teardown. */
  track(pid: number | undefined): void {
    if (pid) this.pids.add(pid);
  }

  /** Run before the processes and files go (stop timers, end children politely). */
  onTeardown(fn: () => void): void {
    this.hooks.push(fn);
  }

  /** Through ao's own runner: the two projects are built side by side while the dashboard loads. */
  private async git(cwd: string, args: string[], input?: string): Promise<void> {
    const r = await run("git", args, { cwd, env: this.env, timeoutMs: 60_000, ...(input !== undefined ? { input } : {}) });
    if (r.exitCode !== 0) throw new Error(`demo: git ${args.join(" ")} failed: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
  }

  /**
   * A bare origin holding one commit of `files`, and a clone of it (its remote, upstream and
   * remote-tracking branch as a clone has them). The commit is written straight into the origin
   * by fast-import: five git processes in all, where init, add, commit and a push made twelve,
   * each tens of ms on a slow machine, on the way to the demo's first frame.
   */
  private async makeProject(p: Omit<DemoProject, "path">, files: Record<string, string>): Promise<DemoProject> {
    const name = p.repo.split("/")[1]!;
    const origin = path.join(this.root, "origins", `${name}.git`);
    const clone = path.join(this.root, "repos", name);
    await mkdir(path.dirname(clone), { recursive: true });
    await this.git(this.root, ["init", "-q", "--bare", "-b", "main", origin]);
    const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
    const stream = [
      "commit refs/heads/main\n",
      `committer Demo Agent <agent@demo.invalid> ${Math.floor(Date.now() / 1000)} +0000\n`,
      data("Initial commit\n"),
      ...Object.entries(files).map(([file, text]) => `M 100644 inline ${file}\n${data(text)}`),
    ].join("");
    await this.git(this.root, ["--git-dir", origin, "fast-import", "--quiet"], stream);
    await this.git(this.root, ["clone", "-q", origin, clone]);
    return { ...p, path: clone };
  }

  /** Build everything. On failure the caller's teardown removes whatever was made. */
  async setup(opts: { stuckAfterMs: number }): Promise<void> {
    this.root = await mkdtemp(path.join(tmpdir(), "ao-demo-"));
    // The dashboard draws its first frame before it asks GitHub: the schema can wait for that.
    this.gh = await startFakeGitHub({ token: this.token, schema: "first-request" });
    const gitconfig = path.join(this.root, "gitconfig");
    // The user's global git config stays out: a signing or hook setting there would break commits.
    // No automatic housekeeping either: a few commits never need it, and each commit, push and
    // fetch started one or two more git processes for it (on a slow machine, ~50 ms each).
    await writeFile(
      gitconfig,
      "[user]\n\tname = Demo Agent\n\temail = agent@demo.invalid\n[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n" +
        "[gc]\n\tauto = 0\n[maintenance]\n\tauto = false\n[receive]\n\tautogc = false\n",
    );
    const configFile = path.join(this.root, "agent-orchestrator.yaml");
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      AO_HOME: path.join(this.root, "ao-home"),
      AO_CONFIG_PATH: configFile,
      AO_TMUX_SOCKET: this.socket,
      GITHUB_TOKEN: this.token,
      AO_DEMO_GITHUB_API: this.gh.baseUrl,
      GIT_CONFIG_GLOBAL: gitconfig,
      GIT_CONFIG_NOSYSTEM: "1",
    };
    delete env.GH_TOKEN;
    delete env.AO_VERBOSE;
    this.env = env;
    this.projects = await Promise.all([
      this.makeProject({ id: "frontend", name: "Frontend", repo: "acme/web", prefix: "fe" }, {
        "README.md": "# web\n\nThe Acme storefront.\n",
        "src/app.tsx": "export function App() {\n  return null;\n}\n",
        "src/auth/redirect.ts": "export const afterLogin = (next: string) => next;\n",
      }),
      this.makeProject({ id: "backend", name: "Backend", repo: "acme/api", prefix: "api" }, {
        "README.md": "# api\n\nThe Acme API.\n",
        "src/server.ts": "export const routes = ['/search', '/users'];\n",
      }),
    ]);
    // The agent's argv carries the demo folder, so `pgrep -f <folder>` finds any agent left over.
    const agentCommand = [process.execPath, path.join(packageRoot(), "demo", "sim-agent.mjs"), this.root].map(shellQuote).join(" ");
    // The new worktree's setup (what `npm install` would be), so a session is seen spawning.
    const postCreate = JSON.stringify('sleep "${AO_DEMO_SETUP_SECONDS:-0}"');
    const projects = this.projects.map(
      (p) =>
        `  ${p.id}: { repo: ${p.repo}, path: ${JSON.stringify(p.path)}, sessionPrefix: ${p.prefix}, name: ${p.name}, ` +
        `agent: generic, agentCommand: ${JSON.stringify(agentCommand)}, postCreate: [${postCreate}] }`,
    );
    await writeFile(configFile, `name: demo\ngithub: { baseUrl: ${this.gh.baseUrl} }\nstuckAfter: ${opts.stuckAfterMs}ms\nprojects:\n${projects.join("\n")}\n`);
  }

  /**
   * End everything, synchronously so it also runs from process.on("exit"): hooks, then every
   * process under the tmux panes and the tracked children, the tmux server, the fake GitHub,
   * and the temporary folder. Safe to call more than once.
   */
  teardown(): void {
    if (this.tornDown) return;
    this.tornDown = true;
    for (const fn of this.hooks.splice(0).reverse()) {
      try {
        fn();
      } catch {
        /* the rest must still go */
      }
    }
    const tmux = (...args: string[]) => execFileSync("tmux", ["-L", this.socket, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    let panes: number[] = [];
    // tmux (3.3) leaves its socket file behind when the server exits: remove it ourselves.
    let socketFile = path.join(process.env.TMUX_TMPDIR || "/tmp", `tmux-${process.getuid?.() ?? 0}`, this.socket);
    try {
      panes = tmux("list-panes", "-a", "-F", "#{pane_pid}").split("\n").map(Number).filter(Boolean);
      socketFile = tmux("display-message", "-p", "#{socket_path}").trim() || socketFile;
    } catch {
      /* no server: nothing in it */
    }
    // Our own children too: a tmux or git command still in flight must not outlive the demo.
    const pids = descendants([process.pid, ...panes, ...this.pids]).filter((p) => p !== process.pid);
    for (const pid of pids) signal(pid, "SIGTERM");
    const killServer = () => {
      try {
        tmux("kill-server");
      } catch {
        /* no server */
      }
    };
    killServer();
    for (let i = 0; i < 20 && pids.some(pidAlive); i++) sleepSync(50);
    for (const pid of pids.filter(pidAlive)) signal(pid, "SIGKILL");
    killServer(); // in case a client killed above had just started a new server
    try {
      if (lstatSync(socketFile).isSocket()) rmSync(socketFile);
    } catch {
      /* never created, or gone */
    }
    void this.gh?.close();
    // Something still writing there (an `ao status` run from outside) can make one pass fail.
    for (let i = 0; this.root && existsSync(this.root); i++) {
      try {
        rmSync(this.root, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
      } catch (e) {
        if (i < 5) sleepSync(200);
        else return void process.stderr.write(`demo: could not remove ${this.root}: ${(e as Error).message}\n`);
      }
    }
  }
}
