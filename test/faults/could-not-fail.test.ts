// Behaviour that once had no test able to fail: each case below turns red when its behaviour is
// broken (the mutations are listed in issue 13's closing note).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startFakeGitHub, type FakeGitHub } from "../../demo/fake-github.js";
import { createApp } from "../../src/app.js";
import { deriveActivity } from "../../src/core/activity.js";
import type { NotifierPlugin } from "../../src/plugins/types.js";
import { LifecycleService } from "../../src/services/lifecycle.js";
import { runAo } from "../helpers/ao.js";
import { makeWorkspace, type TestWorkspace } from "../helpers/workspace.js";

// Real processes on a shared, loaded machine: generous deadlines, never timed assertions.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

describe("activity: ready becomes idle", () => {
  const at = (stillMs: number, readyThresholdMs = 60_000) =>
    deriveActivity({ dead: false, activityAtSec: 1_000, nowMs: 1_000 * 1000 + 1000 + stillMs, readyThresholdMs, classifyStill: () => "ready" });
  it("a ready agent is idle once still for the ready threshold, and not before", () => {
    expect(at(5_000)).toBe("ready");
    expect(at(59_999)).toBe("ready");
    expect(at(60_000)).toBe("idle");
    expect(at(3_600_000)).toBe("idle");
  });
  it("only ready turns idle: a question or a block stays what it is", () => {
    const still = (what: "waiting_input" | "blocked") =>
      deriveActivity({ dead: false, activityAtSec: 0, nowMs: 10_000_000, readyThresholdMs: 1000, classifyStill: () => what });
    expect(still("waiting_input")).toBe("waiting_input");
    expect(still("blocked")).toBe("blocked");
  });
});

describe("one reactor per workspace", () => {
  const TOKEN = "ghp_singleReactor0123456789abcdefghijk";
  let gh: FakeGitHub;
  let ws: TestWorkspace;
  beforeAll(async () => {
    gh = await startFakeGitHub({ token: TOKEN });
    ws = await makeWorkspace(`name: solo\ngithub: { baseUrl: ${gh.baseUrl} }\nprojects:\n  frontend: { repo: org/solo, path: /nonexistent, sessionPrefix: fe }\n`, "solo");
  });
  afterAll(async () => {
    await gh.close();
    await ws.cleanup();
  });

  it("while one ao reacts for a workspace, a second one (another dashboard, ao watch) does nothing", async () => {
    const env = { ...ws.env, GITHUB_TOKEN: TOKEN };
    const told: string[] = [];
    const memo = (who: string): NotifierPlugin => ({ name: "memo", notify: async (n) => void told.push(`${who}: ${n.title}`) });
    const all = ["urgent", "action", "info"] as const;
    const ctx = await createApp({ env });
    const first = new LifecycleService(ctx, { notifiers: [{ plugin: memo("first"), priorities: [...all] }] });
    const reactions = async () => (await ctx.store.events("fe-1")).filter((e) => e.kind === "reaction");
    try {
      // The first takes the workspace while there is nothing to react to.
      expect(await first.tick()).toEqual([]);
      // Then a session's PR turns approved and green: a notice is due, once.
      await ws.seed("fe-1", { projectId: "frontend", status: "working", branch: "feat/solo", createdAt: new Date().toISOString() });
      const n = gh.state.openPr({ repo: "org/solo", branch: "feat/solo" });
      gh.state.setCi("org/solo", n, "success");
      gh.state.approve("org/solo", n, "carol");
      gh.state.setMergeable("org/solo", n, true);
      // A second ao, in its own process as dashboards and ao watch are, stands by.
      const second = await runAo(["watch", "--once"], { env });
      expect(second.code).toBe(0);
      expect(second.stderr).toMatch(/Another ao .* is reacting for this workspace; standing by/);
      expect(await reactions()).toEqual([]);
      expect(told).toEqual([]);
      expect(await first.tick()).toEqual([expect.objectContaining({ id: "fe-1", reaction: "approved-and-green", action: "notified" })]);
      expect(told).toEqual(["first: ao: fe-1 approved and green"]);
      // Once the first lets go, the second may take over, and repeats nothing.
      await first.release();
      const after = await runAo(["watch", "--once"], { env });
      expect(after).toMatchObject({ code: 0, stdout: "" });
      expect(await reactions()).toHaveLength(1);
    } finally {
      await first.release();
    }
  });
});
