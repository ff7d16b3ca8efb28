import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAo } from "../helpers/ao.js";
import { AGENT_BIN_DIR, startFakeEndpoint, type FakeEndpoint } from "../helpers/agents.js";
import { makeRepo } from "../helpers/git.js";
import { privateTmux, waitFor } from "../helpers/tmux.js";

/*
 * The real Codex 0.169.0, offline. Enter while Codex works steers its running turn (the message
 * joins the turn and changes it); Tab leaves it queued behind the turn. A send that does not wait
 * says the agent "may queue the message", so it must never steer.
 */
const tm = privateTmux();
let root: string;
let endpoint: FakeEndpoint | undefined;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "ao-codex-send-"));
}, 60_000);

afterAll(async () => {
  tm.kill();
  endpoint?.stop();
  // Codex leaves a background app-server running; end the ones started under this folder.
  for (const line of execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" }).split("\n")) {
    const [pid, ...args] = line.trim().split(/\s+/);
    if (pid && Number(pid) !== process.pid && args.join(" ").includes(root)) {
      try {
        process.kill(Number(pid), "SIGKILL");
      } catch {
        /* gone */
      }
    }
  }
  await rm(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
});

describe("ao send to a working Codex", () => {
  it("--no-wait leaves the message queued behind the running turn, not steering it", async () => {
    const { clone } = await makeRepo(root, "app");
    endpoint = await startFakeEndpoint("openai", root);
    const home = path.join(root, "home");
    const worktree = path.join(root, "ao-home", "worktrees", "cxsend", "app-1");
    await mkdir(path.join(home, ".codex"), { recursive: true });
    await writeFile(
      path.join(home, ".codex", "config.toml"),
      `model = "fake-model"\nmodel_provider = "fake"\n\n[model_providers.fake]\nname = "Fake local"\nbase_url = "${endpoint.url}/v1"\nwire_api = "responses"\n\n[projects."${worktree}"]\ntrust_level = "trusted"\n`,
    );
    const config = path.join(root, "agent-orchestrator.yaml");
    await writeFile(config, `name: cxsend\nprojects:\n  app: { repo: org/app, path: ${JSON.stringify(clone)}, sessionPrefix: app, agent: codex }\n`);
    const env: NodeJS.ProcessEnv = {
      PATH: `${AGENT_BIN_DIR}:${process.env.PATH}`,
      HOME: home,
      AO_HOME: path.join(root, "ao-home"),
      AO_CONFIG_PATH: config,
      AO_TMUX_SOCKET: tm.socket,
      TERM: "xterm-256color",
      LANG: "C.UTF-8",
    };
    const screen = () => tm.tmux("capture-pane", "-p", "-t", "=ao-cxsend-app-1:").stdout;

    // "slow": the scripted model streams its reply over ~40 s.
    const spawned = await runAo(["spawn", "app", "--prompt", "please go slow"], { env });
    expect(spawned.code, spawned.stderr).toBe(0);
    await waitFor("Codex at work on the slow turn", () => /esc to interrupt/.test(screen()), 120_000);

    const sent = await runAo(["send", "app-1", "--no-wait", "--json", "and then say hi"], { env });
    expect(sent.code, sent.stderr).toBe(0);
    expect(JSON.parse(sent.stdout)).toMatchObject({ outcome: "queued" });
    expect(screen()).toMatch(/Queued follow-up inputs/);
  }, 300_000);
});
