import { afterEach, describe, expect, it } from "vitest";
import { requireBuild, runAo } from "../helpers/ao.js";
import { makeWorkspace, type TestWorkspace } from "../helpers/workspace.js";

let ws: TestWorkspace;
afterEach(async () => ws?.cleanup());

async function statuses(): Promise<Record<string, string>> {
  const rows = JSON.parse((await runAo(["session", "ls", "--all", "--json"], { env: ws.env })).stdout) as Array<{ name: string; status: string }>;
  return Object.fromEntries(rows.map((r) => [r.name, r.status]));
}

describe("ao session kill with several ids", () => {
  it("kills each one named, goes on past one it cannot kill, and exits with that one's code", async () => {
    requireBuild();
    ws = await makeWorkspace();
    for (const id of ["fe-1", "fe-2", "fe-3"]) await ws.seed(id, { projectId: "frontend", status: "working", createdAt: new Date().toISOString() });
    const r = await runAo(["session", "kill", "fe-1", "fe-99", "fe-3"], { env: ws.env });
    expect(r.stdout).toBe("✓ Session fe-1 killed.\n✓ Session fe-3 killed.\n");
    expect(r.stderr).toMatch(/^ao: no session "fe-99"/);
    expect(r.code).toBe(2);
    expect(await statuses()).toEqual({ "fe-1": "killed", "fe-2": "working", "fe-3": "killed" });
    const again = await runAo(["session", "kill", "fe-2", "fe-2"], { env: ws.env });
    expect(again).toMatchObject({ code: 0, stdout: "✓ Session fe-2 killed.\n" });
  });

  it("refuses an id that is not one before anything happens", async () => {
    ws = await makeWorkspace();
    await ws.seed("fe-1", { projectId: "frontend", status: "working" });
    const r = await runAo(["session", "kill", "fe-1", "../etc"], { env: ws.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"../etc" is not a session id');
    expect((await statuses())["fe-1"]).toBe("working");
  });
});
