// Fault suite — class "Sessions on other hosts": a host whose tmux server died (a reboot), ao's
// shared ssh connection killed between commands, a root folder there that cannot be written, a
// host without tmux, hand-edited metadata of a remote session (`host=`, `worktree=`,
// `hostStateDir=`), and a host that freezes in the middle of a spawn. Real OpenSSH servers stand
// in for the hosts (test/helpers/sshd.mjs), and every case goes through the real `ao`.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, runAo, type StatusRow } from "../helpers/ao.js";
import { makeRepo } from "../helpers/git.js";
import { sshUnavailable, startSshHosts, type TestHost, type TestHosts } from "../helpers/sshd.mjs";
import { privateTmux, waitFor } from "../helpers/tmux.js";
import { start } from "./helpers.js";

const skip = sshUnavailable();
const SIM = path.join(ROOT, "demo/sim-agent.mjs");

type Row = StatusRow;

describe.skipIf(skip !== null)("remote sessions under faults [class: sessions on other hosts]", () => {
  let hosts: TestHosts;
  let root: string;
  let env: NodeJS.ProcessEnv;
  let tag: string;
  const tm = privateTmux();
  const h = (name: string): TestHost => hosts.hosts.find((x) => x.name === name)!;
  const aoHome = () => path.join(root, "ao-home");
  const sessionsDir = () => path.join(aoHome(), "sessions", "faultws");
  const status = async (): Promise<Row[]> => {
    const r = await runAo(["status", "--json"], { env });
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Row[];
  };
  const row = async (id: string) => (await status()).find((x) => x.name === id);
  const metaFile = (id: string) => path.join(sessionsDir(), id, "metadata");
  const meta = (id: string) => readFile(metaFile(id), "utf8");
  const field = async (id: string, key: string) => new RegExp(`^${key}=(.*)$`, "m").exec(await meta(id))?.[1];
  /** Edit one key of a record by hand, as a person (or anything) could. */
  const edit = async (id: string, key: string, value: string) => {
    const text = await meta(id);
    await writeFile(metaFile(id), new RegExp(`^${key}=`, "m").test(text) ? text.replace(new RegExp(`^${key}=.*$`, "m"), `${key}=${value}`) : `${text}${key}=${value}\n`);
  };
  const recorded = async () => (existsSync(sessionsDir()) ? (await readdir(sessionsDir())).sort() : []);
  const onHost = (host: string, p: string) => h(host).exec(`test -e '${p}'`).code === 0;
  const tmuxThere = (host: string, args: string) => h(host).exec(`tmux -L ${tm.socket} ${args}`);
  const hostRoot = (host: string) => `/tmp/aoh-${tag}-${host}`;
  const spawnOn = async (host: string, project = "frontend") => {
    const r = await runAo(["spawn", project, "--host", host], { env });
    expect(r.code, r.stderr).toBe(0);
    return r.stdout.trim();
  };

  beforeAll(async () => {
    hosts = await startSshHosts(["b1", "b2", "nt", "fz"]);
    root = await mkdtemp(path.join(tmpdir(), "ao-hostfaults-"));
    const { clone } = await makeRepo(hosts.shared);
    tag = Math.random().toString(36).slice(2, 8);
    // b2: a folder mounted read-only, and a file where a folder should be (each in b2's own /tmp).
    expect(h("b2").exec(`mkdir -p /tmp/ro-${tag} && mount -t tmpfs -o ro tmpfs /tmp/ro-${tag} && echo x > /tmp/file-${tag} && mkdir -p /tmp/aoh-${tag}-wf && echo x > /tmp/aoh-${tag}-wf/worktrees`).code).toBe(0);
    // nt: every program of /usr/bin but tmux, on the PATH its ssh commands get (bash reads
    // ~/.bashrc for a command run by sshd); its home is its own.
    const nt = h("nt").exec(
      // One ln for all (a thousand, one by one, took 20 s on a busy machine: past exec's deadline).
      "mkdir -p ~/bin && ln -s /usr/bin/* ~/bin/ && rm ~/bin/tmux && " +
        "printf 'PATH=$HOME/bin:/usr/sbin; export PATH\\n' > ~/.bashrc && cp ~/.bashrc ~/.profile",
    );
    expect(nt.code, nt.stderr).toBe(0);
    expect(h("nt").exec("command -v tmux").code).not.toBe(0);
    expect(h("nt").exec("command -v git").code).toBe(0);
    // fz: its first `git clone` says it started, then hangs without cloning (the host freezes meanwhile).
    const fz = h("fz").exec(
      `mkdir -p ~/wrap && printf '%s\\n' '#!/bin/sh' 'if [ "$1" = clone ] && [ ! -e ${hosts.shared}/clone-started ]; then touch ${hosts.shared}/clone-started; sleep 60; exit 1; fi' 'exec /usr/bin/git "$@"' > ~/wrap/git && chmod +x ~/wrap/git && ` +
        "printf 'PATH=$HOME/wrap:$PATH; export PATH\\n' > ~/.bashrc",
    );
    expect(fz.code, fz.stderr).toBe(0);
    expect(h("fz").exec("command -v git").stdout.trim()).toMatch(/wrap\/git$/);
    const agent = `AO_SIM_THINK_MS=200 ${process.execPath} ${SIM}`;
    // postCreate says it started (on the shared folder), then takes its time: the host freezes meanwhile.
    const slow = `touch ${hosts.shared}/post-create-started-$(basename "$PWD"); sleep 30`;
    const config = [
      "name: faultws",
      `runtime: { sshConfig: ${JSON.stringify(hosts.sshConfig)} }`,
      "hosts:",
      "  local: { maxSessions: 1 }",
      `  b1: { ssh: b1, maxSessions: 5, root: ${hostRoot("b1")} }`,
      `  b2: { ssh: b2, maxSessions: 5, root: ${hostRoot("b2")} }`,
      `  ro: { ssh: b2, root: /tmp/ro-${tag}/ao }`,
      `  file: { ssh: b2, root: /tmp/file-${tag}/ao }`,
      `  nt: { ssh: nt, maxSessions: 9, root: /tmp/aoh-${tag}-nt }`,
      `  wf: { ssh: b2, root: /tmp/aoh-${tag}-wf }`,
      `  rb: { ssh: b1, root: /tmp/aoh-${tag}-rb }`,
      `  fz: { ssh: fz, root: /tmp/aoh-${tag}-fz }`,
      `  room: { ssh: b2, maxSessions: 2, root: /tmp/aoh-${tag}-room }`,
      // b1's address under a user and name the ssh config does not know: its key is not trusted.
      `  kx: { ssh: "ao-stranger@127.0.0.1:${h("b1").port}", root: /tmp/aoh-${tag}-kx }`,
      "projects:",
      `  frontend: { repo: org/app, path: ${JSON.stringify(clone)}, sessionPrefix: fe, scm: none, agent: generic, agentCommand: ${JSON.stringify(agent)}, hosts: [local, b1, b2, ro, file, nt, wf, rb, fz] }`,
      `  pick: { repo: org/app, path: ${JSON.stringify(clone)}, sessionPrefix: pk, scm: none, agent: generic, agentCommand: ${JSON.stringify(agent)}, hosts: [nt, b1] }`,
      `  fill: { repo: org/app, path: ${JSON.stringify(clone)}, sessionPrefix: fl, scm: none, agent: generic, agentCommand: ${JSON.stringify(agent)}, hosts: [nt, room] }`,
      `  slow: { repo: org/app, path: ${JSON.stringify(clone)}, sessionPrefix: sl, scm: none, agent: generic, agentCommand: ${JSON.stringify(agent)}, postCreate: [${JSON.stringify(slow)}], hosts: [b2] }`,
      "",
    ].join("\n");
    const file = path.join(root, "agent-orchestrator.yaml");
    await writeFile(file, config);
    env = { PATH: process.env.PATH, HOME: path.join(root, "home"), AO_HOME: aoHome(), AO_CONFIG_PATH: file, AO_TMUX_SOCKET: tm.socket };
  }, 60_000);

  afterAll(async () => {
    for (const n of ["b1", "b2", "nt", "fz"]) {
      h(n)?.up();
      tmuxThere(n, "kill-server");
    }
    await runAo(["hosts", "--timeout", "3"], { env }).catch(() => undefined);
    hosts?.stop();
    tm.kill();
    await rm(root, { recursive: true, force: true });
  });

  it("a host that rebooted (its tmux server gone): runtime_lost, not unreachable, and restore brings it back there", async () => {
    const id = await spawnOn("b1");
    await waitFor(`${id} ready`, async () => (await row(id))?.activity === "ready", 30_000);
    expect(tmuxThere("b1", "kill-server").code).toBe(0);
    await waitFor(`${id} lost`, async () => (await row(id))?.statusCause === "runtime_lost", 20_000);
    expect(await meta(id)).not.toMatch(/host_unreachable/);
    const r = await runAo(["session", "restore", id], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(tmuxThere("b1", `has-session -t =ao-faultws-${id}`).code).toBe(0);
    await waitFor(`${id} back`, async () => (await row(id))?.activity === "ready", 30_000);
  }, 120_000);

  it("a host that rebooted with its /tmp wiped (ao's root there gone too): restore says what is gone, kill ends the record", async () => {
    const id = await spawnOn("rb");
    expect(tmuxThere("b1", `kill-session -t =ao-faultws-${id}`).code).toBe(0);
    expect(h("b1").exec(`rm -rf /tmp/aoh-${tag}-rb`).code).toBe(0);
    await waitFor(`${id} lost`, async () => (await row(id))?.statusCause === "runtime_lost", 20_000);
    const r = await runAo(["session", "restore", id], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is gone, so there is nothing to resume in\. Its branch ao\/fe-\d+ is gone too/);
    const kill = await runAo(["session", "kill", id], { env });
    expect(kill.code, kill.stderr).toBe(0);
    expect(await field(id, "status")).toBe("killed");
  }, 60_000);

  it("ao's shared ssh connection killed between commands (SIGKILL, or ssh -O exit): the next status just works", async () => {
    const id = (await status()).find((x) => x.host === "b1" && x.activity === "ready")?.name ?? (await spawnOn("b1"));
    await waitFor(`${id} ready`, async () => (await row(id))?.activity === "ready", 30_000);
    const control = ["-F", hosts.sshConfig, "-o", `ControlPath=${path.join(aoHome(), "ssh", "%C")}`];
    const check = () => spawnSync("ssh", [...control, "-O", "check", "b1"], { encoding: "utf8" });
    const master = /pid=(\d+)/.exec(check().stderr)?.[1];
    expect(master, check().stderr).toBeDefined();
    // Killed outright: its socket stays behind, stale.
    process.kill(Number(master), "SIGKILL");
    await waitFor("the master gone", () => check().status !== 0, 10_000);
    expect(await row(id)).toMatchObject({ host: "b1", activity: "ready" });
    expect(check().status).toBe(0);
    // Ended the polite way.
    expect(spawnSync("ssh", [...control, "-O", "exit", "b1"]).status).toBe(0);
    expect(await row(id)).toMatchObject({ host: "b1", activity: "ready" });
  }, 60_000);

  it("a root folder there that cannot be made (read-only, or a file in its way): spawn fails saying where and why, records nothing, leaves nothing", async () => {
    const before = await recorded();
    const ro = await runAo(["spawn", "frontend", "--host", "ro"], { env });
    expect(ro.code).toBe(1);
    expect(ro.stderr).toMatch(new RegExp(`ro.*/tmp/ro-${tag}/ao.*Read-only file system`));
    expect(ro.stderr).toMatch(/hosts\.ro\.root/);
    const file = await runAo(["spawn", "frontend", "--host", "file"], { env });
    expect(file.code).toBe(1);
    expect(file.stderr).toMatch(new RegExp(`/tmp/file-${tag}/ao on file .*Not a directory`));
    expect(file.stderr).toMatch(/hosts\.file\.root/);
    expect(await recorded()).toEqual(before);
    expect(h("b2").exec(`ls -A /tmp/ro-${tag}`).stdout).toBe("");
    expect(h("b2").exec(`cat /tmp/file-${tag}`).stdout).toBe("x\n");
  }, 60_000);

  it("a worktrees folder there that cannot be made: spawn fails after the record, which reads errored, and leaves no branch or state behind", async () => {
    const r = await runAo(["spawn", "frontend", "--host", "wf"], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Not a directory|File exists/);
    const id = /spawn of (fe-\d+) failed/.exec(r.stderr)?.[1];
    expect(id, r.stderr).toBeDefined();
    expect(await field(id!, "status")).toBe("errored");
    const wf = `/tmp/aoh-${tag}-wf`;
    expect(h("b2").exec(`cat ${wf}/worktrees`).stdout).toBe("x\n");
    expect(h("b2").exec(`git -C ${wf}/clones/faultws/frontend branch --list 'ao/*'`).stdout.trim()).toBe("");
    expect(h("b2").exec(`ls -A ${wf}/sessions/faultws/${id} 2>/dev/null`).stdout).toBe("");
    expect(onHost("b2", `${wf}/clones/faultws/frontend.partial`)).toBe(false);
  }, 60_000);

  it("a host without tmux: spawn fails saying tmux is missing there, the record errored, nothing left there; placement passes it by", async () => {
    const r = await runAo(["spawn", "frontend", "--host", "nt"], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/tmux is not installed on nt/);
    const id = /spawn of (fe-\d+) failed/.exec(r.stderr)?.[1];
    expect(id, r.stderr).toBeDefined();
    expect(await field(id!, "status")).toBe("errored");
    expect(h("nt").exec(`ls -A ${hostRoot("nt")}/worktrees/faultws`).stdout).toBe("");
    // Its record can be retired: no tmux there is no tmux session to end.
    const killed = await runAo(["session", "kill", id!], { env });
    expect(killed.code, killed.stderr).toBe(0);
    expect(await field(id!, "status")).toBe("killed");
    // Placement passes it by, though it has the most room, and says why.
    const placed = await runAo(["spawn", "pick"], { env });
    expect(placed.code, placed.stderr).toBe(0);
    expect(placed.stderr).toMatch(/on b1: b1 has the most room \(\d of 5 free\); nt has no tmux/);
    // The others' status is not held hostage by it.
    const rows = await status();
    expect(rows.find((x) => x.name === id)).toBeUndefined(); // killed above
    expect(rows.some((x) => x.host === "b1" && x.activity === "ready")).toBe(true);
  }, 60_000);

  it("host= naming a host not in the config: status says so, kill refuses saying what to do, nothing else is touched", async () => {
    const id = await spawnOn("b1");
    await waitFor(`${id} ready`, async () => (await row(id))?.activity === "ready", 30_000);
    await edit(id, "host", "nowhere");
    const r = await row(id);
    expect(r).toMatchObject({ status: "errored" });
    expect(r!.statusReason).toMatch(/host nowhere is not in the config/);
    const kill = await runAo(["session", "kill", id, "--force"], { env });
    expect(kill.code).toBe(1);
    expect(kill.stderr).toMatch(new RegExp(`${id} runs on host "nowhere", which is not in the config .*add it back under hosts:`));
    const restore = await runAo(["session", "restore", id], { env });
    expect(restore.code).toBe(1);
    expect(restore.stderr).toMatch(/add it back under hosts:/);
    // Cleanup still runs, and does not plan to end a session it cannot see.
    const plan = await runAo(["session", "cleanup", "--dry-run", "--json"], { env });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).not.toContain(`"${id}"`);
    expect(await field(id, "status")).not.toBe("killed");
    expect(onHost("b1", `${hostRoot("b1")}/worktrees/faultws/${id}`)).toBe(true);
    await edit(id, "host", "b1");
  }, 90_000);

  it("worktree= edited to the host's clone, or a person's folder there: kill --force never removes it", async () => {
    const id = await spawnOn("b1");
    const clone = `${hostRoot("b1")}/clones/faultws/frontend`;
    const own = await field(id, "worktree");
    const precious = `/tmp/precious-${tag}`;
    expect(h("b1").exec(`mkdir -p ${precious} && echo mine > ${precious}/notes`).code).toBe(0);
    // The last one as a kill cut short would leave it: the path where ao removes what is left outright.
    const edits: Array<Record<string, string>> = [
      { worktree: clone },
      { worktree: `${own}/../../../clones/faultws/frontend` },
      { worktree: precious, killRequestedAt: new Date().toISOString() },
    ];
    for (const e of edits) {
      for (const [k, v] of Object.entries(e)) await edit(id, k, v);
      const r = await runAo(["session", "kill", id, "--force"], { env });
      expect(r.code, `${JSON.stringify(e)} ${r.stderr} ${await meta(id)}`).toBe(0);
      expect(onHost("b1", `${clone}/.git`)).toBe(true);
      expect(h("b1").exec(`git -C '${clone}' status --short`).code).toBe(0);
      expect(h("b1").exec(`cat ${precious}/notes`).stdout).toBe("mine\n");
      await edit(id, "status", "working");
    }
    // Its own worktree was not the one recorded, so it stays too.
    expect(onHost("b1", `${own}/.git`)).toBe(true);
  }, 60_000);

  it("tmuxName= edited to another live session's: kill and send refuse, and the other agent lives on", async () => {
    const a = await spawnOn("b1");
    const b = await spawnOn("b1");
    await waitFor(`${b} ready`, async () => (await row(b))?.activity === "ready", 30_000);
    const own = await field(a, "tmuxName");
    await edit(a, "tmuxName", `ao-faultws-${b}`);
    for (const args of [["session", "kill", a, "--force"], ["send", a, "hello", "--no-wait"], ["session", "restore", a]]) {
      const r = await runAo(args, { env });
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`tmuxName=ao-faultws-${b} is not ao-faultws-${a}`));
    }
    expect(tmuxThere("b1", `has-session -t =ao-faultws-${b}`).code).toBe(0);
    expect(await field(b, "status")).not.toBe("killed");
    await edit(a, "tmuxName", own!);
    expect((await runAo(["session", "kill", a, "--force"], { env })).code).toBe(0);
    expect((await runAo(["session", "kill", b, "--force"], { env })).code).toBe(0);
  }, 90_000);

  it("a killed session's branch is continued on the host that has its commits, or refused elsewhere with the way there", async () => {
    const id = await spawnOn("b1");
    const branch = await field(id, "branch");
    h("b1").exec(`cd ${await field(id, "worktree")} && echo kept > kept.txt && git add kept.txt && git -c user.email=a@b -c user.name=a commit -qm kept`);
    expect((await runAo(["session", "kill", id, "--force"], { env })).code).toBe(0);
    const elsewhere = await runAo(["spawn", "frontend", "--branch", branch!, "--host", "b2"], { env });
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toContain(`holds the commits of ${id}, which ran on b1`);
    expect(elsewhere.stderr).toContain(`--host b1`);
    const there = await runAo(["spawn", "frontend", "--branch", branch!], { env });
    expect(there.code, there.stderr).toBe(0);
    const next = there.stdout.trim();
    expect(await field(next, "host")).toBe("b1");
    expect(h("b1").exec(`cat ${await field(next, "worktree")}/kept.txt`).stdout).toBe("kept\n");
  }, 60_000);

  it("spawns placed at the same time fill a host no further than its room: those past it give way, saying so", async () => {
    // "fill" runs on nt (no tmux: passed by) and room (2 places): every spawn is placed on room or nowhere.
    const all = await Promise.all(Array.from({ length: 4 }, () => runAo(["spawn", "fill"], { env })));
    const placed = all.filter((r) => r.code === 0);
    expect(placed.map((r) => r.stderr)).toHaveLength(2);
    for (const r of all.filter((x) => x.code !== 0)) expect(r.stderr).toMatch(/room filled up meanwhile|no host has room/);
    const room = (JSON.parse((await runAo(["hosts", "--json"], { env })).stdout) as Array<{ name: string; live: number; capacity: number }>).find((x) => x.name === "room")!;
    expect(room).toMatchObject({ live: 2, capacity: 2 });
    for (const r of placed) expect((await runAo(["session", "kill", r.stdout.trim(), "--force"], { env })).code).toBe(0);
  }, 120_000);

  it("hostStateDir= edited to another folder: restore writes nothing there", async () => {
    const id = await spawnOn("b1");
    await waitFor(`${id} ready`, async () => (await row(id))?.activity === "ready", 30_000);
    expect((await runAo(["session", "kill", id, "--keep-worktree"], { env })).code).toBe(0);
    const elsewhere = `/tmp/elsewhere-${tag}`;
    await edit(id, "hostStateDir", elsewhere);
    const r = await runAo(["session", "restore", id], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/hostStateDir/);
    expect(onHost("b1", elsewhere)).toBe(false);
  }, 60_000);

  it("a host that freezes while ao clones there: spawn ends saying so, records nothing, and the next spawn there works", async () => {
    const before = await recorded();
    const child = start(path.join(ROOT, "bin/ao.js"), ["spawn", "frontend", "--host", "fz"], env);
    let frozen = false;
    try {
      await waitFor("the clone to start on fz", () => existsSync(path.join(hosts.shared, "clone-started")), 60_000);
      h("fz").down();
      frozen = true;
      expect(await child.done, child.err()).toBe(1);
      expect(child.err()).toMatch(/fz did not answer/);
    } finally {
      if (frozen) h("fz").up();
      child.proc.kill();
    }
    expect(await recorded()).toEqual(before);
    // Nothing it half-made stands in the way: the clone is made afresh, and the session starts.
    const id = await spawnOn("fz");
    expect(onHost("fz", `/tmp/aoh-${tag}-fz/clones/faultws/frontend/.git`)).toBe(true);
    expect(onHost("fz", `/tmp/aoh-${tag}-fz/clones/faultws/frontend.partial`)).toBe(false);
    // The spawn finished: it started the agent (nothing has looked at it yet).
    expect(await field(id, "status")).toBe("spawning");
    expect(await field(id, "agentStartedAt")).toMatch(/^\d{4}-/);
  }, 120_000);

  it("a host that freezes during a spawn: spawn ends within its deadlines saying so, and the session reads errored", async () => {
    const child = start(path.join(ROOT, "bin/ao.js"), ["spawn", "slow", "--host", "b2"], env);
    let frozen = false;
    try {
      await waitFor("postCreate to start on b2", async () => (await readdir(hosts.shared)).some((f) => f.startsWith("post-create-started-")), 60_000);
      h("b2").down();
      frozen = true;
      const code = await child.done;
      expect(code, child.err()).toBe(1);
      expect(child.err()).toMatch(/b2 did not answer/);
    } finally {
      if (frozen) h("b2").up();
      child.proc.kill();
    }
    const id = /spawn of (sl-\d+) failed/.exec(child.err())?.[1];
    expect(id, child.err()).toBeDefined();
    expect(await field(id!, "status")).toBe("errored");
    const r = await row(id!);
    expect(r?.status).not.toBe("working");
    expect(r?.status).toBe("errored");
    // What could not be undone while b2 was frozen is named, and the kill it names removes it.
    expect(child.err()).toMatch(new RegExp(`once b2 answers, ao session kill ${id} removes it`));
    const worktree = `${hostRoot("b2")}/worktrees/faultws/${id}`;
    expect(onHost("b2", worktree)).toBe(true);
    const kill = await runAo(["session", "kill", id!, "--force"], { env });
    expect(kill.code, kill.stderr).toBe(0);
    expect(onHost("b2", worktree)).toBe(false);
  }, 120_000);

  it("a host whose key ssh does not trust: status names the key and the way out, not only 'unreachable'; nothing is recorded", async () => {
    const id = await spawnOn("b1");
    await waitFor(`${id} ready`, async () => (await row(id))?.activity === "ready", 30_000);
    await edit(id, "host", "kx");
    const before = await meta(id);
    const r = await row(id);
    expect(r).toMatchObject({ status: "errored", statusCause: "host_unreachable" });
    expect(r!.statusReason).toMatch(/^host kx unreachable since \d\d:\d\d: ssh does not trust kx's host key .*accept it once by hand: ssh /);
    expect(await meta(id)).toBe(before);
    await edit(id, "host", "b1");
  }, 60_000);
});
