// The simulated agent (demo/sim-agent.mjs) driven through real tmux on a private server:
// keys go in with send-keys / paste-buffer, the screen comes back with capture-pane.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const SCRIPT = fileURLToPath(new URL("../../demo/sim-agent.mjs", import.meta.url));
const SOCKET = `ao-test-${randomBytes(4).toString("hex")}`;
let root = "";
let counter = 0;

// The client's environment seeds the tmux server's global environment: drop anything of ours.
const clientEnv: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.startsWith("AO_") && k !== "TMUX" && k !== "TMUX_PANE"),
);

function tmux(args: string[], input?: string): string {
  const r = spawnSync("tmux", ["-L", SOCKET, "-f", "/dev/null", ...args], { encoding: "utf8", env: clientEnv, input });
  if (r.status !== 0) throw new Error(`tmux ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout;
}

interface LogLine { time: string; text: string }

interface Agent {
  name: string;
  dir: string;
  logFile: string;
  screen(): string;
  /** The screen's non-empty lines, trailing spaces gone (capture-pane already trims them). */
  lines(): string[];
  /** The last non-empty line: the composer's last row while the agent is running. */
  lastLine(): string;
  type(text: string): void;
  keys(...keys: string[]): void;
  paste(text: string): void;
  log(): LogLine[];
  pane(format: string): string;
}

function startAgent(env: Record<string, string> = {}): Agent {
  const name = `sim${++counter}`;
  const dir = mkdtempSync(path.join(root, `${name}-`));
  const logFile = path.join(dir, "log.jsonl");
  const vars = { AO_SIM_LOG: logFile, AO_SIM_THINK_MS: "400", ...env };
  const e = Object.entries(vars).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
  tmux(["new-session", "-d", "-s", name, "-x", "100", "-y", "30", "-c", dir, ...e, process.execPath, SCRIPT]);
  tmux(["set-option", "-w", "-t", `=${name}:`, "remain-on-exit", "on"]);
  const target = `=${name}:`;
  const screen = () => tmux(["capture-pane", "-p", "-t", target]);
  const lines = () => screen().split("\n").filter((l) => l.trim() !== "");
  return {
    name,
    dir,
    logFile,
    screen,
    lines,
    lastLine: () => lines().at(-1) ?? "",
    type: (text) => void tmux(["send-keys", "-t", target, "-l", text]),
    keys: (...keys) => void tmux(["send-keys", "-t", target, ...keys]),
    paste: (text) => {
      const buf = `${name}-buf`;
      tmux(["load-buffer", "-b", buf, "-"], text);
      tmux(["paste-buffer", "-p", "-d", "-b", buf, "-t", target]);
    },
    log: () =>
      existsSync(logFile)
        ? readFileSync(logFile, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as LogLine)
        : [],
    pane: (format) => tmux(["display-message", "-p", "-t", target, format]).trim(),
  };
}

/** Polls `check` until it returns true; on timeout fails with the agent's screen. */
async function waitFor(agent: Agent, what: string, check: () => boolean, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${agent.screen()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const READY = ">"; // the empty composer: "> " with the trailing space trimmed by capture-pane
const SPINNER = /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Thinking… \(\d+s\)$/m;
// pane_dead turns 1 when the pty closes; pane_dead_status only once tmux has reaped the process.
// tmux 3.3a sometimes misses that SIGCHLD and leaves a zombie with an empty status until some other
// child of the server exits, so a dead pane without a status gets a `run-shell true` as a nudge.
function exitStatus(a: Agent): string | undefined {
  const [dead, status] = a.pane("#{pane_dead}:#{pane_dead_status}").split(":");
  if (dead !== "1") return undefined;
  if (status) return status;
  tmux(["run-shell", "true"]);
  return undefined;
}
const ready = (a: Agent) => waitFor(a, "the ready composer", () => a.lastLine() === READY && !SPINNER.test(a.screen()));

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), "ao-sim-agent-"));
});

afterAll(() => {
  // tmux 3.3 leaves its socket file behind after kill-server: remove it too.
  const socketPath = spawnSync("tmux", ["-L", SOCKET, "display-message", "-p", "#{socket_path}"], { encoding: "utf8", env: clientEnv }).stdout.trim();
  spawnSync("tmux", ["-L", SOCKET, "kill-server"], { env: clientEnv });
  if (socketPath.endsWith(SOCKET)) rmSync(socketPath, { force: true });
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("sim-agent in tmux", () => {
  it("shows the header and a ready composer", async () => {
    const a = startAgent();
    await ready(a);
    expect(a.lines()[0]).toBe(`sim-agent — ${path.basename(a.dir)}`);
  });

  it("shows typed text in the composer; backspace, ctrl-u, tab and arrows edit as a terminal agent does", async () => {
    const a = startAgent();
    await ready(a);
    a.type("héllo wörld 🎉!");
    await waitFor(a, "typed text", () => a.lastLine() === "> héllo wörld 🎉!");
    a.keys("BSpace", "BSpace", "Tab", "Left", "Up");
    a.type("?");
    // Two backspaces remove "!" and the emoji (one code point each, not UTF-16 units).
    await waitFor(a, "edited text", () => a.lastLine() === "> héllo wörld ?");
    a.keys("C-u");
    await waitFor(a, "cleared composer", () => a.lastLine() === READY);
    expect(a.log()).toEqual([]);
  });

  it("Enter submits: the log records the exact text once and the reply follows", async () => {
    const a = startAgent();
    await ready(a);
    a.type("fix the  login bug");
    a.keys("Enter");
    await waitFor(a, "the reply", () => a.lines().includes("● Done: fix the  login bug"));
    await ready(a);
    expect(a.log().map((l) => l.text)).toEqual(["fix the  login bug"]);
    expect(Number.isNaN(Date.parse(a.log()[0]?.time ?? ""))).toBe(false);
  });

  it("takes a bracketed paste literally and only submits on Enter", async () => {
    const a = startAgent();
    await ready(a);
    const text = "first line $HOME `whoami`\n\tindented C-c ^[[A \\e[31m\nlast line ☃";
    a.paste(text);
    await waitFor(a, "the pasted lines", () => a.lines().slice(-3).join("\n") === "> first line $HOME `whoami`\n      indented C-c ^[[A \\e[31m\n  last line ☃");
    // The paste has been read (it is on screen) and nothing was submitted.
    expect(a.log()).toEqual([]);
    expect(SPINNER.test(a.screen())).toBe(false);
    a.keys("Enter");
    await waitFor(a, "the log line", () => a.log().length === 1);
    expect(a.log()[0]?.text).toBe(text);
    await ready(a);
    expect(a.log()).toHaveLength(1);
  });

  it("shows a changing spinner while busy and the composer after", async () => {
    const a = startAgent({ AO_SIM_THINK_MS: "8000" });
    await ready(a);
    a.type("think hard");
    a.keys("Enter");
    await waitFor(a, "the spinner", () => SPINNER.test(a.screen()));
    const first = a.screen();
    await waitFor(a, "a new spinner frame", () => a.screen() !== first && SPINNER.test(a.screen()));
    await waitFor(a, "the reply", () => a.lines().includes("● Done: think hard"));
    await ready(a);
  });

  it("queues a message sent while busy and processes it after the first", async () => {
    const a = startAgent({ AO_SIM_THINK_MS: "1200" });
    await ready(a);
    a.type("first");
    a.keys("Enter");
    await waitFor(a, "the spinner", () => SPINNER.test(a.screen()));
    a.type("second");
    a.keys("Enter");
    await waitFor(a, "the queued line", () => a.lines().includes("Queued: second"));
    expect(a.lines()).toContain("Press up to edit queued messages");
    expect(a.log().map((l) => l.text)).toEqual(["first"]);
    await waitFor(a, "the second reply", () => a.lines().includes("● Done: second"));
    await ready(a);
    const log = a.log();
    expect(log.map((l) => l.text)).toEqual(["first", "second"]);
    expect(a.screen()).not.toContain("Queued:");
  });

  it("ask waits for a single y key", async () => {
    const a = startAgent({ AO_SIM_THINK_MS: "200" });
    await ready(a);
    a.type("ask Deploy to prod?");
    a.keys("Enter");
    await waitFor(a, "the question", () => a.lines().includes("? Deploy to prod? (y/n)"));
    a.type("x"); // not an answer: ignored
    a.type("y");
    await waitFor(a, "the answer", () => a.lines().includes("● Answer: y"));
    await ready(a);
    expect(a.log().map((l) => l.text)).toEqual(["ask Deploy to prod?", "y"]);
  });

  it("swallow-first-enter needs two Enters", async () => {
    const a = startAgent({ AO_SIM_MODE: "swallow-first-enter" });
    await ready(a);
    a.type("hello");
    a.keys("Enter");
    a.type("!");
    // "!" after the Enter is on screen, so the Enter has been read, and it did not submit.
    await waitFor(a, "the draft after the swallowed Enter", () => a.lastLine() === "> hello!");
    expect(a.log()).toEqual([]);
    a.keys("Enter");
    await waitFor(a, "the log line", () => a.log().length === 1);
    expect(a.log()[0]?.text).toBe("hello!");
  });

  it("AO_PROMPT runs first; slow-start buffers keys typed while starting", async () => {
    const a = startAgent({ AO_PROMPT: "start here", AO_SIM_MODE: "slow-start=600" });
    await waitFor(a, "Starting…", () => a.screen().includes("Starting…"));
    a.type("typed early");
    await waitFor(a, "the prompt's reply", () => a.lines().includes("● Done: start here"));
    await waitFor(a, "the early draft", () => a.lastLine() === "> typed early");
    expect(a.log().map((l) => l.text)).toEqual(["start here"]);
  });

  it("commit writes a file and commits it with git", async () => {
    const a = startAgent({
      AO_SIM_THINK_MS: "100",
      GIT_AUTHOR_NAME: "Sim", GIT_AUTHOR_EMAIL: "sim@example.com", GIT_COMMITTER_NAME: "Sim", GIT_COMMITTER_EMAIL: "sim@example.com",
    });
    const git = (...args: string[]) => spawnSync("git", args, { cwd: a.dir, encoding: "utf8" });
    expect(git("init", "-q").status).toBe(0);
    await ready(a);
    a.type("commit add the thing");
    a.keys("Enter");
    await waitFor(a, "the commit reply", () => /^● Committed [0-9a-f]{7,}$/m.test(a.screen()));
    const sha = git("rev-parse", "--short", "HEAD").stdout.trim();
    expect(a.lines()).toContain(`● Committed ${sha}`);
    expect(git("log", "-1", "--format=%s").stdout.trim()).toBe("add the thing");
    expect(existsSync(path.join(a.dir, "sim-1.txt"))).toBe(true);
  });

  it("/exit ends the process with status 0", async () => {
    const a = startAgent();
    await ready(a);
    a.type("/exit");
    a.keys("Enter");
    await waitFor(a, "the pane to die", () => exitStatus(a) !== undefined);
    expect(exitStatus(a)).toBe("0");
    expect(a.log().map((l) => l.text)).toEqual(["/exit"]);
  });

  it("Ctrl-C clears the draft, then exits with 130", async () => {
    const a = startAgent();
    await ready(a);
    a.type("draft");
    await waitFor(a, "the draft", () => a.lastLine() === "> draft");
    a.keys("C-c");
    await waitFor(a, "the cleared composer", () => a.lastLine() === READY);
    a.keys("C-c");
    await waitFor(a, "the pane to die", () => exitStatus(a) !== undefined);
    expect(exitStatus(a)).toBe("130");
  });
});
