import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, requireBuild, runAo } from "../helpers/ao.js";
import { makeRepo } from "../helpers/git.js";
import { privateTmux, waitFor } from "../helpers/tmux.js";
import { uiDriver } from "../helpers/ui-driver.js";

// The real `ao ui` in tmux over a simulated agent that shows a numbered permission menu: s opens
// the answer dialog (never a message box), a typed message never reaches the agent, and the
// option the person picks is exactly the one the agent gets.
const SIM = path.join(ROOT, "demo/sim-agent.mjs");
const agents = privateTmux();
const ui = uiDriver({ columns: 120, rows: 35 });
let root: string;
let env: NodeJS.ProcessEnv;
let log: string;
let input: string;

const screen = () => ui.screen();
const lines = async (file: string) => (await readFile(file, "utf8").catch(() => "")).trim().split("\n").filter(Boolean);
const logged = async () => (await lines(log)).map((l) => (JSON.parse(l) as { text: string }).text);

/** Press a key until the screen shows its effect (Ink can drop a key pressed mid-redraw). */
const press = (key: string, what: string, check: (s: string) => boolean) => ui.press(key, what, check);

beforeAll(async () => {
  requireBuild();
  root = await mkdtemp(path.join(tmpdir(), "ao-e2e-answer-"));
  const { clone } = await makeRepo(root);
  const config = path.join(root, "agent-orchestrator.yaml");
  await writeFile(config, `name: answerws\ngithub: { baseUrl: http://127.0.0.1:9/api/v3 }\nprojects:\n  frontend: { repo: org/app, path: ${JSON.stringify(clone)}, sessionPrefix: fe, agent: generic, agentCommand: ${JSON.stringify(`node ${SIM}`)} }\n`);
  env = { PATH: process.env.PATH, HOME: path.join(root, "home"), AO_HOME: path.join(root, "ao-home"), AO_CONFIG_PATH: config, AO_TMUX_SOCKET: agents.socket, AO_SIM_THINK_MS: "200" };
  log = path.join(root, "agent.log");
  input = path.join(root, "agent.input");
  expect((await runAo(["spawn", "frontend"], { env: { ...env, AO_SIM_LOG: log, AO_SIM_INPUT_LOG: input } })).stdout).toBe("fe-1\n");
  const activity = async () => (JSON.parse((await runAo(["session", "ls", "--json"], { env })).stdout) as Array<{ activity: string }>)[0]?.activity;
  await waitFor("ready", async () => (await activity()) === "ready");
  expect((await runAo(["send", "fe-1", "menu Allow deploy to production?"], { env })).code).toBe(0);
  await waitFor("asking", async () => (await activity()) === "waiting_input");
  ui.start(env);
}, 60_000);

afterAll(async () => {
  ui.kill();
  agents.kill();
  if (root) await rm(root, { recursive: true, force: true });
});

describe("the answer dialog in a real terminal", () => {
  it("s shows the agent's menu; Enter alone answers nothing; 3 then Enter answers exactly No", async () => {
    await waitFor("the row", () => /▸ fe-1 .*needs_input/.test(screen()), 30_000);
    const typedBefore = await lines(input);
    const s = await press("s", "the answer dialog", (x) => x.includes("fe-1 is waiting on a permission prompt"));
    expect(s).toContain("Allow deploy to production?");
    expect(s).toMatch(/1\. Yes/);
    expect(s).toMatch(/2\. Yes, and don't ask again/);
    expect(s).toMatch(/3\. No/);
    expect(s).not.toContain("Send to fe-1");
    // Typing a message here picks nothing and types nothing; Enter with nothing picked does nothing.
    ui.typed("hello");
    ui.keys("Enter");
    await press("3", "option 3 picked", (x) => x.includes("❯ 3. No"));
    expect(await lines(input)).toEqual(typedBefore);
    expect(await logged()).toEqual(["menu Allow deploy to production?"]);
    ui.keys("Enter");
    await waitFor("the outcome", () => screen().includes("✓ Answered with 3. No"), 30_000);
    await waitFor("the agent got it", async () => (await logged()).length === 2);
    expect(await logged()).toEqual(["menu Allow deploy to production?", "chose 3. No"]);
    const events = (await lines(path.join(root, "ao-home/sessions/answerws/fe-1/events.jsonl"))).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.filter((e) => e.kind === "answer")).toMatchObject([{ actor: "dashboard", kind: "answer", outcome: "answered", choice: { key: "3", label: "No" } }]);
  }, 90_000);
});
