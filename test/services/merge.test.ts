import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFakeGitHub, type FakeGitHub } from "../../demo/fake-github.js";
import { LifecycleService } from "../../src/services/lifecycle.js";
import { mergeSession } from "../../src/services/merge.js";
import { readSessions } from "../../src/services/sessions.js";
import { GitHubScm } from "../../src/plugins/scm/github.js";
import { gitSessions, type GitSessions } from "../helpers/git-sessions.js";
import { makeWorkspace } from "../helpers/workspace.js";
import { loadConfig } from "../../src/config/load.js";

let gh: FakeGitHub;
let g: GitSessions | undefined;
beforeAll(async () => {
  gh = await startFakeGitHub({ token: "fake-token" });
});
afterAll(() => gh.close());
afterEach(async () => {
  await g?.cleanup();
  g = undefined;
});

/** A session whose PR is approved, green and mergeable on the fake GitHub. */
async function mergeableSession(config = "") {
  g = await gitSessions(`github: { baseUrl: ${gh.baseUrl} }\n${config}`, { GITHUB_TOKEN: "fake-token" });
  const n = gh.state.openPr({ repo: "org/app", branch: `ao/fe-1-${Math.random().toString(36).slice(2, 6)}` });
  const pr = gh.state.pr("org/app", n);
  await g.addSession("fe-1", { pr: gh.state.prUrl(pr) });
  gh.state.setCi("org/app", n, "success");
  gh.state.approve("org/app", n, "reviewer");
  gh.state.setMergeable("org/app", n, true);
  return { n, g };
}

describe("the GitHub merge call", () => {
  it("merges with the method asked for, and says GitHub's reason when it refuses", async () => {
    const scm = new GitHubScm({ token: "fake-token", baseUrl: gh.baseUrl });
    const a = gh.state.openPr({ repo: "org/app", branch: "feat/merge-a" });
    gh.state.setMergeable("org/app", a, true);
    expect((await scm.merge("org/app", a, "squash")).sha).toMatch(/\S/);
    expect(gh.state.pr("org/app", a).state).toBe("MERGED");
    expect(gh.state.mergeMethods.get(`org/app#${a}`)).toBe("squash");
    await expect(scm.merge("org/app", a, "merge")).rejects.toThrow(/Pull Request is not mergeable/);
    const b = gh.state.openPr({ repo: "org/app", branch: "feat/merge-b" });
    gh.state.setMergeable("org/app", b, false);
    await expect(scm.merge("org/app", b, "merge")).rejects.toThrow(/not mergeable.*405|405.*not mergeable/);
    expect(gh.state.pr("org/app", b).state).toBe("OPEN");
  });
});

describe("mergeSession", () => {
  it("merges with the project's method, and the session is merged", async () => {
    const { n, g } = await mergeableSession("defaults: { mergeMethod: rebase }\n");
    await readSessions(g.ctx, { github: "refresh", record: true });
    expect((await readSessions(g.ctx, { github: "cached" })).views[0]!.status).toBe("mergeable");
    const r = await mergeSession(g.ctx, "fe-1", { actor: "test" });
    expect(r).toMatchObject({ id: "fe-1", prNumber: n, method: "rebase" });
    expect(gh.state.mergeMethods.get(`org/app#${n}`)).toBe("rebase");
    const after = (await readSessions(g.ctx, { github: "cached", record: true })).views[0]!;
    expect(after.status).toBe("merged");
    expect((await g.ctx.store.read("fe-1")).status).toBe("merged");
    expect((await g.ctx.store.events("fe-1")).some((e) => e.kind === "merged")).toBe(true);
  });

  it("stays merged when the PR facts are not refreshed after the merge: older facts do not undo it", async () => {
    const { g } = await mergeableSession();
    await readSessions(g.ctx, { github: "refresh", record: true });
    // GitHub takes the merge, but the refresh after it does not happen (a backoff another ao
    // process earned, or GitHub stops answering): the snapshot still says open and mergeable.
    g.ctx.prFacts.refresh = async () => g.ctx.prFacts.cached();
    await mergeSession(g.ctx, "fe-1", { actor: "test" });
    const after = (await readSessions(g.ctx, { github: "cached", record: true })).views[0]!;
    expect(after.status).toBe("merged");
    expect((await g.ctx.store.read("fe-1")).status).toBe("merged");
  });

  it("leaves the session as it was when GitHub refuses", async () => {
    const { n, g } = await mergeableSession();
    gh.state.setMergeable("org/app", n, false);
    await expect(mergeSession(g.ctx, "fe-1")).rejects.toThrow(/not mergeable/);
    expect((await g.ctx.store.read("fe-1")).status).toBe("working");
  });
});

describe("approved-and-green: { action: merge }", () => {
  it("merges a mergeable session once, and only when opted in", async () => {
    const { n, g } = await mergeableSession("reactions:\n  approved-and-green: { action: merge }\nnotifiers: []\n");
    const life = new LifecycleService(g.ctx, { notifiers: [] });
    const reports = await life.tick();
    await life.release();
    expect(reports).toEqual([expect.objectContaining({ id: "fe-1", reaction: "approved-and-green", action: "merged" })]);
    expect(gh.state.pr("org/app", n).state).toBe("MERGED");
    expect(await new LifecycleService(g.ctx, { notifiers: [] }).tick()).toEqual([]);
  });

  it("without the opt-in, a mergeable session stays open", async () => {
    const { n, g } = await mergeableSession("notifiers: []\n");
    const life = new LifecycleService(g.ctx, { notifiers: [] });
    await life.tick();
    await life.release();
    expect(gh.state.pr("org/app", n).state).toBe("OPEN");
  });

  it("is accepted by the config for approved-and-green only", async () => {
    const ok = await makeWorkspace("name: w\nreactions:\n  approved-and-green: { action: merge }\n");
    expect((await loadConfig({ env: ok.env })).name).toBe("w");
    await ok.cleanup();
    const bad = await makeWorkspace("name: w\nreactions:\n  ci-failed: { action: merge }\n");
    await expect(loadConfig({ env: bad.env })).rejects.toThrow(/:3:\d+: reactions\.ci-failed\.action/);
    await bad.cleanup();
  });
});
