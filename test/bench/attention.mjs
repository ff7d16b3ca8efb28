// How fast a person learns an agent needs them, and what ao's hooks cost the agent.
//   1. bin/ao-hook.sh per event (what an agent waits for on each hook it runs).
//   2. The real Claude Code (offline, scripted endpoint) raising a permission prompt: time from its
//      PermissionRequest event to the needs-input notification of `ao watch`, and to the row of
//      the dashboard's store turning needs_input.
//   3. The real Codex (read from its screen): time from the approval menu appearing on its pane
//      to the notification.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { median } from "./util.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)];
const fmt = (xs) => `median ${median(xs).toFixed(0)} ms, p95 ${p95(xs).toFixed(0)} ms (n=${xs.length})`;

async function waitFor(what, check, timeoutMs = 60_000, everyMs = 20) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`bench: timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

function git(cwd, ...args) {
  execFileSync("git", args, { cwd, stdio: "ignore", env: { ...process.env, GIT_AUTHOR_NAME: "b", GIT_AUTHOR_EMAIL: "b@b", GIT_COMMITTER_NAME: "b", GIT_COMMITTER_EMAIL: "b@b" } });
}

function hookCost(root) {
  const dir = mkdtempSync(path.join(tmpdir(), "ao-bench-hook-"));
  const payload = JSON.stringify({ session_id: "11111111-2222-4333-8444-555555555555", transcript_path: "/home/u/.claude/projects/x/y.jsonl", cwd: "/home/u/work", hook_event_name: "PreToolUse", tool_name: "Bash", tool_input: { command: "npm test", description: "Run the tests" }, tool_use_id: "toolu_1" });
  const times = [];
  for (let i = 0; i < 40; i++) {
    const t = process.hrtime.bigint();
    spawnSync("/bin/sh", [path.join(root, "bin/ao-hook.sh"), path.join(dir, "agent-events.jsonl"), "claude-code", "PreToolUse"], { input: payload });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  rmSync(dir, { recursive: true, force: true });
  console.log(`\nao's hook handler, per event (spawn to exit): ${fmt(times)}; a tool call runs 2 (PreToolUse, PostToolUse)`);
}

/** A timeout says what the agent showed, what its hooks reported and what the endpoint was asked. */
function explain(e, s, kind) {
  const read = (f) => { try { return readFileSync(f, "utf8"); } catch { return ""; } };
  const tail = (text, n) => text.split("\n").filter((l) => l.trim()).slice(-n).join("\n    ");
  const events = read(path.join(s.stateDir, "agent-events.jsonl")).trim().split("\n").filter(Boolean).map((l) => { try { return JSON.parse(l).event; } catch { return "?"; } });
  e.message += `\n  pane:\n    ${tail(s.tmux("capture-pane", "-p", "-t", `=${s.tmuxName}:`) ?? "", 14)}\n  agent events (last 8): ${events.slice(-8).join(", ")}\n  ${kind} endpoint (last 4):\n    ${tail(read(path.join(s.ws, `${kind}.log`)), 4)}`;
  return e;
}

function startEndpoint(root, kind, dir) {
  const child = spawn(process.execPath, [path.join(root, `test/fixtures/captures/tools/fake-${kind}.mjs`), "0", path.join(dir, `${kind}.log`)], { stdio: ["ignore", "pipe", "ignore"] });
  return new Promise((resolve) => child.stdout.once("data", (b) => resolve({ url: `http://127.0.0.1:${Number(String(b).trim())}`, stop: () => child.kill() })));
}

