import { execFileSync } from "node:child_process";
import { statSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, runAo } from "../helpers/ao.js";
import { AGENT_BIN_DIR, startFakeEndpoint, type FakeEndpoint } from "../helpers/agents.js";
import { makeRepo } from "../helpers/git.js";
import { privateTmux, waitFor } from "../helpers/tmux.js";

/**
 * Gemini CLI ignores a system settings file under any folder others may write to (such as
 * /tmp, where a checkout may live): there ao's hooks cannot reach it and the session is read from
 * the screen alone, which is what ao does then.
 */
function othersMayWrite(dir: string): boolean {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if ((statSync(d).mode & 0o002) !== 0) return true;
    if (path.dirname(d) === d) return false;
  }
}

/*
 * The real Codex 0.169.0 and Gemini CLI 0.61.0 (dev dependencies), offline: a booting agent is
 * spawning, and the sign-in, authentication and trust screens a new user meets need a person.
 */
const tm = privateTmux();
let root: string;
let secureRoot: string;
let clone: string;
const endpoints: FakeEndpoint[] = [];

interface Row {
  name: string;
  status: string;
  statusCause: string;
  statusReason: string;
  activity: string | null;
  agent: { source: string; sessionId: string | null; lastMessage: string | null } | null;
}

/** A workspace of one project on `agent`, with its own HOME and AO_HOME under `base`. */
async function workspace(base: string, name: string, agent: string, extraEnv: NodeJS.ProcessEnv = {}) {
  const dir = path.join(base, name);
  await mkdir(path.join(dir, "home"), { recursive: true });
  const config = path.join(dir, "agent-orchestrator.yaml");
  await writeFile(config, `name: ${name}\nprojects:\n  app: { repo: org/app, path: ${JSON.stringify(clone)}, sessionPrefix: app, agent: ${agent} }\n`);
  const env: NodeJS.ProcessEnv = {
    PATH: `${AGENT_BIN_DIR}:${process.env.PATH}`,
    HOME: path.join(dir, "home"),
    AO_HOME: path.join(dir, "ao-home"),
    AO_CONFIG_PATH: config,
    AO_TMUX_SOCKET: tm.socket,
    TERM: "xterm-256color",
    LANG: "C.UTF-8",
    ...extraEnv,
  };
  const tmuxName = `ao-${name}-app-1`;
  const row = async (): Promise<Row> => {
    const r = await runAo(["status", "--json"], { env });
    if (r.code !== 0) throw new Error(r.stderr);
    return (JSON.parse(r.stdout) as Row[]).find((x) => x.name === "app-1")!;
  };
  const screen = () => tm.tmux("capture-pane", "-p", "-t", `=${tmuxName}:`).stdout;
  return { dir, env, row, screen, tmuxName, worktree: path.join(dir, "ao-home", "worktrees", name, "app-1"), stateDir: path.join(dir, "ao-home", "sessions", name, "app-1") };
}

/**
 * Spawn, and watch the status from the moment the pane exists: whenever the screen was blank
 * just before ao looked, the session must be spawning, never working.
 */
async function spawnWatchingBoot(ws: Awaited<ReturnType<typeof workspace>>, prompt: string): Promise<string[]> {
  const seen: string[] = [];
  let done = false;
  const spawning = runAo(["spawn", "app", "--prompt", prompt], { env: ws.env }).finally(() => (done = true));
  while (!done || seen.length < 3) {
    const live = tm.tmux("has-session", "-t", `=${ws.tmuxName}`).code === 0;
    const blankBefore = ws.screen().trim() === "";
    const r = await ws.row().catch(() => null);
    const blank = live && blankBefore && ws.screen().trim() === "";
    if (r) {
      seen.push(`${blank ? "blank" : "drawn"}:${r.status}/${r.statusCause}`);
      if (blank) expect(r.status, seen.join(" ")).toBe("spawning");
    }
    if (seen.length > 40) break;
  }
  const r = await spawning;
  expect(r.code, r.stderr).toBe(0);
  return seen;
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "ao-agents-"));
  // Gemini CLI skips a system settings file under a folder others may write to (/tmp), so the
  // workspace whose hooks must run lives under the checkout instead.
  await mkdir(path.join(ROOT, ".test-tmp"), { recursive: true, mode: 0o700 });
  secureRoot = await mkdtemp(path.join(ROOT, ".test-tmp", "agents-"));
  clone = (await makeRepo(root, "app")).clone;
}, 60_000);

