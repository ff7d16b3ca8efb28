import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, requireBuild, runAo } from "../helpers/ao.js";
import { makeRepo } from "../helpers/git.js";
import { privateTmux, waitFor } from "../helpers/tmux.js";
import { rowOf, uiDriver } from "../helpers/ui-driver.js";

// The real `ao ui`, in a 120x35 window of one private tmux server, steering simulated agents
// that live on another. Each step waits on what the screen shows, never on a fixed sleep.
const SIM = path.join(ROOT, "demo/sim-agent.mjs");
const agents = privateTmux();
const ui = uiDriver({ columns: 120, rows: 35 });
const DASH = "=dash:";
let root: string;
let env: NodeJS.ProcessEnv;
const logs: Record<string, string> = {};

const { keys, typed } = ui;
const pane = (format: string) => ui.server.tmux("display-message", "-p", "-t", DASH, format).stdout.trim();
const see = (what: string, check: (s: string) => boolean, ms = 15_000) => ui.see(what, check, ms);
const press = (key: string | (() => void), what: string, check: (s: string) => boolean, again: (s: string) => boolean = () => true) =>
  ui.press(key, what, check, again, 20_000);

const onCursor = (id: string) => (s: string) => !!rowOf(s, id)?.startsWith("▸");
/** The table has the keyboard: the dashboard shows, with no dialog over it. */
const tableKeys = (s: string) => s.includes("AGENT ORCHESTRATOR") && !/Send to|Kill fe-|Cleanup/.test(s);

/** Whether ao ui's standard input is non-blocking (Linux: the O_NONBLOCK bit of its flags in /proc). */
function stdinNonBlocking(): boolean {
  const shell = pane("#{pane_pid}");
  const ao = readFileSync(`/proc/${shell}/task/${shell}/children`, "utf8").trim().split(" ")[0];
  const flags = /^flags:\s*(\d+)/m.exec(readFileSync(`/proc/${ao}/fdinfo/0`, "utf8"))?.[1];
  return (parseInt(flags ?? "0", 8) & 0o4000) !== 0;
}

async function logged(id: string): Promise<string[]> {
  try {
    return (await readFile(logs[id]!, "utf8")).trim().split("\n").filter(Boolean).map((l) => (JSON.parse(l) as { text: string }).text);
  } catch {
    return [];
  }
}

type LsRow = { name: string; status: string; activity: string | null };
async function ls(): Promise<LsRow[]> {
  return JSON.parse((await runAo(["session", "ls", "--all", "--json"], { env })).stdout) as LsRow[];
}

beforeAll(async () => {
  requireBuild();
  root = await mkdtemp(path.join(tmpdir(), "ao-e2e-ui-"));
  const { clone } = await makeRepo(root);
  const config = path.join(root, "agent-orchestrator.yaml");
  await writeFile(
    config,
    `name: e2e\ngithub: { baseUrl: http://127.0.0.1:9/api/v3 }\nprojects:\n  frontend: { repo: org/app, path: ${JSON.stringify(clone)}, sessionPrefix: fe, agent: generic, agentCommand: ${JSON.stringify(`node ${SIM}`)} }\n`,
  );
  env = { PATH: process.env.PATH, HOME: path.join(root, "home"), AO_HOME: path.join(root, "ao-home"), AO_CONFIG_PATH: config, AO_TMUX_SOCKET: agents.socket, AO_SIM_THINK_MS: "200" };
  for (const id of ["fe-1", "fe-2"]) {
    logs[id] = path.join(root, `${id}.log`);
    const r = await runAo(["spawn", "frontend"], { env: { ...env, AO_SIM_LOG: logs[id] } });
    expect(r).toMatchObject({ code: 0, stdout: `${id}\n` });
  }
  await waitFor("both agents ready", async () => (await ls()).filter((r) => r.activity === "ready").length === 2);

  // Kept after `q`, so the test can see what the dashboard left behind, and its exit code.
  ui.startKept(env);
}, 45_000);

afterAll(async () => {
  ui.kill();
  agents.kill();
  if (root) await rm(root, { recursive: true, force: true });
});

