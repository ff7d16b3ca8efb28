import http from "node:http";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGitHub, type FakeGitHub } from "../../demo/fake-github.js";
import { createApp } from "../../src/app.js";
import { LifecycleService } from "../../src/services/lifecycle.js";
import { ROOT, runAo } from "../helpers/ao.js";
import { makeRepo } from "../helpers/git.js";
import { privateTmux, waitFor } from "../helpers/tmux.js";

const SIM = path.join(ROOT, "demo/sim-agent.mjs");
const REPO = "org/app";
const tm = privateTmux();
let gh: FakeGitHub;
let root: string;
let env: NodeJS.ProcessEnv;
let hook: http.Server;
const hooks: Array<{ title: string; body: string; priority: string; sessionId?: string; reaction?: string; text: string }> = [];

async function logged(file: string): Promise<string[]> {
  try {
    return (await readFile(file, "utf8")).trim().split("\n").filter(Boolean).map((l) => (JSON.parse(l) as { text: string }).text);
  } catch {
    return [];
  }
}

async function spawnReady(tag: string, extra: NodeJS.ProcessEnv = {}): Promise<{ id: string; log: string; branch: string }> {
  const log = path.join(root, `${tag}.log`);
  const r = await runAo(["spawn", "frontend"], { env: { ...env, AO_SIM_LOG: log, ...extra } });
  expect(r.stderr).toBe("");
  const id = r.stdout.trim();
  const rows = async () => JSON.parse((await runAo(["session", "ls", "--json"], { env })).stdout) as Array<{ name: string; activity: string; branch: string }>;
  await waitFor(`${id} ready`, async () => (await rows()).find((x) => x.name === id)?.activity === "ready");
  return { id, log, branch: (await rows()).find((x) => x.name === id)!.branch };
}

const watch = () => runAo(["watch", "--once"], { env });

beforeAll(async () => {
  gh = await startFakeGitHub({ token: "fake-token" });
  hook = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      hooks.push(JSON.parse(body) as (typeof hooks)[number]);
      res.end("ok");
    });
  });
  await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
  root = await mkdtemp(path.join(tmpdir(), "ao-react-"));
  const { clone } = await makeRepo(root);
  const port = (hook.address() as AddressInfo).port;
  await writeFile(
    path.join(root, "ao.yaml"),
    `name: reactws
github: { baseUrl: ${gh.baseUrl} }
reactions:
  ci-failed: { action: send-to-agent, retries: 1 }
notifiers:
  - { type: webhook, url: "http://127.0.0.1:${port}/hook" }
projects:
  frontend: { repo: ${REPO}, path: ${JSON.stringify(clone)}, sessionPrefix: fe, agent: generic, agentCommand: ${JSON.stringify(`node ${SIM}`)} }
`,
  );
  env = { PATH: process.env.PATH, HOME: path.join(root, "home"), AO_HOME: path.join(root, "ao-home"), AO_CONFIG_PATH: path.join(root, "ao.yaml"), AO_TMUX_SOCKET: tm.socket, GITHUB_TOKEN: "fake-token", AO_SIM_THINK_MS: "200" };
});
afterAll(async () => {
  tm.kill();
  await gh.close();
  hook.close();
  await rm(root, { recursive: true, force: true });
});

