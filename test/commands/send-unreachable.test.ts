import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAo } from "../helpers/ao.js";
import { makeWorkspace, type TestWorkspace } from "../helpers/workspace.js";

// A host whose ssh port refuses at once (nothing listens on port 9): real OpenSSH, no wait.
const CONFIG = `name: my-app
hosts:
  gone: { ssh: "nobody@127.0.0.1:9" }
projects:
  frontend: { repo: org/app, path: ~/code/app, sessionPrefix: fe, hosts: [gone] }
`;

let ws: TestWorkspace;
beforeAll(async () => {
  ws = await makeWorkspace(CONFIG);
  await ws.seed("fe-1", {
    projectId: "frontend",
    status: "working",
    host: "gone",
    tmuxName: "ao-my-app-fe-1",
    branch: "ao/fe-1",
    worktree: "/srv/ao-host/worktrees/my-app/fe-1",
    hostStateDir: "/srv/ao-host/sessions/my-app/fe-1",
    createdAt: new Date().toISOString(),
  });
});
afterAll(() => ws.cleanup());

describe("ao send --no-wait to a session on a host that does not answer", () => {
  it("fails with the host's error and claims nothing first", async () => {
    const r = await runAo(["send", "fe-1", "--no-wait", "hello"], { env: ws.env });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^ao: gone did not answer/);
    expect(r.stderr).not.toMatch(/Not waiting/);
  });
});
