// The real Claude Code on another host: ao wires its hooks there, they write the agent-event log
// there, and ao reads that log back over ssh with each look. The host's own login environment
// (its ~/.profile) carries the agent's endpoint and key, as a user's build machine would.
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shellQuote } from "../../src/core/shell.js";
import { runAo } from "../helpers/ao.js";
import { AGENT_BIN_DIR, agentInstalled, claudeEnv, startFakeEndpoint, type FakeEndpoint } from "../helpers/agents.js";
import { makeRepo } from "../helpers/git.js";
import { sshUnavailable, startSshHosts, type TestHosts } from "../helpers/sshd.mjs";
import { privateTmux, waitFor } from "../helpers/tmux.js";

const KEY = "sk-test-dummy-key-for-ao-tests";
const skip = sshUnavailable() ?? (agentInstalled("claude") ? null : "Claude Code is not installed (npm ci)");

interface Row {
  name: string;
  status: string;
  statusCause: string;
  activity: string | null;
  agent: { source: string; lastEvents: Array<{ event: string }> } | null;
}

describe.skipIf(skip !== null)("real Claude Code on an ssh host, reported through its hooks there", () => {
  let hosts: TestHosts;
  let root: string;
  let env: NodeJS.ProcessEnv;
  let endpoint: FakeEndpoint;
  const tm = privateTmux();
  const hostRoot = `/tmp/aoh-claude-${process.pid}`;
  const row = async (id: string): Promise<Row | undefined> => {
    const r = await runAo(["status", "--json"], { env });
    if (r.code !== 0) throw new Error(r.stderr);
    return (JSON.parse(r.stdout) as Row[]).find((x) => x.name === id);
  };

  beforeAll(async () => {
    hosts = await startSshHosts(["c1"]);
    root = await mkdtemp(path.join(tmpdir(), "ao-hosts-claude-"));
    const { clone } = await makeRepo(hosts.shared);
    endpoint = await startFakeEndpoint("anthropic", root);
    const h = hosts.hosts[0]!;
    // The host's own set-up, done once by its user: the agent on PATH, its endpoint and key in
    // the login profile, onboarding done and the worktree folder trusted. Only an isolated host
    // has a home of its own to write this into.
    if (h.isolated) {
      const profile = Object.entries({ ...claudeEnv(endpoint, KEY), PATH: `${AGENT_BIN_DIR}:${process.env.PATH}` }).map(([k, v]) => `export ${k}=${shellQuote(v ?? "")}`).join("\n");
      const worktree = `${hostRoot}/worktrees/claudews/fe-1`;
      const claudeJson = JSON.stringify({
        hasCompletedOnboarding: true,
        lastOnboardingVersion: "2.1.197",
        theme: "dark",
        numStartups: 1,
        customApiKeyResponses: { approved: [KEY.slice(-20)], rejected: [] },
        projects: { [worktree]: { hasTrustDialogAccepted: true } },
      });
      expect(h.exec(`cat > ~/.profile <<'EOF'\n${profile}\nEOF\ncat > ~/.claude.json <<'EOF'\n${claudeJson}\nEOF`).code).toBe(0);
    }
    const config = [
      "name: claudews",
      `runtime: { sshConfig: ${JSON.stringify(hosts.sshConfig)} }`,
      `hosts:\n  c1: { ssh: c1, root: ${hostRoot} }`,
      `projects:\n  frontend: { repo: org/app, path: ${JSON.stringify(clone)}, sessionPrefix: fe, scm: none, agent: claude-code, hosts: [c1] }`,
      "",
    ].join("\n");
    await writeFile(path.join(root, "agent-orchestrator.yaml"), config);
    env = { PATH: process.env.PATH, HOME: path.join(root, "home"), AO_HOME: path.join(root, "ao-home"), AO_CONFIG_PATH: path.join(root, "agent-orchestrator.yaml"), AO_TMUX_SOCKET: tm.socket };
  }, 60_000);

  afterAll(async () => {
    hosts?.hosts[0]?.exec(`tmux -L ${tm.socket} kill-server`);
    await runAo(["hosts"], { env }).catch(() => undefined);
    hosts?.stop();
    endpoint?.stop();
    tm.kill();
    await rm(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  });

  it("boots, finishes turns and works by its own account, from the event log on the host", async (t) => {
    if (!hosts.hosts[0]!.isolated) t.skip(); // the host's profile would be this machine's own home
    const spawned = await runAo(["spawn", "frontend"], { env });
    expect(spawned.code, spawned.stderr).toBe(0);
    expect(spawned.stdout.trim()).toBe("fe-1");
    const log = `${hostRoot}/sessions/claudews/fe-1/agent-events.jsonl`;
    // Ready: its SessionStart and first turn end came through the hooks, on the host.
    const ready = await waitFor("Claude Code at its prompt", async () => {
      const r = await row("fe-1");
      return r?.statusCause === "turn_finished" ? r : null;
    }, 90_000);
    expect(ready.agent?.source).toBe("event");
    expect(ready.agent?.lastEvents.map((e) => e.event)).toContain("SessionStart");
    expect(hosts.hosts[0]!.exec(`grep -c SessionStart ${log}`).stdout.trim()).toBe("1");
    // The log is there, not here: nothing of the session's state but its record is on this machine.
    expect(existsSync(path.join(root, "ao-home/sessions/claudews/fe-1/agent-events.jsonl"))).toBe(false);

    const sent = await runAo(["send", "fe-1", "please pause for a moment"], { env });
    expect(sent.code, sent.stderr).toBe(0);
    const working = await waitFor("working", async () => {
      const r = await row("fe-1");
      return r?.status === "working" ? r : null;
    }, 60_000);
    expect(working.agent?.lastEvents.at(-1)?.event).toBe("UserPromptSubmit");
    await waitFor("the turn to finish", async () => (await row("fe-1"))?.statusCause === "turn_finished", 90_000);

    const killed = await runAo(["session", "kill", "fe-1", "--force"], { env });
    expect(killed.code, killed.stderr).toBe(0);
  }, 300_000);
});
