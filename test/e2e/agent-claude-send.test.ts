import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { QuestionPendingError } from "../../src/core/errors.js";
import { sendMessage } from "../../src/services/messenger.js";
import { runAo } from "../helpers/ao.js";
import { AGENT_BIN_DIR, claudeEnv, seedClaudeHome, startFakeEndpoint, type FakeEndpoint } from "../helpers/agents.js";
import { makeRepo } from "../helpers/git.js";
import { privateTmux, waitFor } from "../helpers/tmux.js";

/*
 * The real Claude Code 2.1.197, offline against the scripted endpoint, receiving messages from
 * ao's messenger (what `ao send` and reactions use). Its permission dialog takes Enter as "1. Yes":
 * whatever ao presses must never reach one.
 */
const KEY = "sk-test-dummy-key-for-ao-tests";
const tm = privateTmux();
let root: string;
let env: NodeJS.ProcessEnv;
let endpoint: FakeEndpoint;
let worktrees: string;

const pane = (id: string) => `=ao-claude-send-${id}:`;
const screen = (id: string) => tm.tmux("capture-pane", "-p", "-t", pane(id)).stdout;

async function readyClaude(): Promise<string> {
  const spawned = await runAo(["spawn", "frontend"], { env });
  expect(spawned.code, spawned.stderr).toBe(0);
  const id = spawned.stdout.trim();
  await waitFor(`${id} at its prompt`, async () => {
    const rows = JSON.parse((await runAo(["status", "--json"], { env })).stdout) as Array<{ name: string; statusCause: string }>;
    return rows.find((r) => r.name === id)?.statusCause === "turn_finished";
  }, 90_000);
  return id;
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "ao-claude-send-"));
  const { clone } = await makeRepo(root, "app");
  endpoint = await startFakeEndpoint("anthropic", root);
  const home = path.join(root, "home");
  worktrees = path.join(root, "ao-home", "worktrees", "claude-send");
  await seedClaudeHome(home, KEY, [worktrees, ...[1, 2, 3, 4].map((n) => path.join(worktrees, `fe-${n}`))]);
  const config = path.join(root, "agent-orchestrator.yaml");
  await writeFile(config, `name: claude-send\nprojects:\n  frontend: { repo: org/app, path: ${JSON.stringify(clone)}, sessionPrefix: fe, agent: claude-code }\n`);
  env = {
    PATH: `${AGENT_BIN_DIR}:${process.env.PATH}`,
    HOME: home,
    AO_HOME: path.join(root, "ao-home"),
    AO_CONFIG_PATH: config,
    AO_TMUX_SOCKET: tm.socket,
    ...claudeEnv(endpoint, KEY),
  };
}, 60_000);

afterAll(async () => {
  tm.kill();
  endpoint?.stop();
  await rm(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
});

describe("the messenger and a real Claude Code", () => {
  it("a permission dialog that comes up after the last look before the keys gets no Enter: nothing is approved", async () => {
    const id = await readyClaude();
    const ctx = await createApp({ env });
    // The person (or the agent's own running turn) raises a permission prompt in the moment
    // between the messenger's last look and its keys.
    const raise = async () => {
      tm.tmux("send-keys", "-t", pane(id), "run bash please", "Enter");
      await waitFor("the permission dialog", () => /Do you want to proceed\?/.test(screen(id)), 60_000);
    };
    const sent = sendMessage(ctx, id, "please note this for later", { beforeKeys: raise });
    await expect(sent).rejects.toBeInstanceOf(QuestionPendingError);
    // Still asking, and the command it asks about never ran.
    expect(screen(id)).toMatch(/Do you want to proceed\?/);
    expect(existsSync(path.join(worktrees, id, "x.txt"))).toBe(false);
    const events = (await readFile(path.join(root, "ao-home", "sessions", "claude-send", id, "events.jsonl"), "utf8")).trim().split("\n").map((l) => JSON.parse(l) as { kind: string; outcome?: string });
    expect(events.filter((e) => e.kind === "message").at(-1)).toMatchObject({ outcome: "refused" });
  }, 240_000);

  it("a draft of several lines in the input box is never submitted with the message", async () => {
    const id = await readyClaude();
    const ctx = await createApp({ env });
    // What a person attached to the pane had half-written (two lines, pasted as Claude takes them).
    tm.tmux("set-buffer", "-b", "draft", "half-written by the person\nsecond line of the draft");
    tm.tmux("paste-buffer", "-p", "-d", "-b", "draft", "-t", pane(id));
    await waitFor("the draft in the input box", () => /second line of the draft/.test(screen(id)), 20_000);
    await expect(sendMessage(ctx, id, "a message from ao")).rejects.toThrow(/could not clear, so nothing was typed/);
    const prompts = (await readFile(path.join(root, "ao-home", "sessions", "claude-send", id, "agent-events.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { event: string; data?: { prompt?: string } })
      .filter((e) => e.event === "UserPromptSubmit")
      .map((e) => e.data?.prompt);
    expect(prompts.some((p) => p?.includes("half-written") || p?.includes("a message from ao"))).toBe(false);
    expect(screen(id)).toMatch(/❯\shalf-written by the person/);
    expect(screen(id)).not.toMatch(/a message from ao/);
  }, 240_000);
});