/** A workspace with one project on `agent`, an `ao watch` posting to a local webhook. */
async function setup(root, tag, agent) {
  const ws = mkdtempSync(path.join(tmpdir(), `ao-bench-${tag}-`));
  const clone = path.join(ws, "app");
  mkdirSync(clone);
  git(ws, "init", "-q", "--bare", "-b", "main", "origin.git");
  git(clone, "init", "-q", "-b", "main");
  writeFileSync(path.join(clone, "README.md"), "x\n");
  git(clone, "add", ".");
  git(clone, "commit", "-qm", "init");
  git(clone, "remote", "add", "origin", path.join(ws, "origin.git"));
  git(clone, "push", "-q", "-u", "origin", "main");
  const notes = [];
  const hook = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      notes.push({ at: Date.now(), ...JSON.parse(body) });
      res.end("ok");
    });
  });
  await new Promise((r) => hook.listen(0, "127.0.0.1", r));
  const name = `bench${tag}`;
  writeFileSync(path.join(ws, "ao.yaml"), `name: ${name}\nnotifiers:\n  - { type: webhook, url: "http://127.0.0.1:${hook.address().port}/" }\nprojects:\n  app: { repo: org/app, path: ${JSON.stringify(clone)}, sessionPrefix: app, agent: ${agent} }\n`);
  const socket = `ao-bench-${tag}-${process.pid}`;
  const env = { PATH: `${path.join(root, "node_modules/.bin")}:${process.env.PATH}`, HOME: path.join(ws, "home"), AO_HOME: path.join(ws, "ao-home"), AO_CONFIG_PATH: path.join(ws, "ao.yaml"), AO_TMUX_SOCKET: socket, TERM: "xterm-256color", LANG: "C.UTF-8" };
  mkdirSync(env.HOME);
  const tmux = (...a) => spawnSync("tmux", ["-L", socket, ...a], { encoding: "utf8" }).stdout;
  return {
    ws, env, notes, tmux, name,
    tmuxName: `ao-${name}-app-1`,
    stateDir: path.join(env.AO_HOME, "sessions", name, "app-1"),
    worktree: path.join(env.AO_HOME, "worktrees", name, "app-1"),
    close() {
      hook.close();
      spawnSync("tmux", ["-L", socket, "kill-server"]);
      rmSync(path.join(process.env.TMUX_TMPDIR || "/tmp", `tmux-${process.getuid()}`, socket), { force: true });
      // Codex leaves a background app-server: end the ones started for this workspace, by pid.
      for (const line of spawnSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" }).stdout.split("\n")) {
        const [pid, ...args] = line.trim().split(/\s+/);
        if (pid && args.join(" ").includes(ws)) try { process.kill(Number(pid), "SIGKILL"); } catch { /* gone */ }
      }
      rmSync(ws, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    },
  };
}

const ao = (root, env, ...args) => spawnSync(process.execPath, [path.join(root, "bin/ao.js"), ...args], { env, encoding: "utf8" });

