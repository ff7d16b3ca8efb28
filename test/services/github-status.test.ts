import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGitHub, type FakeGitHub } from "../../demo/fake-github.js";
import { serializeMetadata } from "../../src/core/metadata-format.js";
import { runAo } from "../helpers/ao.js";
import { git, makeRepo } from "../helpers/git.js";
import { privateTmux } from "../helpers/tmux.js";

const tm = privateTmux();
let gh: FakeGitHub;
let root: string;
let env: NodeJS.ProcessEnv;
let clone: string;
const REPO = "org/app";
const prs = {} as Record<"failing" | "changes" | "green" | "pending" | "merged" | "mergedDirty", number>;

async function seed(id: string, meta: Record<string, string>): Promise<void> {
  const dir = path.join(root, "ao-home/sessions/ghws", id);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, "metadata"), serializeMetadata({ id, projectId: "frontend", status: "working", createdAt: new Date(Date.now() - 3_600_000).toISOString(), ...meta }));
}

type Row = Record<string, unknown> & { name: string };
/** `ao status --json --refresh`: these tests change GitHub between calls and want it asked. */
async function statusJson(...extra: string[]): Promise<Row[]> {
  const r = await runAo(["status", "--json", ...(extra.length ? extra : ["--refresh"])], { env });
  expect(r.stderr).toBe("");
  return JSON.parse(r.stdout) as Row[];
}

beforeAll(async () => {
  gh = await startFakeGitHub({ token: "fake-token" });
  root = await mkdtemp(path.join(tmpdir(), "ao-gh-"));
  ({ clone } = await makeRepo(root));
  await writeFile(
    path.join(root, "ao.yaml"),
    `name: ghws\ngithub: { baseUrl: ${gh.baseUrl} }\nprojects:\n  frontend: { repo: ${REPO}, path: ${JSON.stringify(clone)}, sessionPrefix: fe, name: Frontend }\n`,
  );
  env = { PATH: process.env.PATH, HOME: path.join(root, "home"), AO_HOME: path.join(root, "ao-home"), AO_CONFIG_PATH: path.join(root, "ao.yaml"), AO_TMUX_SOCKET: tm.socket, GITHUB_TOKEN: "fake-token" };

  const s = gh.state;
  prs.failing = s.openPr({ repo: REPO, branch: "feat/failing" });
  s.setCi(REPO, prs.failing, "failure", [{ name: "lint", conclusion: "failure" }, { name: "e2e", conclusion: "timed_out" }]);
  prs.changes = s.openPr({ repo: REPO, branch: "feat/changes" });
  s.setCi(REPO, prs.changes, "success");
  s.requestChanges(REPO, prs.changes, { reviewer: "bob", threads: [{ path: "a.ts", line: 3, body: "rename" }, { path: "b.ts", line: 9, body: "test?" }] });
  prs.green = s.openPr({ repo: REPO, branch: "feat/green" });
  s.setCi(REPO, prs.green, "success");
  s.approve(REPO, prs.green, "alice");
  s.setMergeable(REPO, prs.green, true);
  prs.pending = s.openPr({ repo: REPO, branch: "feat/pending" });
  s.setCi(REPO, prs.pending, "pending");
  s.requestReview(REPO, prs.pending, "carol");
  prs.merged = s.openPr({ repo: REPO, branch: "feat/merged" });
  s.merge(REPO, prs.merged);

  await seed("fe-1", { branch: "feat/failing" });
  await seed("fe-2", { branch: "feat/changes" });
  await seed("fe-3", { branch: "feat/green" });
  await seed("fe-4", { branch: "feat/pending" });
  await seed("fe-5", { branch: "feat/merged" });
  await seed("fe-6", { branch: "feat/no-pr-yet" });
});
afterAll(async () => {
  tm.kill();
  await gh.close();
  await rm(root, { recursive: true, force: true });
});