describe("ao ui in a real terminal", () => {
  it("shows both sessions with their activity, and a stale GitHub", async () => {
    // The rows come first (from the records), their activity once the first look is done.
    const s = await see("the table with activity", (x) => / ready /.test(rowOf(x, "fe-1") ?? "") && / ready /.test(rowOf(x, "fe-2") ?? ""));
    expect(s).toContain("AGENT ORCHESTRATOR");
    // Both agents sit at their prompts with nothing to do: each waits for its person.
    expect(s).toMatch(/2 sessions · 2 need you/);
    expect(rowOf(s, "fe-1")).toMatch(/^▸ fe-1 .* needs_input .* ready /);
    expect(rowOf(s, "fe-2")).toMatch(/^ {2}fe-2 .* needs_input .* ready /);
    await see("GitHub reported unreachable", (x) => /GitHub (off|stale)/.test(x));
    expect(pane("#{alternate_on}")).toBe("1");
  });

  it("s, a message and Enter deliver exactly that message, and the outcome shows", async () => {
    const text = `review "auth.ts" & fix $PATH — ✓ done?`;
    await press("s", "the send box", (x) => x.includes("Send to fe-1"), tableKeys);
    // Typed again only while the box is still empty.
    await press(() => typed(text), "the typed text", (x) => x.includes(`> ${text}`), (x) => x.includes("> █"));
    keys("Enter");
    await see("the outcome", (x) => x.includes("✓ Message sent and processing"));
    await waitFor("the agent to log it", async () => (await logged("fe-1")).includes(text));
    expect(await logged("fe-1")).toEqual([text]);
    expect(await logged("fe-2")).toEqual([]);
    await press("Enter", "the box to close", (x) => !x.includes("Send to fe-1"));
  });

  it("Enter attaches to the agent; C-b d brings the dashboard back", async () => {
    // G then g: the table has the keyboard again, the cursor is on fe-1.
    await press("G", "the cursor on fe-2", onCursor("fe-2"), tableKeys);
    await press("g", "the cursor on fe-1", onCursor("fe-1"), tableKeys);
    const agent = await press("Enter", "the agent's screen", (x) => x.includes("sim-agent — "), tableKeys);
    expect(agent).not.toContain("AGENT ORCHESTRATOR");
    // The nested tmux client can still be reading the outer terminal's replies to its start-up
    // queries, and swallow the prefix key: detach again while the agent's screen still shows.
    const s = await press(() => keys("C-b", "d"), "the dashboard again", (x) => x.includes("AGENT ORCHESTRATOR") && !!rowOf(x, "fe-2"), (x) => x.includes("sim-agent — "));
    expect(rowOf(s, "fe-1")).toMatch(/^▸ fe-1 /);
    expect(agents.tmux("list-sessions", "-F", "#{session_name}").stdout).toContain("fe-1");
    // tmux's client makes its standard input blocking as it leaves, and that is ao's own: ao
    // puts it back, or its next read after another reader took the bytes stops the dashboard.
    if (existsSync("/proc/self/fdinfo/0")) expect(stdinNonBlocking()).toBe(true);
  });

  it("K then y kills the selected session; ao session ls agrees", async () => {
    await press("j", "the cursor on fe-2", onCursor("fe-2"), tableKeys);
    await press("K", "the kill question", (x) => x.includes("Kill fe-2?") && x.includes("no uncommitted or unpushed work"), tableKeys);
    // A killed session leaves the table (a shows it again).
    const s = await press("y", "fe-2 killed", (x) => !rowOf(x, "fe-2") && x.includes("Session fe-2 killed") && !x.includes("Kill fe-2?"), (x) => x.includes("Kill fe-2?"));
    expect(s).toMatch(/1 session · 1 need you/);
    await press("a", "fe-2 shown as killed", (x) => / killed /.test(rowOf(x, "fe-2") ?? ""), tableKeys);
    await press("a", "fe-2 hidden again", (x) => !rowOf(x, "fe-2"), tableKeys);
    const rows = await ls();
    expect(rows.find((r) => r.name === "fe-2")?.status).toBe("killed");
    expect(rows.find((r) => r.name === "fe-1")?.status).toBe("needs_input");
  });

  it("c shows what cleanup would do, and does nothing without y; r restores a lost session", async () => {
    expect(agents.tmux("kill-session", "-t", "=ao-e2e-fe-1").code).toBe(0);
    await see("fe-1 errored", (x) => / errored /.test(rowOf(x, "fe-1") ?? ""));
    await press("g", "the cursor on fe-1", onCursor("fe-1"), tableKeys);
    const plan = await press("c", "the cleanup plan", (x) => x.includes("Cleanup") && /fe-1\s.*runtime dead\s.*kill/.test(x), tableKeys);
    expect(plan).toContain("[y] kill 1 session");
    await press("n", "the plan to close", (x) => !x.includes("Cleanup"));
    expect((await ls()).find((r) => r.name === "fe-1")?.status).toBe("errored");

    // Restored, the agent is back: working, or at its prompt waiting for a message.
    await press("r", "fe-1 alive again", (x) => / (working|needs_input) /.test(rowOf(x, "fe-1") ?? ""), (x) => tableKeys(x) && / errored /.test(rowOf(x, "fe-1") ?? ""));
    expect(agents.tmux("list-sessions", "-F", "#{session_name}").stdout).toContain("ao-e2e-fe-1");
    expect(["working", "needs_input"]).toContain((await ls()).find((r) => r.name === "fe-1")?.status);
  });

  it("q quits and gives the terminal back", async () => {
    const s = await press("q", "ao ui to exit", (x) => x.includes("[ao ui exited 0]"), tableKeys);
    // The alternate screen is left: what shows is the normal screen, without the dashboard.
    expect(pane("#{alternate_on}")).toBe("0");
    expect(s).not.toContain("AGENT ORCHESTRATOR");
    await waitFor("the pane to close", () => pane("#{pane_dead}") === "1");
  });
});
