import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { makeRepo } from "../helpers/git.js";
import { requireBuild, runAo } from "../helpers/ao.js";
import { makeWorkspace, type TestWorkspace } from "../helpers/workspace.js";

let ws: TestWorkspace;
afterEach(async () => ws?.cleanup());

async function statuses(): Promise<Record<string, string>> {
  const rows = JSON.parse((await runAo(["session", "ls", "--all", "--json"], { env: ws.env })).stdout) as Array<{ name: string; status: string }>;
  return Object.fromEntries(rows.map((r) => [r.name, r.status]));
}

/** A session's record as written (the seeds name no tmux session: ao shows them as unobservable). */
const recorded = (id: string) => readFile(path.join(ws.aoHome, "sessions", ws.name, id, "metadata"), "utf8");

describe("ao session kill with several ids", () => {
  it("kills each one named, goes on past one it cannot kill, and exits with that one's code", async () => {
    requireBuild();
    ws = await makeWorkspace();
    for (const id of ["fe-1", "fe-2", "fe-3"]) await ws.seed(id, { projectId: "frontend", status: "working", createdAt: new Date().toISOString() });
    const r = await runAo(["session", "kill", "fe-1", "fe-99", "fe-3"], { env: ws.env });
    expect(r.stdout).toBe("✓ Session fe-1 killed.\n✓ Session fe-3 killed.\n");
    expect(r.stderr).toMatch(/^ao: no session "fe-99"/);
    expect(r.code).toBe(2);
    // fe-2, not named, is untouched: its record still says what it said.
    expect(await statuses()).toMatchObject({ "fe-1": "killed", "fe-3": "killed" });
    expect(await recorded("fe-2")).toMatch(/^status=working$/m);
    const again = await runAo(["session", "kill", "fe-2", "fe-2"], { env: ws.env });
    expect(again).toMatchObject({ code: 0, stdout: "✓ Session fe-2 killed.\n" });
  });

  it("a refusal among several keeps its lines: the files that would be lost are listed one a line", async () => {
    requireBuild();
    ws = await makeWorkspace();
    // A worktree where ao keeps its own (work elsewhere is not ao's to remove, and not asked about).
    const { clone } = await makeRepo(path.join(ws.root, "ao-home", "worktrees", "my-app"), "fe-1");
    await writeFile(path.join(clone, "a.txt"), "not committed\n");
    await ws.seed("fe-1", { projectId: "frontend", status: "working", createdAt: new Date().toISOString(), worktree: clone });
    await ws.seed("fe-2", { projectId: "frontend", status: "working", createdAt: new Date().toISOString() });
    const r = await runAo(["session", "kill", "fe-1", "fe-2"], { env: ws.env });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("✓ Session fe-2 killed.\n");
    expect(r.stderr).toMatch(/would be lost:\n {2}uncommitted changes \(1\):\n {4}\?\? a\.txt\n/);
  });

  it("refuses an id that is not one before anything happens", async () => {
    ws = await makeWorkspace();
    await ws.seed("fe-1", { projectId: "frontend", status: "working" });
    const r = await runAo(["session", "kill", "fe-1", "../etc"], { env: ws.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"../etc" is not a session id');
    expect(await recorded("fe-1")).toMatch(/^status=working$/m);
  });
});
