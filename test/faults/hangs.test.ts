// Fault class: hangs, silent drops and false notices. Each case names what it guards and fails
// when that fix is reverted (see the closing note of issue 13 for the mutations checked).
import { createServer, type Server } from "node:http";
import type { Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startFakeGitHub, type FakeGitHub } from "../../demo/fake-github.js";
import { createApp } from "../../src/app.js";
import { parseConfig } from "../../src/config/parse.js";
import { ciFailedMessage } from "../../src/core/reaction-messages.js";
import { desktopNotifier } from "../../src/plugins/notifier/index.js";
import { GitHubScm } from "../../src/plugins/scm/github.js";
import { GitHubTracker } from "../../src/plugins/tracker/github.js";
import { LinearTracker } from "../../src/plugins/tracker/linear.js";
import type { Notification, NotifierPlugin } from "../../src/plugins/types.js";
import { cleanupPlan } from "../../src/services/cleanup.js";
import { LifecycleService } from "../../src/services/lifecycle.js";
import { runAo } from "../helpers/ao.js";
import { git, makeRepo } from "../helpers/git.js";
import { makeWorkspace, type TestWorkspace } from "../helpers/workspace.js";

// Real processes on a shared, loaded machine: generous deadlines, never timed assertions.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const TOKEN = "ghp_faultsHangs0123456789abcdefghijkl";

