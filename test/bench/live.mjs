import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { benchEnv, killTmux } from "./util.mjs";

export const TOKEN = "ghp_benchToken0123456789abcdefghijkl";
const CI = ["success", "failure", "pending", "success"];

/**
 * A workspace of `n` live sessions as users have them: a tmux session each on a private server
 * (a still screen, as an agent at its prompt), metadata in AO_HOME, and a PR each on the fake
 * GitHub (in this process) in every state ao shows, across `projects` repositories.
 */
export async function liveWorkspace(root, n, projects = 5, { agent = "generic", pane = (id) => `printf 'agent ${id} at its prompt\\\\n> '; exec sleep 3600` } = {}) {
  const { startFakeGitHub } = await import(pathToFileURL(path.join(root, "dist/demo/fake-github.js")).href);
  const { SessionStore } = await import(pathToFileURL(path.join(root, "dist/src/metadata/store.js")).href);
  const gh = await startFakeGitHub({ token: TOKEN });
  const ws = mkdtempSync(path.join(tmpdir(), "ao-bench-live-"));
  const socket = `ao-bench-${process.pid}-${n}`;
  const names = Array.from({ length: projects }, (_, i) => `proj${i}`);
  // Each project a real repository, as users have them: the conflict radar reads its refs.
  const gitEnv = { ...process.env, GIT_AUTHOR_NAME: "b", GIT_AUTHOR_EMAIL: "b@example.com", GIT_COMMITTER_NAME: "b", GIT_COMMITTER_EMAIL: "b@example.com" };
  for (const p of names) {
    const repo = path.join(ws, "repos", p);
    mkdirSync(repo, { recursive: true });
    execFileSync("git", ["init", "-q", "-b", "main", repo], { env: gitEnv });
    execFileSync("git", ["-C", repo, "commit", "-q", "--allow-empty", "-m", "init"], { env: gitEnv });
  }
  const config = [
    "name: live",
    `github: { baseUrl: ${gh.baseUrl} }`,
    // The dashboard's reactions would message every agent whose CI fails: real work, but not
    // the idle dashboard this bench measures.
    "reactions:",
    ...["ci-failed", "changes-requested", "needs-input", "stuck", "approved-and-green", "merged"].map((r) => `  ${r}: { action: none }`),
    "projects:",
    ...names.map((p, i) => `  ${p}: { repo: org/${p}, path: ${path.join(ws, "repos", p)}, sessionPrefix: p${i}, agent: ${agent}, agentCommand: sh }`),
  ];
  writeFileSync(path.join(ws, "agent-orchestrator.yaml"), `${config.join("\n")}\n`);
  const script = [];
  /** Each session as it was made: its id, repository and branch. */
  const sessions = [];
  const store = new SessionStore(path.join(ws, "ao-home"), "live");
  // Agents that have run for a while: an age in seconds would change the screen every refresh.
  const created = new Date(Date.now() - 2 * 3600_000).toISOString();
  for (let i = 0; i < n; i++) {
    const p = i % projects;
    const id = `p${p}-${Math.floor(i / projects) + 1}`;
    const repo = `org/${names[p]}`;
    const branch = `ao/${id}-some-issue-title`;
    const number = gh.state.openPr({ repo, branch });
    const ci = CI[i % CI.length];
    gh.state.setCi(repo, number, ci, ci === "failure" ? [{ name: "test" }] : []);
    if (i % 3 === 0) gh.state.requestChanges(repo, number, { reviewer: "rev", threads: [{ path: "a.ts", line: 1, body: "x" }] });
    const meta = { projectId: names[p], status: "spawning", agent, tmuxName: `ao-live-${id}`, branch, createdAt: created, ...(i % 2 ? { pr: `https://github.com/${repo}/pull/${number}` } : {}) };
    // Made by this checkout's own store, as `ao spawn` makes a record (created, then marked
    // working when the agent runs): with its event log and its record lock as spawn leaves them,
    // a first status pays for what a user's pays, not for making 500 logs and lock folders.
    const made = await store.create(`p${p}`, meta, "spawn");
    if (made !== id) throw new Error(`bench: made ${made}, expected ${id}`);
    await store.update(id, () => ({ status: "working" }), "spawn", "spawned");
    script.push(`new-session -d -s ao-live-${id} -x 120 -y 40 "${pane(id)}"`);
    sessions.push({ id, repo, branch });
  }
  // One tmux process for all: 500 new-session calls one by one would take longer than the bench.
  // (source-file starts no server: the first session does, in the same invocation.)
  execFileSync("tmux", ["-L", socket, "new-session", "-d", "-s", "ao-bench-keep", "sleep", "3600", ";", "source-file", "-"], { input: `${script.join("\n")}\n` });
  const env = benchEnv({
    HOME: path.join(ws, "home"),
    AO_HOME: path.join(ws, "ao-home"),
    AO_CONFIG_PATH: path.join(ws, "agent-orchestrator.yaml"),
    AO_TMUX_SOCKET: socket,
    GITHUB_TOKEN: TOKEN,
  });
  return {
    env,
    socket,
    gh,
    ws,
    sessions,
    ids: sessions.map((s) => s.id),
    paneCache: path.join(ws, "ao-home/cache/panes-live.json"),
    prCache: path.join(ws, "ao-home/cache/prs-live.json"),
    async close() {
      killTmux(socket);
      await gh.close();
      rmSync(ws, { recursive: true, force: true });
    },
  };
}

/** Until every pane's last output is `ms` old: the screens count as still (and newly so). */
export function stillFor(ms) {
  return new Promise((r) => setTimeout(r, ms));
}
