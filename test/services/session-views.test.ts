import { writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import type { Host } from "../../src/plugins/host/types.js";
import type { PaneLook, RuntimePlugin, ScreenWant } from "../../src/plugins/types.js";
import { LOCAL_HOST } from "../../src/core/placement.js";
import { machine } from "../../src/services/machines.js";
import { useMachine } from "../helpers/machine.js";
import { readSessions } from "../../src/services/sessions.js";
import { waitFor } from "../helpers/tmux.js";
import { makeWorkspace, tmuxPerTest, type TestWorkspace } from "../helpers/workspace.js";

let ws: TestWorkspace | undefined;
const tm = tmuxPerTest(() => ws);

describe("the views of a dashboard that reads again and again", () => {
  it("share one record with the pane's last output folded in while neither moves, and follow a change", async () => {
    ws = await makeWorkspace("name: w\nprojects:\n  frontend: { repo: org/app, path: /tmp, sessionPrefix: fe, scm: none, agent: generic, agentCommand: sh }\n", "w");
    const created = new Date(Date.now() - 3600_000).toISOString();
    await ws.seed("fe-1", { projectId: "frontend", status: "working", agent: "generic", tmuxName: "ao-w-fe-1", createdAt: created });
    expect(tm.tmux("new-session", "-d", "-s", "ao-w-fe-1", "-x", "80", "-y", "10", "printf 'ready\\n> '; exec sleep 600").code).toBe(0);
    const activityAt = Number(tm.tmux("display-message", "-p", "-t", "=ao-w-fe-1:", "#{window_activity}").stdout.trim());
    const ctx = await createApp({ env: { ...ws.env, AO_TMUX_SOCKET: tm.socket } });
    const read = async () => (await readSessions(ctx, { all: true })).views[0]!;
    // What each refresh asks of the runtime: the same query object while the record stands.
    const asked: unknown[] = [];
    const facts = machine(ctx, LOCAL_HOST).facts;
    const gather = facts.gather.bind(facts);
    facts.gather = (queries, at) => (asked.push(queries[0]), gather(queries, at));

    // A process's first listing reads each record once; from the second on they are shared.
    await read();
    const a = await read();
    const b = await read();
    expect(a.meta.lastActivityAt).toBe(new Date(activityAt * 1000).toISOString());
    expect(b.meta).toBe(a.meta);
    expect(Object.isFrozen(a.meta)).toBe(true);
    expect(asked[2]).toBe(asked[1]);

    await ctx.store.update("fe-1", () => ({ summary: "fixing the login" }), "test");
    const c = await read();
    expect(c.meta).not.toBe(a.meta);
    expect(c.meta.summary).toBe("fixing the login");
    expect(c.meta.lastActivityAt).toBe(a.meta.lastActivityAt);
    expect(c.summary).toBe("fixing the login");
    expect(asked[3]).not.toBe(asked[2]);
    expect(asked[3]).toEqual(asked[2]);

    // New output on the pane (typed keys echo): the view says so at once.
    const moved = await waitFor("output in a later second", () => {
      tm.tmux("send-keys", "-t", "=ao-w-fe-1:", "x");
      const t = Number(tm.tmux("display-message", "-p", "-t", "=ao-w-fe-1:", "#{window_activity}").stdout.trim());
      return t > activityAt ? t : null;
    });
    const d = await read();
    expect(Date.parse(d.meta.lastActivityAt!)).toBeGreaterThanOrEqual(moved * 1000);
    expect(d.lastActivityAt).toBe(d.meta.lastActivityAt);
  });

  it("counts an agent quiet from the newer of its record and its pane: stuck only when both are old", async () => {
    ws = await makeWorkspace("name: w\nprojects:\n  frontend: { repo: org/app, path: /tmp, sessionPrefix: fe, scm: none, agent: generic, agentCommand: sh }\n", "w");
    const now = Date.now();
    // The pane printed last two hours ago, not at a prompt (the agent claims to work).
    const paneAt = Math.floor((now - 2 * 3600_000) / 1000);
    const panes = [{ name: "ao-w-fe-1", panePid: 1, dead: false, deadStatus: null, activityAt: paneAt }];
    const runtime = {
      name: "tmux",
      listPanes: async () => panes,
      async look(wants: readonly ScreenWant[]): Promise<PaneLook> {
        return { panes, screens: new Map(wants.map((w) => [w.name, { activityAt: paneAt, text: "building step 3 of 9\n" }])) };
      },
    } as unknown as RuntimePlugin;
    const status = async (lastActivityAt: string) => {
      await ws!.seed("fe-1", { projectId: "frontend", status: "working", agent: "generic", tmuxName: "ao-w-fe-1", createdAt: new Date(now - 3 * 3600_000).toISOString(), lastActivityAt });
      const ctx = await createApp({ env: ws!.env });
      useMachine(ctx, "local", { name: "local", remote: false, timeoutMs: 20_000 } as unknown as Host, runtime, "panes-w.json");
      return (await readSessions(ctx, { all: true })).views[0]!.statusCause;
    };
    // ao recorded a sign of life a minute ago (an agent event): not stuck, whatever the pane says.
    expect(await status(new Date(now - 60_000).toISOString())).not.toBe("stuck");
    // Both old: stuck.
    expect(await status(new Date(now - 3 * 3600_000).toISOString())).toBe("stuck");
  });
});

describe("a session whose project left the config", () => {
  it("is still listed, its view marked projectGone, under the project id its record names", async () => {
    const both = "name: w\nprojects:\n  frontend: { repo: org/app, path: /tmp, sessionPrefix: fe, scm: none, agent: generic, agentCommand: sh }\n  legacy: { repo: org/old, path: /tmp, sessionPrefix: old, scm: none, agent: generic, agentCommand: sh }\n";
    ws = await makeWorkspace(both, "w");
    const env = { ...ws.env, AO_TMUX_SOCKET: tm.socket };
    const createdAt = new Date().toISOString();
    await ws.seed("fe-1", { projectId: "frontend", status: "working", agent: "generic", createdAt });
    await ws.seed("old-1", { projectId: "legacy", status: "working", agent: "generic", createdAt });
    const views = async () => new Map((await readSessions(await createApp({ env }), { all: true })).views.map((v) => [v.id, v]));
    const before = await views();
    expect(before.get("old-1")).toMatchObject({ projectId: "legacy", projectName: "legacy" });
    expect(before.get("old-1")!.projectGone).toBeUndefined();

    // The project is taken out of the config: its session lists on, marked.
    await writeFile(ws.configFile, both.split("\n").filter((l) => !l.includes("legacy:")).join("\n"));
    const after = await views();
    expect(after.get("old-1")).toMatchObject({ projectId: "legacy", projectName: "legacy", projectGone: true });
    expect(after.get("fe-1")!.projectGone).toBeUndefined();
  });
});
