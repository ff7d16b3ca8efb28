import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import http from "node:http";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inert } from "../../src/core/sanitize.js";
import { serializeMetadata } from "../../src/core/metadata-format.js";
import { createDashboard, type DashboardDeps } from "../../src/store/dashboard.js";
import { AO_BIN, ROOT, requireBuild } from "../helpers/ao.js";
import { privateTmux, waitFor } from "../helpers/tmux.js";

/*
 * `ao watch` polls rarely (here: once an hour), yet a question an agent reports through its
 * hook reaches the person at once: the agent-event log is watched, not polled.
 */
const tm = privateTmux();
let root: string;
let hook: http.Server;
let watcher: ChildProcess | null = null;
const received: Array<{ title: string; body: string }> = [];
const HOOK = path.join(ROOT, "bin/ao-hook.sh");

beforeAll(async () => {
  requireBuild();
  hook = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      received.push(JSON.parse(body) as { title: string; body: string });
      res.end("ok");
    });
  });
  await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
  root = await mkdtemp(path.join(tmpdir(), "ao-attn-"));
});

afterAll(async () => {
  watcher?.kill("SIGTERM");
  tm.kill();
  await new Promise((r) => hook.close(r));
  await rm(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
});

describe("attention", () => {
  it("ao watch notifies a permission prompt from the agent's event log without waiting for its poll", async () => {
    const port = (hook.address() as AddressInfo).port;
    const config = path.join(root, "ao.yaml");
    await writeFile(config, `name: attn\nnotifiers:\n  - { type: webhook, url: "http://127.0.0.1:${port}/hook" }\nprojects:\n  frontend: { repo: org/app, path: ${JSON.stringify(root)}, sessionPrefix: fe, agent: claude-code }\n`);
    const env = { PATH: process.env.PATH, HOME: path.join(root, "home"), AO_HOME: path.join(root, "ao-home"), AO_CONFIG_PATH: config, AO_TMUX_SOCKET: tm.socket };
    // A session whose pane shows nothing (as Claude Code might mid-turn): only its events speak.
    const dir = path.join(root, "ao-home", "sessions", "attn", "fe-1");
    await mkdir(dir, { recursive: true });
    const now = new Date().toISOString();
    await writeFile(path.join(dir, "metadata"), serializeMetadata({ id: "fe-1", projectId: "frontend", status: "working", agent: "claude-code", tmuxName: "ao-attn-fe-1", createdAt: now, worktree: root }));
    const log = path.join(dir, "agent-events.jsonl");
    const report = (event: string, data: object) => spawnSync("/bin/sh", [HOOK, log, "claude-code", event], { input: JSON.stringify(data) });
    expect(tm.tmux("new-session", "-d", "-s", "ao-attn-fe-1", "cat").code).toBe(0);
    report("UserPromptSubmit", { session_id: "s-1", prompt: "run the tests" });
    report("PermissionRequest", { session_id: "s-1", tool_name: "Bash", tool_input: { command: "npm install" } });

    let stderr = "";
    watcher = spawn(process.execPath, [AO_BIN, "watch", "--interval", "3600"], { env, stdio: ["ignore", "pipe", "pipe"] });
    watcher.stderr!.on("data", (b: Buffer) => (stderr += b.toString()));
    // The first tick sees the first question: that proves ao watch is up and has looked once.
    await waitFor("the first tick's notification", () => received.find((n) => n.body.includes("npm install")), 60_000);
    // From here on its poll is an hour away: only the watched event log can bring news in time.
    report("PostToolUse", { session_id: "s-1", tool_name: "Bash" });
    const meta = () => spawnSync("cat", [path.join(dir, "metadata")], { encoding: "utf8" }).stdout;
    await waitFor("working again, recorded", () => /^status=working$/m.test(meta()), 30_000);
    report("PermissionRequest", { session_id: "s-1", tool_name: "Bash", tool_input: { command: "npm test" } });
    const note = await waitFor("the next needs-input notification", () => received.find((n) => n.body.includes("npm test")), 30_000);
    expect(note.body).toContain("Claude Code asked: Do you want to allow Bash `npm test`?");
    expect(stderr).not.toMatch(/error/i);
  }, 90_000);

  it("ao watch follows edits to the config without a restart: a broken edit is named and the config in use kept, a notifier added is used", async () => {
    const port = (hook.address() as AddressInfo).port;
    // A folder whose name holds an escape: the paths ao prints of it stay inert.
    const dir2 = path.join(root, "reload\u001b]0;PWN\u0007");
    const config = path.join(dir2, "ao.yaml");
    const yaml = (notifiers: string) => `name: reload\n${notifiers}projects:\n  frontend: { repo: org/app, path: ${JSON.stringify(root)}, sessionPrefix: rl, agent: claude-code }\n`;
    await mkdir(dir2, { recursive: true });
    await writeFile(config, yaml(""));
    const env = { PATH: process.env.PATH, HOME: path.join(dir2, "home"), AO_HOME: path.join(dir2, "ao-home"), AO_CONFIG_PATH: config, AO_TMUX_SOCKET: tm.socket };
    const dir = path.join(dir2, "ao-home", "sessions", "reload", "rl-1");
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, "metadata"), serializeMetadata({ id: "rl-1", projectId: "frontend", status: "working", agent: "claude-code", tmuxName: "ao-reload-rl-1", createdAt: new Date().toISOString(), worktree: root }));
    const log = path.join(dir, "agent-events.jsonl");
    const report = (event: string, data: object) => spawnSync("/bin/sh", [HOOK, log, "claude-code", event], { input: JSON.stringify(data) });
    expect(tm.tmux("new-session", "-d", "-s", "ao-reload-rl-1", "cat").code).toBe(0);
    report("UserPromptSubmit", { session_id: "s-2", prompt: "go" });

    let stderr = "";
    const w = spawn(process.execPath, [AO_BIN, "watch", "--interval", "0.3"], { env, stdio: ["ignore", "pipe", "pipe"] });
    w.stderr!.on("data", (b: Buffer) => (stderr += b.toString()));
    try {
      await waitFor("ao watch reacting", () => stderr.includes("Reacting for workspace reload"), 30_000);
      await writeFile(config, `${yaml("")}projects: [\n`);
      await waitFor("the broken edit named", () => stderr.includes(`Config not reloaded: ${inert(config)}`), 30_000);
      await writeFile(config, yaml(`notifiers:\n  - { type: webhook, url: "http://127.0.0.1:${port}/reload" }\n`));
      await waitFor("the fixed edit taken", () => stderr.includes(`Config reloaded from ${inert(config)}`), 30_000);
      report("PermissionRequest", { session_id: "s-2", tool_name: "Bash", tool_input: { command: "make reload" } });
      // The notifier exists only in the edited config.
      await waitFor("the notification through the new notifier", () => received.find((n) => n.body.includes("make reload")), 30_000);
      expect(stderr.match(/Config not reloaded/g)).toHaveLength(1);
      expect(stderr).not.toContain("\u001b");
      // A second ao watch stands by, and says so once, not at every poll.
      let second = "";
      const w2 = spawn(process.execPath, [AO_BIN, "watch", "--interval", "0.1"], { env, stdio: ["ignore", "pipe", "pipe"] });
      w2.stderr!.on("data", (b: Buffer) => (second += b.toString()));
      try {
        await waitFor("the second standing by", () => second.includes("standing by"), 30_000);
        await writeFile(config, `${yaml("")}# an edit, to see it poll again\n`);
        await waitFor("polls past the edit", () => second.includes("Config reloaded"), 30_000);
        expect(second.match(/standing by/g)).toHaveLength(1);
      } finally {
        w2.kill("SIGTERM");
      }
    } finally {
      w.kill("SIGTERM");
    }
  }, 90_000);

  it("the dashboard refreshes when a change is signalled, not only on its tick", async () => {
    let calls = 0;
    let signal: () => void = () => {};
    const deps = {
      workspace: "w",
      projects: [],
      listSessions: async () => (calls++, []),
      // GitHub never answers here, so only the tick and the signal refresh.
      refreshGitHub: () => new Promise(() => {}),
      now: () => Date.now(),
      watchChanges(onChange: () => void) {
        signal = onChange;
        return () => (signal = () => {});
      },
    } as unknown as DashboardDeps;
    const d = createDashboard(deps);
    d.start({ localMs: 3_600_000, githubMs: 3_600_000 });
    await waitFor("the first refresh", () => calls === 1);
    signal();
    await waitFor("a refresh on the signal", () => calls === 2);
    d.stop();
    signal();
    expect(calls).toBe(2);
  });
});