async function claudeAttention(root, runs) {
  const s = await setup(root, "claude", "claude-code");
  const endpoint = await startEndpoint(root, "anthropic", s.ws);
  const key = "sk-bench-dummy-key-0000000000";
  Object.assign(s.env, { ANTHROPIC_BASE_URL: endpoint.url, ANTHROPIC_API_KEY: key, DISABLE_AUTOUPDATER: "1", CLAUDE_CODE_MAX_RETRIES: "0" });
  writeFileSync(path.join(s.env.HOME, ".claude.json"), JSON.stringify({ hasCompletedOnboarding: true, lastOnboardingVersion: "2.1.197", theme: "dark", numStartups: 1, customApiKeyResponses: { approved: [key.slice(-20)], rejected: [] }, projects: { [s.worktree]: { hasTrustDialogAccepted: true } } }));
  const watcher = spawn(process.execPath, [path.join(root, "bin/ao.js"), "watch", "--interval", "3600"], { env: s.env, stdio: "ignore" });
  // The dashboard's store, fed by the real services, as `ao ui` runs it.
  process.env.AO_HOME = s.env.AO_HOME;
  const { createApp } = await import(path.join(root, "dist/src/app.js"));
  const { dashboardDeps } = await import(path.join(root, "dist/src/commands/ui.js"));
  const { createDashboard } = await import(path.join(root, "dist/src/store/dashboard.js"));
  const ctx = await createApp({ env: s.env });
  const dash = createDashboard(dashboardDeps(ctx, async () => {}));
  let rowAt = null;
  dash.store.subscribe((st) => {
    const v = st.sessions.find((x) => x.id === "app-1");
    if (v?.statusCause === "permission" && rowAt === null) rowAt = Date.now();
  });
  dash.start({ localMs: 2000, githubMs: 3_600_000 });
  const toNote = [];
  const toRow = [];
  let repressed = 0;
  const screen = () => s.tmux("capture-pane", "-p", "-t", `=${s.tmuxName}:`);
  try {
    if (ao(root, s.env, "spawn", "app").status !== 0) throw new Error("bench: spawn failed");
    const events = () => readFileSync(path.join(s.stateDir, "agent-events.jsonl"), "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
    await waitFor("Claude Code at its prompt", () => events().some((e) => e.event === "SessionStart") && /\? for shortcuts/.test(s.tmux("capture-pane", "-p", "-t", `=${s.tmuxName}:`)), 90_000, 200);
    for (let i = 0; i < runs; i++) {
      const seen = events().length;
      rowAt = null;
      s.tmux("send-keys", "-t", `=${s.tmuxName}:`, "-l", `run bash please (${i})`);
      s.tmux("send-keys", "-t", `=${s.tmuxName}:`, "Enter");
      const asked = await waitFor("PermissionRequest", () => events().slice(seen).find((e) => e.event === "PermissionRequest"), 60_000);
      const note = await waitFor("the notification", () => s.notes.find((n) => n.at >= asked.t - 50 && n.body.includes("touch x.txt")), 60_000);
      await waitFor("the dashboard row", () => rowAt !== null, 60_000);
      toNote.push(note.at - asked.t);
      toRow.push(rowAt - asked.t);
      s.notes.length = 0;
      // The person approves at the pane, once the dialog is on screen: Claude Code runs the
      // PermissionRequest hook while it draws the dialog, ao can tell before the dialog takes keys,
      // and an Enter that lands in between is dropped (the turn never ends). Pressed again, and
      // counted, if the dialog is still up 1.5 s later with the tool not run.
      let pressedAt = 0;
      await waitFor("the permission dialog to take Enter", () => {
        const up = /Do you want to proceed\?/.test(screen());
        if (pressedAt && (!up || events().slice(seen).some((e) => e.event.startsWith("PostToolUse")))) return true;
        if (up && Date.now() - pressedAt >= 1500) {
          if (pressedAt) repressed++;
          s.tmux("send-keys", "-t", `=${s.tmuxName}:`, "Enter");
          pressedAt = Date.now();
        }
        return false;
      }, 60_000, 25);
      await waitFor("the turn to end", () => events().slice(seen).some((e) => e.event === "Stop"), 60_000);
      // The finished turn is recorded before the next prompt, as a person would take a moment.
      await waitFor("the finished turn recorded", () => /^statusCause=turn_finished$/m.test(readFileSync(path.join(s.stateDir, "metadata"), "utf8")), 60_000, 100);
    }
    console.log(`\nClaude Code permission prompt → needs-input notification (ao watch): ${fmt(toNote)}`);
    console.log(`Claude Code permission prompt → dashboard row needs_input (ao ui's store): ${fmt(toRow)}${repressed ? `; Enter pressed again ${repressed}× (the dialog had not taken it)` : ""}`);
  } catch (e) {
    throw explain(e, s, "anthropic");
  } finally {
    dash.stop();
    watcher.kill();
    endpoint.stop();
    s.close();
  }
}

async function codexAttention(root, runs) {
  const s = await setup(root, "codex", "codex");
  const endpoint = await startEndpoint(root, "openai", s.ws);
  mkdirSync(path.join(s.env.HOME, ".codex"));
  writeFileSync(path.join(s.env.HOME, ".codex", "config.toml"), `model = "fake-model"\nmodel_provider = "fake"\n\n[model_providers.fake]\nname = "Fake local"\nbase_url = "${endpoint.url}/v1"\nwire_api = "responses"\n\n[projects."${s.worktree}"]\ntrust_level = "trusted"\n`);
  const watcher = spawn(process.execPath, [path.join(root, "bin/ao.js"), "watch", "--interval", "3600"], { env: s.env, stdio: "ignore" });
  const times = [];
  try {
    if (ao(root, s.env, "spawn", "app").status !== 0) throw new Error("bench: spawn failed");
    const screen = () => s.tmux("capture-pane", "-p", "-t", `=${s.tmuxName}:`);
    await waitFor("Codex at its composer", () => /\? for shortcuts/.test(screen()), 120_000, 200);
    for (let i = 0; i < runs; i++) {
      s.notes.length = 0;
      s.tmux("send-keys", "-t", `=${s.tmuxName}:`, "-l", `run bash please (${i})`);
      // Codex takes keys that arrive together as a paste, Enter included: press it apart.
      await sleep(500);
      s.tmux("send-keys", "-t", `=${s.tmuxName}:`, "Enter");
      const shown = await waitFor("the approval menu", () => (/Would you like to run/.test(screen()) ? Date.now() : null), 60_000, 25);
      const note = await waitFor("the notification", () => s.notes.find((n) => n.at >= shown && !/finished its turn/.test(n.body)), 60_000);
      times.push(note.at - shown);
      s.tmux("send-keys", "-t", `=${s.tmuxName}:`, "Enter");
      await waitFor("the turn to end", () => !/Would you like to run/.test(screen()) && /\? for shortcuts/.test(screen()), 60_000, 100);
      await waitFor("the finished turn recorded", () => /^statusCause=turn_finished$/m.test(readFileSync(path.join(s.stateDir, "metadata"), "utf8")), 60_000, 100);
    }
    console.log(`Codex approval menu on screen → needs-input notification (ao watch, screen read): ${fmt(times)}`);
  } catch (e) {
    throw explain(e, s, "openai");
  } finally {
    watcher.kill();
    endpoint.stop();
    s.close();
  }
}

export async function benchAttention(root) {
  hookCost(root);
  const runs = Number(process.env.BENCH_ATTENTION_RUNS ?? 10);
  await claudeAttention(root, runs);
  await codexAttention(root, Math.max(3, Math.round(runs / 2)));
}