afterAll(async () => {
  tm.kill();
  for (const e of endpoints) e.stop();
  // Codex leaves a background app-server running; end the ones started under these folders, by pid.
  const ps = execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" });
  for (const line of ps.split("\n")) {
    const [pid, ...args] = line.trim().split(/\s+/);
    if (pid && Number(pid) !== process.pid && (args.join(" ").includes(root) || args.join(" ").includes(secureRoot))) {
      try {
        process.kill(Number(pid), "SIGKILL");
      } catch {
        /* gone */
      }
    }
  }
  await rm(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  await rm(secureRoot, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
});

describe("real Codex and Gemini CLI, offline", () => {
  it("Codex with no sign-in: spawning while blank, then needs_input naming the sign-in", async () => {
    const ws = await workspace(root, "cx-login", "codex");
    await spawnWatchingBoot(ws, "say hello");
    const r = await waitFor("the sign-in screen", async () => {
      const x = await ws.row();
      return x.statusCause === "sign_in" ? x : null;
    }, 120_000);
    expect(r).toMatchObject({ status: "needs_input", activity: "blocked" });
    expect(r.statusReason).toMatch(/^Codex needs you to sign in/);
    expect(ws.screen()).toMatch(/Sign in with ChatGPT/);
  }, 300_000);

  it("Codex in a folder it does not trust yet: needs_input for the trust question", async () => {
    const ws = await workspace(root, "cx-trust", "codex");
    await mkdir(path.join(ws.env.HOME!, ".codex"), { recursive: true });
    await writeFile(path.join(ws.env.HOME!, ".codex", "config.toml"), 'model = "fake-model"\nmodel_provider = "fake"\n\n[model_providers.fake]\nname = "Fake local"\nbase_url = "http://127.0.0.1:9/v1"\nwire_api = "responses"\n');
    await spawnWatchingBoot(ws, "say hello");
    const r = await waitFor("the trust question", async () => {
      const x = await ws.row();
      return x.activity === "waiting_input" ? x : null;
    }, 120_000);
    expect(r).toMatchObject({ status: "needs_input", statusCause: "question" });
    expect(r.statusReason).toMatch(/^Codex asks whether to trust this folder: /);
    expect(ws.screen()).toMatch(/Trust this folder|trust the contents/i);
  }, 300_000);

  it("Gemini CLI, new user: trust, then authentication, each needs_input with its reason", async () => {
    const ws = await workspace(root, "gm-login", "gemini");
    await spawnWatchingBoot(ws, "say hello");
    const trust = await waitFor("the folder trust dialog", async () => {
      const x = await ws.row();
      return x.activity === "waiting_input" ? x : null;
    }, 120_000);
    expect(trust).toMatchObject({ status: "needs_input", statusCause: "question" });
    expect(trust.statusReason).toMatch(/^Gemini CLI asks whether to trust this folder: Do you trust the files in this folder\?/);
    expect(ws.screen()).toMatch(/Do you trust the files in this folder/);
    // The person trusts the folder at the pane; Gemini restarts and asks how to sign in.
    tm.tmux("send-keys", "-t", `=${ws.tmuxName}:`, "Enter");
    const auth = await waitFor("the authentication picker", async () => {
      const x = await ws.row();
      return x.statusCause === "sign_in" ? x : null;
    }, 120_000);
    expect(auth).toMatchObject({ status: "needs_input", activity: "blocked" });
    expect(auth.statusReason).toMatch(/^Gemini CLI needs you to sign in/);
    expect(ws.screen()).toMatch(/How would you like to authenticate/);
  }, 300_000);

  it("Gemini CLI and Codex report their turns through ao's hooks and notify, with their conversation ids", async () => {
    const gm = await startFakeEndpoint("gemini", root);
    const oa = await startFakeEndpoint("openai", root);
    endpoints.push(gm, oa);
    const g = await workspace(secureRoot, "gm-hooks", "gemini", { GEMINI_API_KEY: "dummy-key", GOOGLE_GEMINI_BASE_URL: gm.url });
    await mkdir(path.join(g.env.HOME!, ".gemini"), { recursive: true });
    await writeFile(path.join(g.env.HOME!, ".gemini", "settings.json"), JSON.stringify({ security: { auth: { selectedType: "gemini-api-key" } } }));
    await writeFile(path.join(g.env.HOME!, ".gemini", "trustedFolders.json"), JSON.stringify({ [g.worktree]: "TRUST_FOLDER" }));
    const c = await workspace(root, "cx-hooks", "codex");
    await mkdir(path.join(c.env.HOME!, ".codex"), { recursive: true });
    await writeFile(
      path.join(c.env.HOME!, ".codex", "config.toml"),
      `model = "fake-model"\nmodel_provider = "fake"\n\n[model_providers.fake]\nname = "Fake local"\nbase_url = "${oa.url}/v1"\nwire_api = "responses"\n\n[projects."${c.worktree}"]\ntrust_level = "trusted"\n`,
    );
    for (const ws of [g, c]) expect((await runAo(["spawn", "app", "--prompt", "say hello"], { env: ws.env })).code).toBe(0);

    const hooksReachGemini = !othersMayWrite(g.stateDir);
    const gDone = await waitFor(`Gemini's finished turn, from its ${hooksReachGemini ? "events" : "screen"}`, async () => {
      const x = await g.row();
      return x.statusCause === "turn_finished" && x.agent?.source === (hooksReachGemini ? "event" : "screen") ? x : null;
    }, 120_000);
    const gMeta = await readFile(path.join(g.stateDir, "metadata"), "utf8");
    expect(gDone.agent?.sessionId).toBe(/^agentSessionId=(.+)$/m.exec(gMeta)?.[1]);
    if (hooksReachGemini) {
      const gEvents = await readFile(path.join(g.stateDir, "agent-events.jsonl"), "utf8");
      expect(gEvents).toMatch(/"event":"BeforeAgent"/);
      expect(gEvents).toMatch(/"event":"AfterAgent"/);
    }

    const cDone = await waitFor("Codex's finished turn, with its thread id recorded", async () => {
      const x = await c.row();
      const meta = await readFile(path.join(c.stateDir, "metadata"), "utf8");
      return x.statusCause === "turn_finished" && x.agent?.lastMessage && /^agentSessionId=/m.test(meta) ? x : null;
    }, 120_000);
    expect(cDone.agent?.lastMessage).toMatch(/scripted reply/);
    const thread = /^agentSessionId=(.+)$/m.exec(await readFile(path.join(c.stateDir, "metadata"), "utf8"))?.[1];
    expect(thread).toBe(cDone.agent?.sessionId);
    expect(await readFile(path.join(c.stateDir, "agent-events.jsonl"), "utf8")).toContain(`"thread-id":"${thread}"`);
  }, 300_000);

  it("Codex's turn that ends on a refused key is errored in its words, not a finished turn", async () => {
    const oa = await startFakeEndpoint("openai", root);
    endpoints.push(oa);
    const c = await workspace(root, "cx-401", "codex");
    await mkdir(path.join(c.env.HOME!, ".codex"), { recursive: true });
    await writeFile(
      path.join(c.env.HOME!, ".codex", "config.toml"),
      `model = "fake-model"\nmodel_provider = "fake"\n\n[model_providers.fake]\nname = "Fake local"\nbase_url = "${oa.url}/v1"\nwire_api = "responses"\n\n[projects."${c.worktree}"]\ntrust_level = "trusted"\n`,
    );
    expect((await runAo(["spawn", "app", "--prompt", "unauthorized please"], { env: c.env })).code).toBe(0);
    const seen: string[] = [];
    const failed = await waitFor("the failed turn, from the screen", async () => {
      const x = await c.row();
      if (seen.at(-1) !== x.statusCause) seen.push(x.statusCause);
      return x.statusCause === "agent_error" ? x : null;
    }, 180_000);
    expect(failed.status).toBe("errored");
    expect(failed.statusReason).toMatch(/^Codex: unexpected status 401 Unauthorized: Incorrect API key provided \(scripted\)/);
    // Never "finished its turn" on the way: the error line comes with the prompt's return.
    expect(seen).not.toContain("turn_finished");
    expect(c.screen()).toMatch(/^■ unexpected status 401/m);
  }, 300_000);
});
