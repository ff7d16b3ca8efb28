import { readFileSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type AppContext } from "../../src/app.js";
import type { RunResult } from "../../src/exec.js";
import type { TmuxRuntime } from "../../src/plugins/runtime/tmux.js";
import { readSessions } from "../../src/services/sessions.js";
import { aheadAnswered } from "../helpers/counting-tmux.js";
import { privateTmux } from "../helpers/tmux.js";
import { ago, makeWorkspace, type TestWorkspace } from "../helpers/workspace.js";

const tm = privateTmux();
let ws: TestWorkspace;

beforeAll(async () => {
  ws = await makeWorkspace();
  for (const id of ["fe-1", "fe-2"]) {
    expect(tm.tmux("new-session", "-d", "-s", `ao-t-${id}`, "-x", "40", "-y", "4", "sh", "-c", `printf '${id}\\n'; exec sleep 600`).code).toBe(0);
    await ws.seed(id, { projectId: "frontend", status: "working", agent: "generic", tmuxName: `ao-t-${id}`, branch: `b-${id}`, createdAt: ago(60) });
  }
});
afterAll(async () => {
  tm.kill();
  await ws.cleanup();
});

/** The context's tmux, counting prepared looks and the processes started on demand. */
function counted(ctx: AppContext) {
  const rt = ctx.runtime as TmuxRuntime;
  const n = { prepared: 0, onDemand: 0 };
  const tmux = rt.tmux.bind(rt);
  rt.tmux = (args: string[], input?: string): Promise<RunResult> => (n.onDemand++, tmux(args, input));
  const prepare = rt.prepareLook.bind(rt);
  rt.prepareLook = (wants) => (n.prepared++, prepare(wants));
  return n;
}

/** The order in which the prepared process was made and the records were read. */
function ordered(ctx: AppContext): string[] {
  const rt = ctx.runtime as TmuxRuntime;
  const seen: string[] = [];
  const prepare = rt.prepareLook.bind(rt);
  rt.prepareLook = (wants) => prepare(wants).then(() => void seen.push(wants?.length ? "look started" : "tmux made"));
  const list = ctx.store.list.bind(ctx.store);
  ctx.store.list = () => (seen.push("records read"), list());
  return seen;
}

