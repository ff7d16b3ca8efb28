import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAo } from "../helpers/ao.js";
import { makeWorkspace, type TestWorkspace } from "../helpers/workspace.js";

let ws: TestWorkspace;
beforeAll(async () => {
  ws = await makeWorkspace();
});
afterAll(() => ws.cleanup());

describe("ao session cleanup's plan", () => {
  it("lists sessions as ao session ls does: projects in config order, then ids in numeric order", async () => {
    // Spawns that failed (ao undid what they made): each is planned for cleanup, nothing to look at.
    const failed = { status: "errored", errorReason: "spawn failed: the agent exited at once", agent: "generic", createdAt: new Date().toISOString() };
    const ids = { frontend: ["fe-10", "fe-2", "fe-1", "fe-11", "fe-3"], backend: ["api-20", "api-3"] };
    for (const [projectId, list] of Object.entries(ids)) for (const id of list) await ws.seed(id, { projectId, ...failed });
    const r = await runAo(["session", "cleanup", "--dry-run", "--json"], { env: { ...ws.env, AO_TMUX_SOCKET: `ao-test-cleanup-${process.pid}` } });
    expect(r.code).toBe(0);
    const plan = (JSON.parse(r.stdout) as { plan: Array<{ id: string; action: string }> }).plan;
    expect(plan.map((p) => [p.id, p.action])).toEqual(["fe-1", "fe-2", "fe-3", "fe-10", "fe-11", "api-3", "api-20"].map((id) => [id, "kill"]));
  });
});
