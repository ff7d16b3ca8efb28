import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, runAo } from "../helpers/ao.js";
import { makeRepo } from "../helpers/git.js";
import { privateTmux, waitFor } from "../helpers/tmux.js";

// A simulated agent in real tmux that asks a y/n question, shows a numbered permission menu and
// a sign-in picker. A plain send must type nothing into any of them (its raw input log shows
// every byte it got); --answer must choose exactly the option named.
const SIM = path.join(ROOT, "demo/sim-agent.mjs");
const tm = privateTmux();
let root: string;
let base: NodeJS.ProcessEnv;

async function lines(file: string): Promise<string[]> {
  try {
    return (await readFile(file, "utf8")).trim().split("\n").filter(Boolean);
  } catch {
    return [];
  }
}
const logged = async (file: string) => (await lines(file)).map((l) => (JSON.parse(l) as { text: string }).text);
const screen = (id: string) => tm.tmux("capture-pane", "-p", "-t", `=ao-qws-${id}:`).stdout;
const events = async (id: string) =>
  (await lines(path.join(root, `ao-home/sessions/qws/${id}/events.jsonl`))).map((l) => JSON.parse(l) as Record<string, unknown>);

interface Sim {
  id: string;
  log: string;
  input: string;
}

async function spawnSim(tag: string, extra: NodeJS.ProcessEnv = {}): Promise<Sim> {
  const log = path.join(root, `${tag}.log`);
  const input = path.join(root, `${tag}.input`);
  const r = await runAo(["spawn", "frontend"], { env: { ...base, AO_SIM_LOG: log, AO_SIM_INPUT_LOG: input, ...extra } });
  expect(r.stderr).toBe("");
  const id = r.stdout.trim();
  await waitFor(`${id} ready`, async () => {
    const rows = JSON.parse((await runAo(["session", "ls", "--json"], { env: base })).stdout) as Array<{ name: string; activity: string }>;
    return rows.find((x) => x.name === id)?.activity === "ready";
  });
  return { id, log, input };
}

/** Make the agent ask: send the message that makes it ask, and wait for the question on screen. */
async function ask(sim: Sim, message: string, shows: RegExp): Promise<void> {
  expect((await runAo(["send", sim.id, message], { env: base })).code).toBe(0);
  await waitFor(`${sim.id} asking`, () => shows.test(screen(sim.id)));
}

/** A plain send, with and without --no-wait: exit 4, the question printed, not one byte typed. */
async function expectRefused(sim: Sim, mentions: string[]): Promise<string> {
  const before = await lines(sim.input);
  const r = await runAo(["send", sim.id, "why did the build fail"], { env: base });
  expect(r.code).toBe(4);
  expect(r.stdout).toBe("");
  for (const m of mentions) expect(r.stderr).toContain(m);
  expect(r.stderr).toContain(`ao send ${sim.id} --answer`);
  expect(r.stderr).toContain(`ao attach ${sim.id}`);
  const nowait = await runAo(["send", sim.id, "--no-wait", "just type it"], { env: base });
  expect(nowait.code).toBe(4);
  const json = await runAo(["send", sim.id, "--json", "and as json"], { env: base });
  expect(json.code).toBe(4);
  expect(JSON.parse(json.stdout)).toMatchObject({ id: sim.id, outcome: "refused" });
  expect(await lines(sim.input)).toEqual(before);
  const refused = (await events(sim.id)).filter((e) => e.outcome === "refused");
  expect(refused.length).toBeGreaterThanOrEqual(3);
  expect(String(refused.at(-1)!.reason)).toMatch(/agent waits on/);
  return r.stderr;
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "ao-questions-"));
  const { clone } = await makeRepo(root);
  const file = path.join(root, "agent-orchestrator.yaml");
  await writeFile(file, `name: qws\nprojects:\n  frontend: { repo: org/app, path: ${JSON.stringify(clone)}, sessionPrefix: fe, agent: generic, agentCommand: ${JSON.stringify(`node ${SIM}`)} }\n`);
  base = { PATH: process.env.PATH, HOME: path.join(root, "home"), AO_HOME: path.join(root, "ao-home"), AO_CONFIG_PATH: file, AO_TMUX_SOCKET: tm.socket, AO_SIM_THINK_MS: "200" };
});
afterAll(async () => {
  tm.kill();
  await rm(root, { recursive: true, force: true });
});

