// Sessions on other hosts, end to end through the real `ao`: two OpenSSH servers on this machine
// stand in for two hosts (each with its own /tmp and home when the test runs as root, so nothing
// ao leaves there is visible here), and git, tmux and the agent run on them over ssh.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AO_BIN, ROOT, runAo, type StatusRow } from "../helpers/ao.js";
import { git, makeRepo } from "../helpers/git.js";
import { sshUnavailable, startSshHosts, type TestHost, type TestHosts } from "../helpers/sshd.mjs";
import { privateTmux, waitFor } from "../helpers/tmux.js";
import { rowOf, uiDriver } from "../helpers/ui-driver.js";

const skip = sshUnavailable();
const SIM = path.join(ROOT, "demo/sim-agent.mjs");
/** A file no text decoder keeps intact: NUL, lone continuation bytes, an invalid lead, 0xff. */
const BLOB = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0xc3, 0x28, 0x0a, 0xe2, 0x82, 0x41, 0x1b, 0x5b, 0x32, 0x4a]);

type Row = StatusRow;

describe.skipIf(skip !== null)("sessions on other hosts over ssh", () => {
  let hosts: TestHosts;
  let root: string;
  let env: NodeJS.ProcessEnv;
  let hostRoot: Record<string, string>;
  let clone: string;
  const tm = privateTmux();
  const local = privateTmux();
  const h = (name: string): TestHost => hosts.hosts.find((x) => x.name === name)!;
  const status = async (): Promise<Row[]> => {
    const r = await runAo(["status", "--json"], { env });
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Row[];
  };
  const row = async (id: string) => (await status()).find((x) => x.name === id);
  const meta = async (id: string) => readFile(path.join(root, "ao-home", "sessions", "hostws", id, "metadata"), "utf8");
  /** Whether a path exists on the host (asked there, not here). */
  const onHost = (host: string, p: string) => h(host).exec(`test -e '${p}'`).code === 0;
  const tmuxThere = (host: string, args: string) => h(host).exec(`tmux -L ${tm.socket} ${args}`);

  beforeAll(async () => {
    hosts = await startSshHosts(["b1", "b2"]);
    root = await mkdtemp(path.join(tmpdir(), "ao-hosts-"));
    // The origin stands in for GitHub: every host reaches it. The local clone is this machine's.
    ({ clone } = await makeRepo(hosts.shared));
    // Untracked files the project copies into each worktree: bytes that are not UTF-8, and a script.
    await mkdir(path.join(clone, "tools"));
    await writeFile(path.join(clone, "tools", "blob.bin"), BLOB);
    await writeFile(path.join(clone, "tools", "run.sh"), "#!/bin/sh\necho ran\n", { mode: 0o755 });
    // Ignored, as such files are: an untracked file would be work a kill must ask about.
    await writeFile(path.join(clone, ".gitignore"), ".env\ntools/\n");
    git(clone, "commit", "-q", "-am", "ignore tools");
    git(clone, "push", "-q");
    const tag = Math.random().toString(36).slice(2, 8);
    // Under /tmp, which is each host's own when isolated; names of their own otherwise.
    hostRoot = { b1: `/tmp/aoh-${tag}-b1`, b2: `/tmp/aoh-${tag}-b2` };
    const agent = `AO_SIM_THINK_MS=200 AO_SIM_LOG=${hosts.shared}/sim-$AO_SESSION.log ${process.execPath} ${SIM}`;
    const config = [
      "name: hostws",
      `runtime: { sshConfig: ${JSON.stringify(hosts.sshConfig)} }`,
      "hosts:",
      "  local: { maxSessions: 1 }",
      `  b1: { ssh: b1, maxSessions: 2, root: ${hostRoot.b1} }`,
      `  b2: { ssh: b2, maxSessions: 3, root: ${hostRoot.b2} }`,
      "projects:",
      `  frontend: { repo: org/app, path: ${JSON.stringify(clone)}, sessionPrefix: fe, scm: none, copy: [.env, tools/blob.bin, tools/run.sh], agent: generic, agentCommand: ${JSON.stringify(agent)}, hosts: [local, b1, b2] }`,
      `  backend: { repo: org/api, path: ${JSON.stringify(clone)}, sessionPrefix: api, scm: none, agent: generic, agentCommand: sh }`,
      "",
    ].join("\n");
    const file = path.join(root, "agent-orchestrator.yaml");
    await writeFile(file, config);
    env = { PATH: process.env.PATH, HOME: path.join(root, "home"), AO_HOME: path.join(root, "ao-home"), AO_CONFIG_PATH: file, AO_TMUX_SOCKET: tm.socket };
  }, 60_000);

  afterAll(async () => {
    for (const n of ["b1", "b2"]) {
      h(n)?.up();
      tmuxThere(n, "kill-server");
    }
    // The shared connections end with their hosts.
    await runAo(["hosts"], { env }).catch(() => undefined);
    hosts?.stop();
    local.kill();
    tm.kill();
    await rm(root, { recursive: true, force: true });
  });

  it("refuses a host that is not in the config, or not one of the project's", async () => {
    const unknown = await runAo(["spawn", "frontend", "--host", "nope"], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown host "nope"; hosts: local, b1, b2/);
    const notIts = await runAo(["spawn", "backend", "--host", "b1"], { env });
    expect(notIts.code).toBe(2);
    expect(notIts.stderr).toMatch(/project backend does not run on b1; its hosts: local/);
    expect(existsSync(path.join(root, "ao-home", "sessions", "hostws"))).toBe(false);
  });

  it("spawns on the host asked for: its clone, worktree, tmux session and agent are there, the record here", async () => {
    const r = await runAo(["spawn", "frontend", "--host", "b1", "--prompt", "first task"], { env });
    expect(r.code, r.stderr).toBe(0);
    const id = r.stdout.trim();
    expect(id).toBe("fe-1");
    expect(r.stderr).toMatch(/cloning .* into b1:\/tmp\/aoh-\w+-b1\/clones\/hostws\/frontend/);
    const worktree = `${hostRoot.b1}/worktrees/hostws/fe-1`;
    expect(onHost("b1", `${worktree}/.git`)).toBe(true);
    // The untracked .env came from this machine's clone: ao's clone there has none.
    expect(h("b1").exec(`cat '${worktree}/.env'`).stdout).toBe("SECRET=local\n");
    // Byte for byte, and the script still runs.
    expect(h("b1").exec(`od -An -v -tx1 '${worktree}/tools/blob.bin' | tr -d ' \\n'`).stdout).toBe(BLOB.toString("hex"));
    expect(h("b1").exec(`'${worktree}/tools/run.sh'`).stdout).toBe("ran\n");
    expect(tmuxThere("b1", "has-session -t =ao-hostws-fe-1").code).toBe(0);
    if (h("b1").isolated) {
      expect(existsSync(worktree)).toBe(false);
      expect(onHost("b2", worktree)).toBe(false);
    }
    expect(await meta(id)).toMatch(/^host=b1$/m);
    // The agent runs there: it took the task and is at its prompt.
    await waitFor("fe-1 ready", async () => (await row("fe-1"))?.activity === "ready", 30_000);
    // Where it runs shows in the table and in the JSON.
    expect((await row("fe-1"))?.host).toBe("b1");
    expect((await runAo(["session", "ls"], { env })).stdout).toMatch(/^fe-1@b1 /m);
  }, 90_000);

  it("places a session on the project's host with the most room, and says why", async () => {
    const r = await runAo(["spawn", "frontend"], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe("fe-2");
    // local: 1 free of 1; b1: 1 of 2 (fe-1 runs there); b2: 3 of 3.
    expect(r.stderr).toMatch(/on b2: b2 has the most room \(3 of 3 free\)/);
    expect(await meta("fe-2")).toMatch(/^host=b2$/m);
    await waitFor("fe-2 ready", async () => (await row("fe-2"))?.activity === "ready", 30_000);
  }, 90_000);

  it("sends a message to a remote agent and confirms it arrived", async () => {
    const r = await runAo(["send", "fe-1", "please add tests; `x` $HOME", "--json"], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ outcome: "delivered" });
    const log = await waitFor("the agent's log", () => readFile(path.join(hosts.shared, "sim-fe-1.log"), "utf8").catch(() => ""));
    expect(log).toContain("please add tests; `x` $HOME");
  }, 60_000);

  it("attaches a terminal through ssh -t: the remote screen shows in a real pty, and detaching returns", async () => {
    const aoEnv = Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
    expect(local.tmux("new-session", "-d", "-x", "100", "-y", "30", "-s", "term", ...aoEnv, "--", process.execPath, AO_BIN, "attach", "fe-1").code).toBe(0);
    // The message sent above is on the agent's screen on b1, now on this terminal.
    await waitFor("the remote screen", () => local.tmux("capture-pane", "-p", "-t", "=term:").stdout.includes("please add tests"), 20_000);
    // Detach the remote tmux client (its prefix, then d): ssh ends, and so does `ao attach`.
    local.tmux("send-keys", "-t", "=term:", "C-b", "d");
    await waitFor("ao attach ended", () => local.tmux("has-session", "-t", "=term").code !== 0, 20_000);
    expect(tmuxThere("b1", "has-session -t =ao-hostws-fe-1").code).toBe(0);
  }, 60_000);

  it("kill checks for unpushed work on the host, refuses without --force, and removes it all with it", async () => {
    const worktree = `${hostRoot.b1}/worktrees/hostws/fe-1`;
    expect(h("b1").exec(`cd '${worktree}' && git -c user.name=t -c user.email=t@example.com commit -q --allow-empty -m 'work only on b1'`).code).toBe(0);
    const refused = await runAo(["session", "kill", "fe-1"], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/commits on no remote \(1\)[\s\S]*work only on b1/);
    expect(onHost("b1", worktree)).toBe(true);
    expect(tmuxThere("b1", "has-session -t =ao-hostws-fe-1").code).toBe(0);

    const forced = await runAo(["session", "kill", "fe-1", "--force"], { env });
    expect(forced.code, forced.stderr).toBe(0);
    expect(onHost("b1", worktree)).toBe(false);
    expect(tmuxThere("b1", "has-session -t =ao-hostws-fe-1").code).not.toBe(0);
    // The branch stays in the clone there, with its commit.
    expect(h("b1").exec(`git -C '${hostRoot.b1}/clones/hostws/frontend' log --format=%s -1 ao/fe-1`).stdout.trim()).toBe("work only on b1");
  }, 60_000);

  it("restores a remote session whose tmux is gone, there", async () => {
    const killed = await runAo(["session", "kill", "fe-2", "--keep-worktree"], { env });
    expect(killed.code, killed.stderr).toBe(0);
    expect(tmuxThere("b2", "has-session -t =ao-hostws-fe-2").code).not.toBe(0);
    const r = await runAo(["session", "restore", "fe-2"], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(tmuxThere("b2", "has-session -t =ao-hostws-fe-2").code).toBe(0);
    await waitFor("fe-2 back", async () => (await row("fe-2"))?.activity === "ready", 30_000);
  }, 60_000);

  it("a host that stops answering: its sessions are errored with since when, nothing recorded, and they recover", async () => {
    const before = await meta("fe-2");
    h("b2").down();
    try {
      const r = await row("fe-2");
      expect(r).toMatchObject({ status: "errored", statusCause: "host_unreachable" });
      expect(r!.statusReason).toMatch(/^host b2 unreachable since \d\d:\d\d$/);
      // Not killed, not marked errored on record.
      expect(await meta("fe-2")).toBe(before);
      // A kill needs the host (to check for work there first): it fails, saying so, and records nothing.
      const kill = await runAo(["session", "kill", "fe-2"], { env });
      expect(kill.code).toBe(1);
      expect(kill.stderr).toMatch(/b2 did not answer/);
      expect(await meta("fe-2")).toBe(before);
      // A new session skips the host that does not answer, and says so.
      const placed = await runAo(["spawn", "frontend"], { env });
      expect(placed.code, placed.stderr).toBe(0);
      expect(placed.stderr).toMatch(/on b1: b1 has the most room \(2 of 2 free\); b2 did not answer/);
      expect(await meta(placed.stdout.trim())).toMatch(/^host=b1$/m);
      const listed = await runAo(["hosts", "--json", "--timeout", "3"], { env });
      expect(listed.code).toBe(1);
      const b2 = (JSON.parse(listed.stdout) as Array<{ name: string; reachable: boolean; unreachableSince: string | null }>).find((x) => x.name === "b2");
      expect(b2).toMatchObject({ reachable: false });
      expect(b2!.unreachableSince).not.toBeNull();
    } finally {
      h("b2").up();
    }
    await waitFor("fe-2 answers again", async () => (await row("fe-2"))?.activity === "ready", 60_000);
    expect(await meta("fe-2")).not.toMatch(/^status=errored$/m);
  }, 180_000);

  it("cleanup ends a remote session whose tmux died, removing its worktree there", async () => {
    expect(tmuxThere("b2", "kill-session -t =ao-hostws-fe-2").code).toBe(0);
    await waitFor("fe-2 lost", async () => (await row("fe-2"))?.statusCause === "runtime_lost", 20_000);
    const r = await runAo(["session", "cleanup", "--json"], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.stringify(JSON.parse(r.stdout))).toContain("fe-2");
    expect(onHost("b2", `${hostRoot.b2}/worktrees/hostws/fe-2`)).toBe(false);
    expect(await meta("fe-2")).toMatch(/^status=killed$/m);
  }, 60_000);

  it("the dashboard names where a session runs and acts on it there: K checks the worktree on b1, then kills", async () => {
    const worktree = `${hostRoot.b1}/worktrees/hostws/fe-3`;
    expect(h("b1").exec(`cd '${worktree}' && git -c user.name=t -c user.email=t@example.com commit -q --allow-empty -m 'dash work on b1'`).code).toBe(0);
    const ui = uiDriver({ columns: 140, rows: 30 });
    const table = (x: string) => x.includes("AGENT ORCHESTRATOR") && !x.includes("Kill fe-");
    try {
      ui.start(env);
      await ui.see("fe-3 on b1", (x) => !!rowOf(x, "fe-3@b1"), 30_000);
      // fe-3 is the only live session: the cursor is on it.
      await ui.press("K", "the kill question with b1's unpushed commit", (x) => x.includes("Kill fe-3?") && x.includes("dash work on b1"), table);
      await ui.press("n", "the question to close", (x) => !x.includes("Kill fe-3?"));
      expect(onHost("b1", worktree)).toBe(true);
      expect(h("b1").exec(`cd '${worktree}' && git reset -q --hard HEAD~1`).code).toBe(0);
      await ui.press("K", "the kill question, nothing to lose", (x) => x.includes("Kill fe-3?") && x.includes("no uncommitted or unpushed work"), table);
      await ui.press("y", "fe-3 killed", (x) => x.includes("Session fe-3 killed"), (x) => x.includes("Kill fe-3?"));
      await waitFor("the worktree gone on b1", () => !onHost("b1", worktree), 20_000);
    } finally {
      ui.kill();
    }
  }, 120_000);

  it("ao hosts: each host's versions, sessions live of capacity, and last seen", async () => {
    const r = await runAo(["hosts", "--json"], { env });
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<{ name: string; reachable: boolean; tmux: string | null; git: string | null; live: number; capacity: number; lastSeen: string | null }>;
    expect(rows.map((x) => x.name)).toEqual(["local", "b1", "b2"]);
    for (const x of rows) {
      expect(x.reachable).toBe(true);
      expect(x.tmux).toMatch(/^\d/);
      expect(x.git).toMatch(/^\d/);
      expect(x.lastSeen).not.toBeNull();
    }
    expect(rows.find((x) => x.name === "b2")).toMatchObject({ live: 0, capacity: 3 });
  }, 60_000);

  it("the conflict radar checks sessions on one host against each other there, and names the files", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await runAo(["spawn", "frontend", "--host", "b2"], { env });
      expect(r.code, r.stderr).toBe(0);
      ids.push(r.stdout.trim());
    }
    for (const id of ids) await waitFor(`${id} ready`, async () => (await row(id))?.activity === "ready", 30_000);
    // The same file changed two ways, in two worktrees there: branches that this machine's clone does not have.
    for (const [i, id] of ids.entries()) {
      const wt = `${hostRoot.b2}/worktrees/hostws/${id}`;
      expect(h("b2").exec(`cd '${wt}' && echo 'side ${i}' > README.md && git -c user.name=t -c user.email=t@example.com commit -q -am 'readme ${i}'`).code).toBe(0);
    }
    const rows = (await status()) as Array<Row & { conflicts?: Array<{ with: string; kind: string; files: string[] }> }>;
    expect(rows.find((x) => x.name === ids[0])?.conflicts).toEqual([{ with: ids[1], kind: "session", files: ["README.md"], tip: expect.any(String) }]);
    expect(rows.find((x) => x.name === ids[1])?.conflicts).toEqual([{ with: ids[0], kind: "session", files: ["README.md"], tip: expect.any(String) }]);
    const killed = await runAo(["session", "kill", ...ids, "--force"], { env });
    expect(killed.code, killed.stderr).toBe(0);
  }, 120_000);

  it("the conflict radar checks sessions on different machines against each other here, fetching only objects into this clone", async () => {
    const ids: Record<string, string> = {};
    for (const host of ["local", "b1", "b2"]) {
      const r = await runAo(["spawn", "frontend", "--host", host], { env });
      expect(r.code, r.stderr).toBe(0);
      ids[host] = r.stdout.trim();
    }
    for (const id of Object.values(ids)) await waitFor(`${id} ready`, async () => (await row(id))?.activity === "ready", 30_000);
    const refsBefore = git(clone, "for-each-ref", "--format=%(refname)");
    // The same file changed three ways, on three machines: no clone has more than one of the branches.
    const commit = (i: number) => `echo 'machine ${i}' > README.md && git -c user.name=t -c user.email=t@example.com commit -q -am 'readme ${i}'`;
    expect(h("b1").exec(`cd '${hostRoot.b1}/worktrees/hostws/${ids.b1}' && ${commit(1)}`).code).toBe(0);
    expect(h("b2").exec(`cd '${hostRoot.b2}/worktrees/hostws/${ids.b2}' && ${commit(2)}`).code).toBe(0);
    const localTree = /^worktree=(.*)$/m.exec(await meta(ids.local!))![1]!;
    await writeFile(path.join(localTree, "README.md"), "machine 0\n");
    git(localTree, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-am", "readme 0");
    let rows = (await status()) as Array<Row & { conflicts?: Array<{ with: string; kind: string; files: string[] }> }>;
    const withOf = (id: string) => (rows.find((x) => x.name === id)?.conflicts ?? []).map((c) => `${c.with}:${c.kind}:${c.files.join(",")}`).sort();
    const [l, b1, b2] = [ids.local!, ids.b1!, ids.b2!];
    const found = () => [withOf(l), withOf(b1), withOf(b2)];
    const expected = [[`${b1}:session:README.md`, `${b2}:session:README.md`].sort(), [`${l}:session:README.md`, `${b2}:session:README.md`].sort(), [`${b1}:session:README.md`, `${l}:session:README.md`].sort()];
    expect(found()).toEqual(expected);
    // b2 stops answering: its pairs are not merged this time, and keep what was found, not "clean".
    h("b2").down();
    try {
      rows = (await status()) as typeof rows;
      expect(rows.find((x) => x.name === b2)).toMatchObject({ statusCause: "host_unreachable" });
      expect(found()).toEqual(expected);
    } finally {
      h("b2").up();
    }
    // Nothing named was added to this clone: no ref, and FETCH_HEAD (the base's fetch writes it) names no host.
    expect(git(clone, "for-each-ref", "--format=%(refname)")).toBe(refsBefore);
    const fetchHead = path.join(clone, ".git", "FETCH_HEAD");
    expect(existsSync(fetchHead) ? await readFile(fetchHead, "utf8") : "").not.toMatch(/ssh:|aoh-/);
    const killed = await runAo(["session", "kill", ...Object.values(ids), "--force"], { env });
    expect(killed.code, killed.stderr).toBe(0);
  }, 180_000);
});
