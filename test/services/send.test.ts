import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, runAo } from "../helpers/ao.js";
import { makeRepo } from "../helpers/git.js";
import { privateTmux, waitFor } from "../helpers/tmux.js";

const SIM = path.join(ROOT, "demo/sim-agent.mjs");
const tm = privateTmux();
let root: string;
let base: NodeJS.ProcessEnv;

interface Logged {
  time: string;
  text: string;
}

async function logged(file: string): Promise<Logged[]> {
  try {
    return (await readFile(file, "utf8")).trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Logged);
  } catch {
    return [];
  }
}

/** Spawn a simulated agent with its own log; returns its id and log file. */
async function spawnSim(tag: string, extra: NodeJS.ProcessEnv = {}): Promise<{ id: string; log: string; env: NodeJS.ProcessEnv }> {
  const log = path.join(root, `${tag}.log`);
  const env = { ...base, AO_SIM_LOG: log, ...extra };
  const r = await runAo(["spawn", "frontend"], { env });
  expect(r.stderr).toBe("");
  const id = r.stdout.trim();
  // Ready: the simulated agent draws its empty composer.
  await waitFor(`${id} ready`, async () => {
    const rows = JSON.parse((await runAo(["session", "ls", "--json"], { env: base })).stdout) as Array<{ name: string; activity: string }>;
    return rows.find((x) => x.name === id)?.activity === "ready";
  });
  return { id, log, env };
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "ao-send-"));
  const { clone } = await makeRepo(root);
  const file = path.join(root, "agent-orchestrator.yaml");
  await writeFile(file, `name: sendws\nprojects:\n  frontend: { repo: org/app, path: ${JSON.stringify(clone)}, sessionPrefix: fe, agent: generic, agentCommand: ${JSON.stringify(`node ${SIM}`)} }\n`);
  base = { PATH: process.env.PATH, HOME: path.join(root, "home"), AO_HOME: path.join(root, "ao-home"), AO_CONFIG_PATH: file, AO_TMUX_SOCKET: tm.socket, AO_SIM_THINK_MS: "200" };
});
afterAll(async () => {
  tm.kill();
  await rm(root, { recursive: true, force: true });
});

const big = Array.from({ length: 400 }, (_, i) => `line ${i}: ${"x".repeat(40)} $HOME \`id\` "q" 'q' \t;&&|`).join("\n");

const PAYLOADS: Array<[string, string]> = [
  ["quotes", `He said "hi" and 'bye'`],
  ["shell syntax", "$HOME and `whoami` ; rm -rf /tmp/nothing && echo $((1+1)) | cat > /dev/null"],
  ["a tab", "col1\tcol2"],
  ["unicode and emoji", "naïve café — 中文 ✓ 🚀🎉"],
  ["a leading dash", "-n --help -- not flags"],
  ["tmux key names", "C-c"],
  ["Enter as a word", "Enter"],
  ["Escape as a word", "Escape"],
  ["several lines", "first line\nsecond line\n  indented third"],
  // tmux reads an argument ending in ";" as a command separator.
  ["a trailing semicolon", "run the tests;"],
  ["a trailing escaped semicolon", "a \\;"],
  ["a lone semicolon", ";"],
  ["two semicolons", ";;"],
  ["an opening brace", "{"],
  ["a closing brace", "}"],
  ["20 KB", big],
];