describe("never typing into a question", () => {
  it("a y/n question: a send is refused with exit 4, --answer no answers exactly n", async () => {
    const sim = await spawnSim("yn");
    await ask(sim, "ask Deploy to staging?", /Deploy to staging\? \(y\/n\)/);
    const err = await expectRefused(sim, ["waiting on a question", "Deploy to staging?", "[y] yes", "[n] no"]);
    expect(err).toContain("--answer <yes|no>");
    const r = await runAo(["send", sim.id, "--answer", "no"], { env: base });
    expect(r).toMatchObject({ code: 0, stdout: '✓ Answered "Deploy to staging?" with no\n' });
    await waitFor("the answer logged", async () => (await logged(sim.log)).includes("n"));
    expect((await logged(sim.log)).slice(1)).toEqual(["n"]);
    expect((await events(sim.id)).at(-1)).toMatchObject({ kind: "answer", outcome: "answered", choice: { key: "n", label: "no" } });
    // Answered: the agent is at its prompt again, and a message goes through.
    expect((await runAo(["send", sim.id, "thanks"], { env: base })).code).toBe(0);
  }, 90_000);

  it("a numbered permission menu: refused, then --answer 2 picks exactly option 2", async () => {
    const sim = await spawnSim("menu");
    await ask(sim, "menu Allow deploy to production?", /❯ 1\. Yes/);
    await expectRefused(sim, ["waiting on a permission prompt", "Allow deploy to production?", "1. Yes", "2. Yes, and don't ask again", "3. No", "--answer <1-3>"]);
    const r = await runAo(["send", sim.id, "--answer", "2"], { env: base });
    expect(r).toMatchObject({ code: 0, stdout: `✓ Answered "Allow deploy to production?" with 2. Yes, and don't ask again\n` });
    await waitFor("the choice logged", async () => (await logged(sim.log)).length >= 2);
    expect((await logged(sim.log)).slice(1)).toEqual(["chose 2. Yes, and don't ask again"]);
  }, 90_000);

  it("a sign-in picker: refused; a wrong answer types nothing; --answer yes on it names no option", async () => {
    const sim = await spawnSim("login");
    await ask(sim, "login", /Select login method/);
    await expectRefused(sim, ["waiting on a sign-in", "Select login method:", "1. Sign in with a browser", "2. Paste an API key"]);
    const before = await lines(sim.input);
    const wrong = await runAo(["send", sim.id, "--answer", "7"], { env: base });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/names none of the options.*nothing was typed/);
    expect((await runAo(["send", sim.id, "--answer", "yes"], { env: base })).code).toBe(2);
    expect(await lines(sim.input)).toEqual(before);
    const r = await runAo(["send", sim.id, "--answer", "3"], { env: base });
    expect(r).toMatchObject({ code: 0, stderr: "" });
    await waitFor("the choice logged", async () => (await logged(sim.log)).length >= 2);
    expect((await logged(sim.log)).slice(1)).toEqual(["chose 3. Exit"]);
    // Nothing asked any more: --answer has nothing to answer, and types nothing.
    const none = await runAo(["send", sim.id, "--answer", "1"], { env: base });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/not asking anything/);
  }, 90_000);

  it("a question that comes up while the send waits for the busy agent is refused too", async () => {
    const sim = await spawnSim("late", { AO_SIM_THINK_MS: "3000" });
    expect((await runAo(["send", sim.id, "--no-wait", "ask Merge it now?"], { env: base })).code).toBe(0);
    await waitFor("busy", () => /Thinking/.test(screen(sim.id)));
    const before = await lines(sim.input);
    const r = await runAo(["send", sim.id, "what are you doing"], { env: base });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("Merge it now?");
    expect(await lines(sim.input)).toEqual(before);
  }, 90_000);
});