/** A server that takes every request and never answers (or answers half a body, then nothing). */
async function silentServer(mode: "nothing" | "half-body"): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => {
    if (mode === "half-body") {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"data":{"issue":');
    }
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe("every network call has a deadline", () => {
  let silent: Awaited<ReturnType<typeof silentServer>>;
  let half: Awaited<ReturnType<typeof silentServer>>;
  beforeAll(async () => {
    silent = await silentServer("nothing");
    half = await silentServer("half-body");
  });
  afterAll(async () => {
    await silent.close();
    await half.close();
  });

  it("a GitHub issue look-up against a GitHub that never answers gives up, saying so", async () => {
    const tracker = new GitHubTracker({ token: TOKEN, baseUrl: `${silent.url}/api/v3`, timeoutMs: 300 });
    const e = await tracker.getIssue("org/app", "7").then(() => null, (x: Error) => x);
    expect(e?.message).toMatch(/GitHub issue org\/app#7: no answer within 0.3 s/);
    expect(e?.message).not.toContain(TOKEN);
  });

  it("a Linear look-up gives up, before the answer starts and half-way through it", async () => {
    for (const server of [silent, half]) {
      const tracker = new LinearTracker({ apiKey: "lin_api_faults", url: `${server.url}/graphql`, timeoutMs: 300 });
      await expect(tracker.getIssue("", "ENG-1")).rejects.toThrow(/Linear issue ENG-1: no answer within 0.3 s/);
    }
  });
});

describe("partial details are still sent", () => {
  let gh: FakeGitHub;
  beforeAll(async () => {
    gh = await startFakeGitHub({ token: TOKEN });
  });
  afterAll(() => gh.close());

  it("a failing check without an id (no annotations to read) still reaches the agent, saying what is missing", async () => {
    const n = gh.state.openPr({ repo: "org/app", branch: "ao/fe-1" });
    gh.state.setCi("org/app", n, "failure", [
      { name: "lint", noDatabaseId: true },
      { name: "test", annotations: [{ path: "a.ts", line: 3, message: "expected 1" }] },
    ]);
    const details = await new GitHubScm({ token: TOKEN, baseUrl: gh.baseUrl }).prDetails("org/app", n);
    const lint = details.failingChecks.find((c) => c.name === "lint");
    expect(lint).toMatchObject({ conclusion: "failure", unreadable: "the check run has no id" });
    expect(details.failingChecks.find((c) => c.name === "test")?.annotations).toEqual(["a.ts:3: expected 1"]);
    const message = ciFailedMessage(n, details.headSha, details.failingChecks);
    expect(message).toMatch(/- lint: failure[^\n]*\n.*\n.*could not read its details: the check run has no id/);
    expect(message).toContain("a.ts:3: expected 1");
  });
});

/** A workspace with one session whose PR is approved, green and mergeable: a notify reaction. */
async function mergeableWorld(gh: FakeGitHub, name: string): Promise<{ ws: TestWorkspace; env: NodeJS.ProcessEnv }> {
  const config = `name: ${name}\ngithub: { baseUrl: ${gh.baseUrl} }\nprojects:\n  frontend: { repo: org/${name}, path: /nonexistent, sessionPrefix: fe }\n`;
  const ws = await makeWorkspace(config, name);
  await ws.seed("fe-1", { projectId: "frontend", status: "working", branch: "feat/green", createdAt: new Date().toISOString() });
  const n = gh.state.openPr({ repo: `org/${name}`, branch: "feat/green" });
  gh.state.setCi(`org/${name}`, n, "success");
  gh.state.approve(`org/${name}`, n, "carol");
  gh.state.setMergeable(`org/${name}`, n, true);
  // No notify-send on this PATH: the desktop notifier cannot deliver.
  return { ws, env: { ...ws.env, PATH: "/nonexistent-bin", GITHUB_TOKEN: TOKEN } };
}

describe("notices record what really happened", () => {
  let gh: FakeGitHub;
  const spaces: TestWorkspace[] = [];
  beforeAll(async () => {
    gh = await startFakeGitHub({ token: TOKEN });
  });
  afterAll(async () => {
    await gh.close();
    for (const w of spaces) await w.cleanup();
  });

  it("a desktop notice without notify-send is recorded as not delivered, naming why", async () => {
    const { ws, env } = await mergeableWorld(gh, "nodesk");
    spaces.push(ws);
    const ctx = await createApp({ env });
    const desktop = desktopNotifier(env);
    const life = new LifecycleService(ctx, { notifiers: [{ plugin: desktop, priorities: ["urgent", "action", "info"] }] });
    const reports = await life.tick();
    await life.release();
    expect(reports).toEqual([expect.objectContaining({ id: "fe-1", reaction: "approved-and-green", action: "notified", outcome: "not delivered" })]);
    expect(reports[0]?.detail).toMatch(/desktop: notify-send: command not found/);
    const recorded = (await ctx.store.events("fe-1")).filter((e) => e.kind === "reaction");
    expect(recorded).toEqual([expect.objectContaining({ action: "notified", outcome: "not delivered" })]);
  });

  it("the dashboard's lifecycle rings the terminal bell by default, so the notice is delivered", async () => {
    const { ws, env } = await mergeableWorld(gh, "bell");
    spaces.push(ws);
    const ctx = await createApp({ env });
    const write = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
      const life = new LifecycleService(ctx, { bell: true });
      const reports = await life.tick();
      await life.release();
      expect(reports).toEqual([expect.objectContaining({ action: "notified", outcome: "delivered" })]);
      expect(write.mock.calls.some(([chunk]) => chunk === "\u0007")).toBe(true);
    } finally {
      write.mockRestore();
    }
  });

  it("a notifier that throws does not stop the others", async () => {
    const { ws, env } = await mergeableWorld(gh, "mixed");
    spaces.push(ws);
    const ctx = await createApp({ env });
    const got: Notification[] = [];
    const ok: NotifierPlugin = { name: "memo", notify: async (n) => void got.push(n) };
    const broken: NotifierPlugin = { name: "webhook", notify: async () => Promise.reject(new Error("answered 500")) };
    const all = ["urgent", "action", "info"] as const;
    const life = new LifecycleService(ctx, { notifiers: [{ plugin: broken, priorities: [...all] }, { plugin: ok, priorities: [...all] }] });
    const [report] = await life.tick();
    await life.release();
    expect(report).toMatchObject({ outcome: "delivered", detail: "webhook: answered 500" });
    expect(got).toHaveLength(1);
  });
});

describe("one broken worktree is that session's problem alone", () => {
  let root: string;
  let ws: TestWorkspace;
  afterAll(async () => {
    await ws?.cleanup();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("cleanup plans every other session when one worktree's .git points nowhere", async () => {
    root = await mkdtemp(path.join(tmpdir(), "ao-faults-cleanup-"));
    const { clone } = await makeRepo(root);
    const trees = path.join(root, "trees");
    ws = await makeWorkspace(`name: broken\nworktreeDir: ${trees}\nprojects:\n  frontend: { repo: org/app, path: ${JSON.stringify(clone)}, sessionPrefix: fe }\n`, "broken");
    for (const id of ["fe-1", "fe-2"]) {
      git(clone, "worktree", "add", "-q", "-b", `ao/${id}`, path.join(trees, id), "main");
      git(path.join(trees, id), "push", "-q", "origin", `ao/${id}`);
      await ws.seed(id, { projectId: "frontend", status: "merged", branch: `ao/${id}`, worktree: path.join(trees, id), createdAt: new Date().toISOString() });
    }
    await writeFile(path.join(trees, "fe-2", ".git"), "gitdir: /nowhere/at/all\n");
    const ctx = await createApp({ env: ws.env });
    const plan = await cleanupPlan(ctx);
    expect(plan.find((p) => p.id === "fe-1")).toMatchObject({ action: "kill" });
    expect(plan.find((p) => p.id === "fe-2")).toMatchObject({ action: "skip", skipReason: expect.stringMatching(/^worktree unreadable: /) });
    // The command line does the same: fe-1 goes, fe-2 stays, and the run succeeds.
    const dry = await runAo(["session", "cleanup", "--dry-run"], { env: ws.env });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/Would kill fe-1/);
    expect(dry.stdout).toMatch(/Would skip fe-2 .*worktree unreadable/);
    const real = await runAo(["session", "cleanup"], { env: ws.env });
    expect(real.code).toBe(0);
    expect(real.stdout).toMatch(/Killed fe-1/);
    expect(existsSync(path.join(trees, "fe-1"))).toBe(false);
    expect(existsSync(path.join(trees, "fe-2"))).toBe(true);
  });
});

describe("durations have bounds a timer can keep", () => {
  const ctx = { file: "/w/agent-orchestrator.yaml", home: "/home/u", aoHome: "/home/u/.ao" };
  const parse = (yaml: string) => parseConfig(yaml, ctx);
  it("lifecycle.pollInterval: too large, zero and 1ms are config errors naming the key and the bounds", () => {
    for (const v of ["1000h", "0", "1ms", "2147483648", "0s"]) {
      expect(() => parse(`lifecycle: { pollInterval: ${v} }\n`), v).toThrow(/lifecycle\.pollInterval: expected a duration from 1s to 1h/);
    }
    expect(parse("lifecycle: { pollInterval: 45s }\n").lifecycle.pollIntervalMs).toBe(45_000);
  });

  it("every other duration stays within what setTimeout can wait", () => {
    expect(() => parse("stuckAfter: 9999h\n")).toThrow(/stuckAfter: expected a duration from 1s to 576h/);
    expect(() => parse("reactions: { stuck: { action: notify, escalateAfter: 100000h } }\n")).toThrow(/escalateAfter/);
  });

  it("interval flags are checked the same way", async () => {
    const ws = await makeWorkspace();
    try {
      for (const v of ["99999999", "0", "-1", "soon"]) {
        const r = await runAo(["watch", "--once", "--interval", v], { env: ws.env });
        expect(r.code, v).toBe(2);
        expect(r.stderr).toMatch(/--interval takes seconds from 0.1 to 3600/);
      }
    } finally {
      await ws.cleanup();
    }
  });
});