describe("the look of a listing starts before the records are read", () => {
  it("once a look has found panes here, the next listing's look runs in the tmux started ahead", async () => {
    const env = { ...ws.env, AO_TMUX_SOCKET: tm.socket };
    // A first listing knows of no panes yet: it starts its look when it gets to it.
    const first = await createApp({ env });
    const n1 = counted(first);
    const a = await readSessions(first);
    expect(n1).toEqual({ prepared: 0, onDemand: 1 });

    // The next process remembers them: its tmux was started ahead, and is the only one.
    const second = await createApp({ env });
    const n2 = counted(second);
    const b = await readSessions(second);
    expect(n2).toEqual({ prepared: 1, onDemand: 0 });
    expect(b.views.map((v) => [v.id, v.status, v.activity])).toEqual(a.views.map((v) => [v.id, v.status, v.activity]));
    expect(b.views.every((v) => v.activity !== null)).toBe(true);

    // A listing that does not look at tmux starts nothing.
    const third = await createApp({ env });
    const n3 = counted(third);
    await readSessions(third, { runtime: false });
    expect(n3).toEqual({ prepared: 0, onDemand: 0 });
  });

  it("the process is made before the records are read, which is synchronous and leaves nothing to overlap after it", async () => {
    const env = { ...ws.env, AO_TMUX_SOCKET: tm.socket };
    await readSessions(await createApp({ env }));
    const ctx = await createApp({ env });
    const seen = ordered(ctx);
    await readSessions(ctx);
    expect(seen).toEqual(["look started", "records read"]);
  });

  it("a session new since the last look has its screen read by name, in one more process; the rest came from the look ahead", async () => {
    const env = { ...ws.env, AO_TMUX_SOCKET: tm.socket };
    await readSessions(await createApp({ env }));
    expect(tm.tmux("new-session", "-d", "-s", "ao-t-fe-3", "-x", "40", "-y", "4", "sh", "-c", "printf 'fe-3\\n'; exec sleep 600").code).toBe(0);
    const dir = await ws.seed("fe-3", { projectId: "frontend", status: "working", agent: "generic", tmuxName: "ao-t-fe-3", branch: "b-fe-3", createdAt: ago(60) });
    try {
      const ctx = await createApp({ env });
      const n = counted(ctx);
      const { views } = await readSessions(ctx);
      expect(n).toEqual({ prepared: 1, onDemand: 1 });
      expect(views.find((v) => v.id === "fe-3")?.activity).not.toBeNull();
      // Now known: the next listing's look ahead asks for it too.
      const next = await createApp({ env });
      const m = counted(next);
      await readSessions(next);
      expect(m).toEqual({ prepared: 1, onDemand: 0 });
    } finally {
      tm.tmux("kill-session", "-t", "=ao-t-fe-3");
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a pane the look ahead lacks is asked again by a look started after the records: a session restored meanwhile is not taken for gone", async () => {
    const env = { ...ws.env, AO_TMUX_SOCKET: tm.socket };
    await readSessions(await createApp({ env }));
    const ctx = await createApp({ env });
    const n = counted(ctx);
    // The look starts ahead and has its answer; then a session is restored (its tmux, then its
    // record), all before this listing reads the records.
    await ctx.runtimeFacts.lookAhead(Date.now());
    await aheadAnswered(ctx.runtime);
    expect(tm.tmux("new-session", "-d", "-s", "ao-t-fe-4", "-x", "40", "-y", "4", "sh", "-c", "printf 'fe-4\\n'; exec sleep 600").code).toBe(0);
    const dir = await ws.seed("fe-4", { projectId: "frontend", status: "working", agent: "generic", tmuxName: "ao-t-fe-4", branch: "b-fe-4", createdAt: ago(60) });
    try {
      const { views } = await readSessions(ctx, { record: true });
      const v = views.find((x) => x.id === "fe-4")!;
      expect(v.statusCause).not.toBe("runtime_lost");
      expect(v.activity).not.toBeNull();
      // Asked again (a screen the look ahead read and marked may take one more, by name).
      expect(n.onDemand).toBeGreaterThanOrEqual(1);
      expect(readFileSync(path.join(dir, "metadata"), "utf8")).not.toContain("runtime_lost");
    } finally {
      tm.tmux("kill-session", "-t", "=ao-t-fe-4");
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a record written after the look ahead asked tmux is not overwritten by a status derived from that look", async () => {
    const env = { ...ws.env, AO_TMUX_SOCKET: tm.socket };
    await readSessions(await createApp({ env }));
    const ctx = await createApp({ env });
    await ctx.runtimeFacts.lookAhead(Date.now());
    await aheadAnswered(ctx.runtime);
    // Another ao process records a newer state meanwhile (from a look of its own, after this one's).
    const file = path.join(ws.aoHome, "sessions", ws.name, "fe-1", "metadata");
    const before = readFileSync(file, "utf8");
    const newer = before.replace(/^status=.*$/m, "status=needs_input").replace(/^statusCause=.*$/m, "");
    writeFileSync(file, newer);
    try {
      const { views } = await readSessions(ctx, { record: true });
      expect(views.find((v) => v.id === "fe-1")!.status).not.toBe("needs_input");
      expect(readFileSync(file, "utf8")).toBe(newer);
    } finally {
      writeFileSync(file, before);
    }
  });

  it("a process that lists again and again (the dashboard) looks ahead on its first listing only", async () => {
    const env = { ...ws.env, AO_TMUX_SOCKET: tm.socket };
    await readSessions(await createApp({ env }));
    const ctx = await createApp({ env });
    const rt = ctx.runtime as TmuxRuntime;
    const asked: number[] = [];
    const prepare = rt.prepareLook.bind(rt);
    rt.prepareLook = (wants) => (asked.push(wants?.length ?? 0), prepare(wants));
    await readSessions(ctx);
    await readSessions(ctx);
    expect(asked).toEqual([2, 0]);
  });

  it("once tmux has none of the workspace's panes, a listing starts no look ahead of need", async () => {
    const env = { ...ws.env, AO_TMUX_SOCKET: tm.socket };
    for (const id of ["fe-1", "fe-2"]) tm.tmux("kill-session", "-t", `=ao-t-${id}`);
    // The listing that finds them gone still had them in mind: it started one early. That one
    // found no server, which a process started after the records were read then confirmed.
    const before = await createApp({ env });
    const n1 = counted(before);
    const a = await readSessions(before);
    expect(n1).toEqual({ prepared: 1, onDemand: 1 });
    expect(a.views.map((v) => v.status)).not.toContain("working");
    // The next knows there are none: nothing is started early, the look runs when asked.
    const after = await createApp({ env });
    const n2 = counted(after);
    await readSessions(after);
    expect(n2).toEqual({ prepared: 0, onDemand: 1 });
  });
});