describe("ao send", () => {
  it("delivers every payload exactly once and unchanged", async () => {
    expect(big.length).toBeGreaterThan(20_000);
    const { id, log } = await spawnSim("payloads");
    for (const [, text] of PAYLOADS) {
      // "--" ends ao's options, as in any Unix command, so a message may start with "-".
      const r = await runAo(["send", id, "--", text], { env: base });
      expect(r.stderr).toBe("");
      expect(r).toMatchObject({ code: 0, stdout: "✓ Message sent and processing\n" });
    }
    await waitFor("all payloads logged", async () => (await logged(log)).length >= PAYLOADS.length);
    expect((await logged(log)).map((l) => l.text)).toEqual(PAYLOADS.map(([, t]) => t));
    // Each send is in the event log, with its outcome.
    const events = (await readFile(path.join(root, `ao-home/sessions/sendws/${id}/events.jsonl`), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { kind: string; outcome?: string; size?: number; attempts?: number; text?: string });
    const sent = events.filter((e) => e.kind === "message");
    expect(sent).toHaveLength(PAYLOADS.length);
    expect(sent.every((e) => e.outcome === "delivered" && (e.attempts ?? 0) >= 1)).toBe(true);
    expect(sent.at(-1)?.size).toBe(Buffer.byteLength(big));
    // Ten sends, each waiting for the agent's screen to be still for 1.5 s first.
  }, 120_000);

  it("reads the message from a file or standard input", async () => {
    const { id, log } = await spawnSim("files");
    const file = path.join(root, "msg.txt");
    await writeFile(file, "from a file\nwith two lines\n");
    expect((await runAo(["send", id, "--file", file], { env: base })).code).toBe(0);
    expect((await runAo(["send", id, "--file", "-"], { env: base, input: "from stdin\n" })).code).toBe(0);
    await waitFor("both logged", async () => (await logged(log)).length >= 2);
    expect((await logged(log)).map((l) => l.text)).toEqual(["from a file\nwith two lines", "from stdin"]);
  });

  it("makes a hostile file inert: no paste end, no keys, one message", async () => {
    const { id, log } = await spawnSim("hostile", { AO_SIM_INPUT_LOG: path.join(root, "hostile.input") });
    const file = path.join(root, "hostile.txt");
    // A review thread's body as an attacker would write it: end the paste, then type keys.
    await writeFile(file, `please fix\u001b[201~\rrm -rf ~\r\u001b]52;c;cHdu\u0007\u001b]0;PWNED\u0007\u001b[2J\u0003done;`);
    const r = await runAo(["send", id, "--file", file], { env: base });
    expect(r).toMatchObject({ code: 0, stdout: "✓ Message sent and processing\n" });
    await waitFor("logged", async () => (await logged(log)).length >= 1);
    expect((await logged(log)).map((l) => l.text)).toEqual(["please fix\nrm -rf ~\ndone;"]);
    // The bytes the agent got: ao's own paste markers, once each, and nothing else that acts.
    const input = (await readFile(path.join(root, "hostile.input"), "utf8")).trim().split("\n").map((l) => JSON.parse(l) as string).join("");
    expect(input.split("\u001b[201~")).toHaveLength(2);
    expect(input.split("\u001b[200~")).toHaveLength(2);
    // eslint-disable-next-line no-control-regex -- control bytes are what is checked
    expect(input.replace("\u001b[200~", "").replace("\u001b[201~", "")).not.toMatch(/[\u001b\u0003\u0007]/);
  });

  it("waits for a busy agent and sends only once it is ready", async () => {
    const { id, log } = await spawnSim("busy");
    expect((await runAo(["send", id, "sleep 2500"], { env: base })).code).toBe(0);
    const r = await runAo(["send", id, "after the nap"], { env: base });
    expect(r.stdout).toBe("✓ Message sent and processing\n");
    const entries = await waitFor("second message", async () => ((await logged(log)).length >= 2 ? logged(log) : null));
    // Sent once the nap was over ("sent and processing" above, never "queued"), and in order.
    expect(entries.map((l) => l.text)).toEqual(["sleep 2500", "after the nap"]);
  });

  it("with --no-wait sends at once, and a busy agent queues it", async () => {
    const { id, log } = await spawnSim("nowait");
    expect((await runAo(["send", id, "sleep 4000"], { env: base })).code).toBe(0);
    const r = await runAo(["send", id, "--no-wait", "queued behind the nap"], { env: base });
    // "queued" proves it did not wait: the agent was still napping when the message arrived.
    expect(r.stdout).toBe("✓ Message queued (session finishing previous task)\n");
    expect(r.stderr).toMatch(/may queue/);
    await waitFor("queued message processed", async () => (await logged(log)).some((l) => l.text === "queued behind the nap"));
  });

  it("presses Enter again for an agent that swallowed the first", async () => {
    const { id, log } = await spawnSim("swallow", { AO_SIM_MODE: "swallow-first-enter" });
    const r = await runAo(["send", id, "--json", "second enter wins"], { env: base });
    expect(JSON.parse(r.stdout)).toMatchObject({ outcome: "delivered" });
    expect(JSON.parse(r.stdout).attempts).toBeGreaterThanOrEqual(2);
    await waitFor("logged once", async () => (await logged(log)).length === 1);
    expect((await logged(log)).map((l) => l.text)).toEqual(["second enter wins"]);
  });

  it("says it could not confirm, with exit 3, when the agent never reads", async () => {
    const { id } = await spawnSim("deaf", { AO_SIM_MODE: "never-read" });
    const r = await runAo(["send", id, "anyone there?"], { env: base });
    expect(r).toMatchObject({ code: 3, stdout: "⚠ Message sent — could not confirm it was received\n" });
  });

  it("refuses a dead session with exit 1 and an unknown one with exit 2", async () => {
    const { id } = await spawnSim("dead");
    tm.tmux("kill-session", "-t", `=ao-sendws-${id}`);
    const dead = await runAo(["send", id, "hello"], { env: base });
    expect(dead.code).toBe(1);
    expect(dead.stderr).toContain(`ao session restore ${id}`);
    const unknown = await runAo(["send", "fe-404", "hello"], { env: base });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no session "fe-404".*sessions: fe-1/);
    expect((await runAo(["send", id], { env: base })).code).toBe(2);
  });
});