describe("status from GitHub", () => {
  it("derives every status with a reason a person can act on, in one GraphQL document", async () => {
    const before = gh.state.graphqlCount();
    const rows = await statusJson();
    expect(gh.state.graphqlCount() - before).toBe(1);
    const by = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(by["fe-1"]).toMatchObject({ status: "ci_failed", statusReason: "CI failing: lint, e2e", ciStatus: "failure", prNumber: prs.failing });
    expect(by["fe-2"]).toMatchObject({ status: "changes_requested", statusReason: "changes requested by @bob · 2 unresolved threads", reviewDecision: "changes_requested", pendingThreads: 2 });
    expect(by["fe-3"]).toMatchObject({ status: "mergeable", statusReason: "approved · checks green · mergeable", ciStatus: "success", reviewDecision: "approved" });
    expect(by["fe-4"]).toMatchObject({ status: "review_pending", ciStatus: "pending", reviewDecision: "review_required" });
    expect(by["fe-5"]).toMatchObject({ status: "merged", statusReason: `PR #${prs.merged} merged` });
    // No PR yet, and no agent ao can see (the seed names no tmux session): not said to work.
    expect(by["fe-6"]).toMatchObject({ status: "errored", statusCause: "unobservable", prNumber: null, ciStatus: "none", reviewDecision: "none" });
    expect(rows.every((r) => r.githubStale === false)).toBe(true);
  });

  it("shows the table's symbols", async () => {
    const r = await runAo(["status"], { env });
    expect(r.stdout).toMatch(new RegExp(`fe-1\\s+ci_failed\\s+feat/failing\\s+#${prs.failing}\\s+✗\\s+-\\s+0`));
    expect(r.stdout).toMatch(new RegExp(`fe-2\\s+changes_requested\\s+feat/changes\\s+#${prs.changes}\\s+✓\\s+✗\\s+2`));
    expect(r.stdout).toMatch(new RegExp(`fe-4\\s+review_pending\\s+feat/pending\\s+#${prs.pending}\\s+⋯\\s+△`));
    expect(r.stdout).toMatch(/5 active sessions across 1 project\n$/);
  });

  it("answers from a fresh shared snapshot without asking GitHub, and asks for a session it lacks", async () => {
    await statusJson();
    const before = gh.state.graphqlCount();
    const rows = await statusJson("--all");
    expect(gh.state.graphqlCount()).toBe(before);
    expect(rows.find((r) => r.name === "fe-1")).toMatchObject({ status: "ci_failed", githubStale: false });
    await seed("fe-10", { branch: "feat/brand-new" });
    await statusJson("--all");
    expect(gh.state.graphqlCount()).toBe(before + 1);
    await rm(path.join(root, "ao-home/sessions/ghws/fe-10"), { recursive: true });
  });

  it("keeps the last facts, marked stale, through an outage, and never calls it CI failing", async () => {
    await statusJson();
    gh.state.setCi(REPO, prs.pending, "failure", [{ name: "flaky", conclusion: "failure" }]);
    gh.state.failNext(1, 500);
    const rows = await statusJson();
    const fe4 = rows.find((r) => r.name === "fe-4")!;
    expect(fe4).toMatchObject({ status: "review_pending", ciStatus: "pending", githubStale: true });
    const human = await runAo(["status", "--refresh"], { env });
    expect(human.stdout).toMatch(/GitHub: stale \(data from \d+s ago; .*500/);
    // ls never asks GitHub, and still shows the last facts.
    const ls = JSON.parse((await runAo(["session", "ls", "--json"], { env })).stdout) as Row[];
    expect(ls.find((r) => r.name === "fe-1")).toMatchObject({ ciStatus: "failure", githubStale: true });
  });

  it("waits out a rate limit without asking again", async () => {
    const cache = path.join(root, "ao-home/cache/prs-ghws.json");
    await rm(cache, { force: true });
    gh.state.failNext(1, 429, { "retry-after": "120" });
    const first = await statusJson();
    expect(first.every((r) => r.githubStale === true)).toBe(true);
    const count = gh.state.graphqlCount();
    await statusJson();
    expect(gh.state.graphqlCount()).toBe(count);
    await rm(cache, { force: true });
  });
});

describe("ao session cleanup", () => {
  it("lists in a dry run exactly what the real run kills, and never kills unpushed work", async () => {
    // fe-7: merged, but its worktree holds a commit that is on no remote.
    const wt = path.join(root, "wt-fe-7");
    git(clone, "worktree", "add", "-q", "-b", "feat/merged-dirty", wt, "origin/main");
    await writeFile(path.join(wt, "x.txt"), "work\n");
    git(wt, "add", "x.txt");
    git(wt, "commit", "-q", "-m", "local only");
    prs.mergedDirty = gh.state.openPr({ repo: REPO, branch: "feat/merged-dirty" });
    gh.state.merge(REPO, prs.mergedDirty);
    await seed("fe-7", { branch: "feat/merged-dirty", worktree: wt });
    // fe-8: its issue was closed. fe-9: its tmux session died.
    gh.state.addIssue({ repo: REPO, number: 77, title: "Old", state: "closed" });
    await seed("fe-8", { branch: "feat/old", issueId: "77" });
    await seed("fe-9", { branch: "feat/dead", tmuxName: "ao-ghws-fe-9" });
    await runAo(["status"], { env });

    const dry = await runAo(["session", "cleanup", "--dry-run"], { env });
    expect(dry.stderr).toBe("");
    expect(dry.stdout).toBe(
      [
        "Checking for completed sessions...",
        `Would kill fe-5 (PR #${prs.merged} merged)`,
        "Would kill fe-8 (issue 77 closed)",
        "Would kill fe-9 (runtime dead)",
        `Would skip fe-7 (PR #${prs.mergedDirty} merged; unpushed work: 1 unpushed commit)`,
        "Dry run complete. 3 sessions would be cleaned.",
        "",
      ].join("\n"),
    );
    const real = await runAo(["session", "cleanup"], { env });
    expect(real.code).toBe(0);
    expect(real.stdout).toContain(`Killed fe-5 (PR #${prs.merged} merged)`);
    expect(real.stdout).toContain("Killed fe-8 (issue 77 closed)");
    expect(real.stdout).toContain("Killed fe-9 (runtime dead)");
    expect(real.stdout).toContain("Cleanup complete. 3 sessions cleaned.");
    expect(existsSync(wt)).toBe(true);
    const all = JSON.parse((await runAo(["session", "ls", "--all", "--json"], { env })).stdout) as Row[];
    const status = Object.fromEntries(all.map((r) => [r.name, r.status]));
    expect([status["fe-5"], status["fe-8"], status["fe-9"]]).toEqual(["killed", "killed", "killed"]);
    expect(status["fe-7"]).toBe("merged");
    const again = await runAo(["session", "cleanup", "--dry-run"], { env });
    expect(again.stdout).toContain("Dry run complete. 0 sessions would be cleaned.");
  });
});
