import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAgentEvents, type AgentEvent } from "../../src/core/agent-events.js";
import { runAo } from "../helpers/ao.js";
import { AGENT_BIN_DIR, claudeEnv, seedClaudeHome, startFakeEndpoint, type FakeEndpoint } from "../helpers/agents.js";
import { makeRepo } from "../helpers/git.js";
import { privateTmux, waitFor } from "../helpers/tmux.js";

/*
 * The real Claude Code 2.1.197 (a dev dependency), offline against the scripted Anthropic-style
 * endpoint, driven through a whole turn by a person at its pane; ao reads what happens from
 * the hooks it wired at spawn, and the screen.
 */
const KEY = "sk-test-dummy-key-for-ao-tests";
const tm = privateTmux();
let root: string;
let env: NodeJS.ProcessEnv;
let endpoint: FakeEndpoint;
let stateDir: string;

interface Row {
  name: string;
  status: string;
  statusCause: string;
  statusReason: string;
  activity: string | null;
  summary: string | null;
  agent: { source: string; sessionId: string | null; question: { kind: string; text: string } | null; lastMessage: string | null; lastEvents: Array<{ event: string }> } | null;
}

async function row(id = "fe-1"): Promise<Row> {
  const r = await runAo(["status", "--json"], { env });
  if (r.code !== 0) throw new Error(r.stderr);
  const rows = JSON.parse(r.stdout) as Row[];
  return rows.find((x) => x.name === id)!;
}

async function events(): Promise<AgentEvent[]> {
  return parseAgentEvents(await readFile(path.join(stateDir, "agent-events.jsonl"), "utf8").catch(() => ""));
}

const screen = () => tm.tmux("capture-pane", "-p", "-t", "=ao-claude-e2e-fe-1:").stdout;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "ao-claude-"));
  const { clone } = await makeRepo(root, "app");
  endpoint = await startFakeEndpoint("anthropic", root);
  const aoHome = path.join(root, "ao-home");
  const home = path.join(root, "home");
  const worktrees = path.join(aoHome, "worktrees", "claude-e2e");
  await seedClaudeHome(home, KEY, [worktrees, path.join(worktrees, "fe-1"), path.join(worktrees, "fe-2")]);
  const config = path.join(root, "agent-orchestrator.yaml");
  await writeFile(config, `name: claude-e2e\nprojects:\n  frontend: { repo: org/app, path: ${JSON.stringify(clone)}, sessionPrefix: fe, agent: claude-code }\n`);
  env = {
    PATH: `${AGENT_BIN_DIR}:${process.env.PATH}`,
    HOME: home,
    AO_HOME: aoHome,
    AO_CONFIG_PATH: config,
    AO_TMUX_SOCKET: tm.socket,
    ...claudeEnv(endpoint, KEY),
  };
  stateDir = path.join(aoHome, "sessions", "claude-e2e", "fe-1");
}, 60_000);