describe("reactions", () => {
  it("tells the agent once about a CI failure, with the checks' logs; again only for a new commit", async () => {
    const { id, log, branch } = await spawnReady("ci");
    const n = gh.state.openPr({ repo: REPO, branch });
    gh.state.setCi(REPO, n, "failure", [
      { name: "lint", conclusion: "failure", annotations: [{ path: "src/a.ts", line: 3, message: "no-unused-vars: x is never used" }] },
      { name: "unit", conclusion: "failure", log: "running 12 tests\nFAIL test/login.test.ts\nExpected 200, got 500" },
    ]);
    const first = await watch();
    expect(first.stdout).toMatch(new RegExp(`${id}: ci-failed → told the agent \\(delivered\\)`));
    await waitFor("message logged", async () => (await logged(log)).length === 1);
    // The record says when the agent was told, not when ao decided to tell it.
    const dir = path.join(env.AO_HOME!, "sessions", "reactws", id);
    const sentAt = (await readFile(path.join(dir, "events.jsonl"), "utf8")).split("\n").filter(Boolean).map((l) => JSON.parse(l) as { kind: string; actor: string; time: string }).find((e) => e.kind === "message" && e.actor === "reaction")!.time;
    const reactedAt = /^lastReactionAt=(.*)$/m.exec(await readFile(path.join(dir, "metadata"), "utf8"))![1]!;
    expect(reactedAt >= sentAt).toBe(true);
    const [msg] = await logged(log);
    expect(msg).toContain(`CI failed on PR #${n}`);
    expect(msg).toContain("lint: failure");
    expect(msg).toContain("src/a.ts:3");
    expect(msg).toContain("no-unused-vars: x is never used");
    expect(msg).toContain("unit: failure");
    expect(msg).toContain("Expected 200, got 500");

    // The next poll, and a restarted service (every `ao watch --once` is a new process), send nothing.
    expect((await watch()).stdout).toBe("");
    expect((await watch()).stdout).toBe("");
    expect(await logged(log)).toHaveLength(1);

    // A new commit that fails again is a new event.
    gh.state.pr(REPO, n).headSha = "f".repeat(40);
    gh.state.setCi(REPO, n, "failure", [{ name: "lint", conclusion: "failure", annotations: [{ path: "src/a.ts", line: 4, message: "still wrong" }] }]);
    expect((await watch()).stdout).toMatch(/ci-failed → told the agent \(delivered\)/);
    await waitFor("second message", async () => (await logged(log)).length === 2);
    expect((await logged(log))[1]).toContain("still wrong");
  });

  it("a failure the cached facts still show but GitHub no longer does is no event: the agent is told nothing", async () => {
    const { id, log, branch } = await spawnReady("stale");
    const n = gh.state.openPr({ repo: REPO, branch });
    gh.state.setCi(REPO, n, "failure", [{ name: "lint", conclusion: "failure" }]);
    // A status call sees it failing, and the shared snapshot keeps that.
    const rows = JSON.parse((await runAo(["status", "--json"], { env })).stdout) as Array<{ name: string; status: string }>;
    expect(rows.find((r) => r.name === id)?.status).toBe("ci_failed");
    // Green before the reactor gets to it: a wake-up's tick reads the cached facts.
    gh.state.setCi(REPO, n, "success");
    const ctx = await createApp({ env });
    const service = new LifecycleService(ctx);
    try {
      const reports = await service.tick({ github: "cached" });
      expect(reports.filter((r) => r.id === id)).toEqual([]);
    } finally {
      await service.release();
    }
    expect(await logged(log)).toEqual([]);
  });

  it("ticks that come together (a poll and a wake-up) take turns: one event, one message", async () => {
    const { id, log, branch } = await spawnReady("twice");
    const n = gh.state.openPr({ repo: REPO, branch });
    const ctx = await createApp({ env });
    const service = new LifecycleService(ctx);
    try {
      // The service leads before the event, as \`ao watch\` does by its first poll (two first
      // ticks at once would have one of them find the lead taken and do nothing).
      await service.tick({ github: "cached" });
      gh.state.setCi(REPO, n, "failure", [{ name: "unit", conclusion: "failure" }]);
      // Known failing in the shared snapshot, so both ticks see it.
      expect((await runAo(["status", "--json"], { env })).stdout).toContain('"ci_failed"');
      // GitHub answers slowly: a second tick that did not wait would read the history while
      // the first one is still asking, before either has written to it.
      gh.state.slowNext(2, 1000);
      const both = await Promise.all([service.tick({ github: "cached" }), service.tick({ github: "cached" })]);
      expect(both.flat().filter((r) => r.id === id && r.action === "sent")).toHaveLength(1);
    } finally {
      await service.release();
    }
    await waitFor("the message", async () => (await logged(log)).length === 1);
    expect(await logged(log)).toHaveLength(1);
  });

  it("hands the agent the unresolved review threads", async () => {
    const { log, branch } = await spawnReady("review");
    const n = gh.state.openPr({ repo: REPO, branch });
    gh.state.setCi(REPO, n, "success");
    gh.state.requestChanges(REPO, n, { reviewer: "bob", threads: [{ path: "src/login.ts", line: 42, body: "Handle the expired token" }, { path: "README.md", line: null, body: "Document the flag" }] });
    expect((await watch()).stdout).toMatch(/changes-requested → told the agent \(delivered\)/);
    await waitFor("review message", async () => (await logged(log)).length === 1);
    const [msg] = await logged(log);
    expect(msg).toContain(`Changes were requested on PR #${n}`);
    expect(msg).toContain("src/login.ts:42 — @bob: Handle the expired token");
    expect(msg).toContain("README.md — @bob: Document the flag");
    expect(msg).toMatch(/http:\/\/127\.0\.0\.1:\d+\/org\/app\/pull\/\d+/);
  });

  it("escalates to a notification when retries are exhausted, and posts it to the webhook", async () => {
    const { id, branch } = await spawnReady("deaf", { AO_SIM_MODE: "never-read" });
    const n = gh.state.openPr({ repo: REPO, branch });
    gh.state.setCi(REPO, n, "failure", [{ name: "build", conclusion: "failure" }]);
    expect((await watch()).stdout).toMatch(/ci-failed → told the agent \(unconfirmed\)/);
    expect((await watch()).stdout).toMatch(/ci-failed → told the agent \(unconfirmed\)/);
    expect((await watch()).stdout).toMatch(new RegExp(`${id}: ci-failed → escalated to you`));
    expect((await watch()).stdout).toBe("");
    const mine = hooks.filter((h) => h.sessionId === id);
    expect(mine.some((h) => h.priority === "urgent" && h.title === `ao: ${id} needs you` && /could not reach the agent after 2 attempts/.test(h.body))).toBe(true);
    // Each unconfirmed send also told the person.
    expect(mine.filter((h) => /may not have received/.test(h.body))).toHaveLength(2);
    expect(mine.every((h) => typeof h.text === "string" && h.text.startsWith(`ao: ${id}`))).toBe(true);
    // Three watches, two of them waiting out a send the agent never reads: 28 s on a quiet
    // machine, so 30 s was too little on a busy one.
  }, 120_000);

  it("notifies once when an agent waits for an answer", async () => {
    const { id } = await spawnReady("ask");
    expect((await runAo(["send", id, "ask Deploy to staging?"], { env })).code).toBe(0);
    await waitFor("needs_input", async () => (JSON.parse((await runAo(["session", "ls", "--json"], { env })).stdout) as Array<{ name: string; activity: string }>).find((x) => x.name === id)?.activity === "waiting_input");
    expect((await watch()).stdout).toMatch(new RegExp(`${id}: needs-input → notified you`));
    expect((await watch()).stdout).toBe("");
    expect(hooks.filter((h) => h.sessionId === id && h.reaction === "needs-input")).toHaveLength(1);
  });

  it("never sends into a question that comes up while it waits: it tells the person instead", async () => {
    const input = path.join(root, "race.input");
    const { id, log, branch } = await spawnReady("race", { AO_SIM_THINK_MS: "4000", AO_SIM_INPUT_LOG: input });
    // The agent is busy, and will ask when it is done; meanwhile CI fails.
    expect((await runAo(["send", id, "--no-wait", "ask Deploy to staging?"], { env })).code).toBe(0);
    const n = gh.state.openPr({ repo: REPO, branch });
    gh.state.setCi(REPO, n, "failure", [{ name: "lint", conclusion: "failure" }]);
    const typed = (await readFile(input, "utf8")).length;
    expect((await watch()).stdout).toMatch(new RegExp(`${id}: ci-failed → skipped — waits on a question`));
    expect((await readFile(input, "utf8")).length).toBe(typed);
    expect(await logged(log)).toEqual(["ask Deploy to staging?"]);
    const told = hooks.filter((h) => h.sessionId === id && h.reaction === "ci-failed");
    expect(told).toHaveLength(1);
    expect(told[0]!.body).toMatch(/waits on a question \(Deploy to staging\?\); ao did not send/);
  }, 60_000);
});
