// A record ao cannot look at (written by hand or damaged: it names no tmux session) is shown as
// such, never as "working", and never recorded: the record is left as it was, so once it names
// its tmux session again the facts decide.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { readSessions } from "../../src/services/sessions.js";
import { waitFor } from "../helpers/tmux.js";
import { makeWorkspace, tmuxPerTest, type TestWorkspace } from "../helpers/workspace.js";

let ws: TestWorkspace | undefined;
const tm = tmuxPerTest(() => ws);

describe("a record that names no tmux session", () => {
  it("is errored (unobservable), not working; nothing is recorded over it, and a mended record is read again", async () => {
    ws = await makeWorkspace("name: w\nprojects:\n  frontend: { repo: org/app, path: /tmp, sessionPrefix: fe, scm: none, agent: generic, agentCommand: sh }\n", "w");
    const created = new Date(Date.now() - 3600_000).toISOString();
    const dir = await ws.seed("fe-1", { projectId: "frontend", status: "working", agent: "generic", createdAt: created });
    await ws.seed("fe-2", { projectId: "frontend", status: "wroking", agent: "generic", createdAt: created });
    const before = await readFile(path.join(dir, "metadata"), "utf8");
    const ctx = await createApp({ env: { ...ws.env, AO_TMUX_SOCKET: tm.socket } });
    const views = async () => Object.fromEntries((await readSessions(ctx, { all: true, record: true })).views.map((v) => [v.id, v]));

    const seen = await views();
    expect(seen["fe-1"]).toMatchObject({ status: "errored", statusCause: "unobservable", statusReason: "ao cannot see this session: its record names no tmux session", activity: null });
    expect(seen["fe-2"]).toMatchObject({ status: "errored", statusCause: "unobservable", statusReason: "ao cannot see this session: its record names no tmux session (status=wroking is no status ao knows)" });
    // Said, not recorded: the record is byte for byte as written, and no event says otherwise.
    expect(await readFile(path.join(dir, "metadata"), "utf8")).toBe(before);
    expect(existsSync(path.join(dir, "events.jsonl"))).toBe(false);

    // Mended by hand to name its (live) tmux session: what the pane shows decides.
    expect(tm.tmux("new-session", "-d", "-s", "ao-w-fe-1", "-x", "80", "-y", "10", "printf 'working on it\\n'; exec sleep 600").code).toBe(0);
    await ws.seed("fe-1", { projectId: "frontend", status: "working", agent: "generic", createdAt: created, tmuxName: "ao-w-fe-1" });
    const mended = await waitFor("fe-1 seen at work", async () => {
      const v = (await views())["fe-1"]!;
      return v.activity === "active" ? v : null;
    });
    expect(mended).toMatchObject({ status: "working", statusCause: "working" });
  });
});