afterAll(async () => {
  tm.kill();
  endpoint?.stop();
  // AO_RECORD_AGENT_EVENTS=<file> keeps this run's event log (test/fixtures/agent-events/).
  if (process.env.AO_RECORD_AGENT_EVENTS) await copyFile(path.join(stateDir, "agent-events.jsonl"), process.env.AO_RECORD_AGENT_EVENTS);
  // The agent's last hooks (SessionEnd) may still be writing as its pane closes.
  await rm(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
});

describe("real Claude Code, offline, reported through its hooks", () => {
  it("boot → ready → working → permission prompt → approved → finished, then restore resumes the same conversation", async () => {
    const spawned = await runAo(["spawn", "frontend"], { env });
    expect(spawned.stderr).toBe("");
    expect(spawned.code).toBe(0);
    const meta = await readFile(path.join(stateDir, "metadata"), "utf8");
    const sessionId = /^agentSessionId=(.+)$/m.exec(meta)?.[1];
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    // Nothing of the user's was touched: the hooks live in the session's own settings file.
    const settings = JSON.parse(await readFile(path.join(stateDir, "claude-settings.json"), "utf8")) as { hooks: Record<string, unknown> };
    expect(Object.keys(settings.hooks)).toContain("PermissionRequest");

    // Ready: started with no task, it waits at its prompt for the person's first message.
    const ready = await waitFor("Claude Code at its prompt", async () => {
      const r = await row();
      return r.statusCause === "turn_finished" ? r : null;
    }, 90_000);
    expect(ready).toMatchObject({ status: "needs_input", activity: expect.stringMatching(/ready|idle/), statusReason: "finished its turn; waiting for your next message" });
    expect((await events()).map((e) => e.event)).toContain("SessionStart");
    expect((await events())[0]!.data).toMatchObject({ session_id: sessionId, source: "startup" });

    // Working: a message through ao's messenger, and a reply that takes a while.
    const sent = await runAo(["send", "fe-1", "please pause for a moment"], { env });
    expect(sent.code, sent.stderr).toBe(0);
    const working = await waitFor("working", async () => {
      const r = await row();
      return r.status === "working" ? r : null;
    }, 60_000);
    expect(working).toMatchObject({ statusCause: "working", activity: "active", statusReason: "agent is working" });
    expect(working.agent?.lastEvents.at(-1)?.event).toBe("UserPromptSubmit");
    await waitFor("the paused turn to finish", async () => (await events()).filter((e) => e.event === "Stop").length === 1, 90_000);

    // Permission prompt: the event says so, with the question, before the screen is read.
    await runAo(["send", "fe-1", "run bash please"], { env });
    const asking = await waitFor("needs_input for the permission prompt", async () => {
      const r = await row();
      return r.statusCause === "permission" ? r : null;
    }, 90_000);
    expect(asking).toMatchObject({ status: "needs_input", activity: "waiting_input", statusReason: "Claude Code asked: Do you want to allow Bash `touch x.txt`?" });
    expect(asking.agent?.question).toMatchObject({ kind: "permission", text: "Do you want to allow Bash `touch x.txt`?" });
    expect(screen()).toMatch(/Do you want to proceed\?/);

    // Approved by the person at the pane (ao never answers for them): the tool runs, the turn ends.
    tm.tmux("send-keys", "-t", "=ao-claude-e2e-fe-1:", "Enter");
    const finished = await waitFor("the turn to finish", async () => {
      const r = await row();
      return r.statusCause === "turn_finished" && r.agent?.lastMessage === "Done." ? r : null;
    }, 90_000);
    expect(finished).toMatchObject({ status: "needs_input", statusReason: "finished its turn; waiting for your next message" });
    const names = (await events()).map((e) => e.event);
    const after = names.slice(names.lastIndexOf("UserPromptSubmit"));
    expect(after).toEqual(expect.arrayContaining(["PreToolUse", "PermissionRequest", "PostToolUse", "Stop"]));
    expect(after.indexOf("PermissionRequest")).toBeLessThan(after.indexOf("PostToolUse"));
    const times = (await events()).map((e) => e.t);
    expect([...times].sort((a, b) => a - b)).toEqual(times);

    // Restore resumes that very conversation, not "the latest in this folder".
    tm.tmux("kill-session", "-t", "=ao-claude-e2e-fe-1");
    await waitFor("runtime lost", async () => (await row()).statusCause === "runtime_lost", 30_000);
    const restored = await runAo(["session", "restore", "fe-1"], { env });
    expect(restored.code, restored.stderr).toBe(0);
    const resumed = await waitFor("the resumed session's start", async () => (await events()).find((e) => e.event === "SessionStart" && e.data?.source === "resume"), 90_000);
    expect(resumed.data?.session_id).toBe(sessionId);
    const back = await waitFor("back at its prompt", async () => {
      const r = await row();
      return r.statusCause === "turn_finished" ? r : null;
    }, 90_000);
    expect(back.agent?.sessionId).toBe(sessionId);
  }, 600_000);

  it("an error the agent cannot leave by itself (a rejected key) is errored, in its own words", async () => {
    const spawned = await runAo(["spawn", "frontend", "--prompt", "badkey: check the key"], { env });
    expect(spawned.code, spawned.stderr).toBe(0);
    const r = await waitFor("errored from the agent's StopFailure", async () => {
      const x = await row("fe-2");
      return x.statusCause === "agent_error" ? x : null;
    }, 90_000);
    expect(r.status).toBe("errored");
    expect(r.statusReason).toMatch(/^Claude Code: \S/);
    expect(r.summary).toBe("badkey: check the key");
    const failed = parseAgentEvents(await readFile(path.join(stateDir, "..", "fe-2", "agent-events.jsonl"), "utf8")).find((e) => e.event === "StopFailure");
    expect(failed?.data).toMatchObject({ error: "authentication_failed" });
    expect(r.statusReason).toContain(String(failed?.data?.last_assistant_message ?? failed?.data?.error_details));
  }, 300_000);
});
