import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HostUnreachableError } from "../../src/plugins/host/types.js";
import { SshHost } from "../../src/plugins/host/ssh.js";
import { run } from "../../src/exec.js";
import { agentPlugin } from "../../src/plugins/agent/index.js";
import { killTree, processesInEach } from "../../src/plugins/runtime/processes.js";
import { HostEventLogs, wireAgentHooks } from "../../src/services/agent-events.js";
import { agentPlace } from "../../src/plugins/host/files.js";
import { sshUnavailable, startSshHosts, type TestHosts } from "../helpers/sshd.mjs";
import { waitFor } from "../helpers/tmux.js";
import { createApp } from "../../src/app.js";
import { watchAttention } from "../../src/services/attention.js";
import { configWatcher } from "../../src/services/config-watch.js";
import { machine } from "../../src/services/machines.js";
import { ensureClone } from "../../src/services/placement.js";
import { makeRepo } from "../helpers/git.js";

const skip = sshUnavailable();

/** How many log follows (ao's `tail -F`) run there over files in `dir`. */
const tailsUnder = async (h: Pick<SshHost, "run">, dir: string) =>
  (await h.run("/bin/sh", ["-c", 'pgrep -f "tail -q -F -n 0 -- $1" || true', "sh", dir])).stdout.trim().split("\n").filter(Boolean).length;

/** An agent's event appended to a log there, as ao's hook handler appends it. */
const appendEvent = (h: Pick<SshHost, "run">, file: string, event = "Stop") =>
  h.run("/bin/sh", ["-c", 'printf \'%s\\n\' "$2" >> "$1"', "sh", file, JSON.stringify({ t: 1, event })]);

describe.skipIf(skip !== null)("ssh hosts (real OpenSSH servers on loopback)", () => {
  let env: TestHosts;
  let aoHome: string;
  const host = (name: string, timeoutMs?: number) =>
    new SshHost({ name, ssh: name, sshConfig: env.sshConfig, aoHome, ...(timeoutMs ? { timeoutMs } : {}) });

  beforeAll(async () => {
    env = await startSshHosts(["h1", "h2"]);
    aoHome = mkdtempSync(path.join(os.tmpdir(), "ao-home-"));
  }, 60_000);
  afterAll(async () => {
    for (const n of ["h1", "h2"]) await host(n).close();
    env?.stop();
    rmSync(aoHome, { recursive: true, force: true });
  });

  it("runs an argv there: every word arrives as written, with stdin, cwd and the exit code", async () => {
    const h = host("h1");
    const odd = ["it's", "a $HOME", "`x`", "semi;colon", "new\nline", "-n"];
    const r = await h.run("printf", ["%s|", ...odd]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(odd.map((w) => `${w}|`).join(""));
    expect((await h.run("cat", [], { input: "from stdin\n" })).stdout).toBe("from stdin\n");
    await h.run("mkdir", ["-p", "dir with 'quote'"], { cwd: "~" });
    expect((await h.run("pwd", [], { cwd: "~/dir with 'quote'" })).stdout.trim()).toMatch(/dir with 'quote'$/);
    expect((await h.run("sh", ["-c", "exit 7"])).exitCode).toBe(7);
  });

  it("reuses one connection per host: the control socket lives under AO_HOME and answers", async () => {
    const h = host("h2");
    await h.run("true", []);
    const check = await run("ssh", ["-F", env.sshConfig, "-o", `ControlPath=${path.join(aoHome, "ssh", "%C")}`, "-O", "check", "h2"]);
    expect(check.exitCode, check.stderr).toBe(0);
  });

  it("a host has its own filesystem: what ao writes there is not here", async () => {
    if (!env.hosts[0]!.isolated) return; // needs root and unshare; CI has both
    const h = host("h1");
    const probe = `/tmp/ao-only-on-h1-${process.pid}`;
    await h.run("touch", [probe]);
    expect((await h.run("test", ["-e", probe])).exitCode).toBe(0);
    expect(existsSync(probe)).toBe(false);
    expect((await host("h2").run("test", ["-e", probe])).exitCode).toBe(1);
  });

  it("a host that stops answering is an error within the deadline, and works again when it answers", async () => {
    const h = host("h2", 3000);
    await h.run("true", []);
    env.hosts[1]!.down();
    try {
      const err = await h.run("true", []).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HostUnreachableError);
      expect((err as Error).message).toMatch(/h2 did not answer/);
    } finally {
      env.hosts[1]!.up();
    }
    let ok = false;
    for (let i = 0; i < 20 && !ok; i++) ok = await h.run("true", []).then((r) => r.exitCode === 0, () => false);
    expect(ok).toBe(true);
  }, 60_000);

  it("never answers ssh's own prompts: an unknown host key fails with what to do", async () => {
    // An AO_HOME of its own: a shared connection to the same address would skip the key check.
    const home = mkdtempSync(path.join(os.tmpdir(), "ao-home-"));
    const h = new SshHost({ name: "stranger", ssh: `127.0.0.1:${env.hosts[0]!.port}`, aoHome: home });
    const err = await h.run("true", []).catch((e: unknown) => e);
    rmSync(home, { recursive: true, force: true });
    expect(err).toBeInstanceOf(HostUnreachableError);
    expect((err as Error).message).toMatch(/host key|could not log in/);
    expect((err as Error).message).toMatch(/ssh /);
  });

  it("finds the processes working inside folders there, and ends them there", async () => {
    const h = host("h1");
    const dir = `/tmp/ao-procs-${process.pid}`;
    await h.run("mkdir", ["-p", `${dir}/a/deep`, `${dir}/b`]);
    // Detached from the ssh session, as an agent under tmux is.
    await h.run("/bin/sh", ["-c", 'cd "$1/a/deep" && (setsid sleep 300 </dev/null >/dev/null 2>&1 &)', "sh", dir]);
    const found = await processesInEach([`${dir}/a`, `${dir}/b`, `${dir}/gone`], h);
    const inA = found.get(`${dir}/a`)!;
    expect(inA.map((p) => p.command)).toEqual(["sleep 300"]);
    expect(found.get(`${dir}/b`)).toEqual([]);
    expect(found.get(`${dir}/gone`)).toEqual([]);
    await killTree(inA.map((p) => p.pid), 2000, h);
    expect((await processesInEach([`${dir}/a`], h)).get(`${dir}/a`)).toEqual([]);
    await h.run("rm", ["-rf", dir]);
  });

  it("wires an agent's hooks there: the handler and settings are copied over, and its events are read back in one round trip", async () => {
    const h = host("h2");
    const root = `/tmp/ao-hooks-${process.pid}`;
    const stateDir = `${root}/sessions/ws/fe-1`;
    const script = `${root}/bin/ao-hook.sh`;
    const wiring = await wireAgentHooks(agentPlugin("claude-code")!, stateDir, { AO_SESSION: "fe-1" }, { host: h, hookScript: script });
    expect(wiring).toBeDefined();
    for (const f of wiring!.files) expect((await h.run("test", ["-f", f.path])).exitCode).toBe(0);
    expect((await h.run("stat", ["-c", "%a", stateDir])).stdout.trim()).toBe("700");
    // Run the hook the way the agent would, there.
    const hook = (event: string, json: string) => h.run("/bin/sh", [script, `${stateDir}/agent-events.jsonl`, "claude-code", event], { input: json });
    await hook("UserPromptSubmit", '{"prompt":"go"}');
    const logs = new HostEventLogs(h);
    const log = `${stateDir}/agent-events.jsonl`;
    const missing = `${stateDir}/none.jsonl`;
    let read = await logs.readMany([log, missing]);
    expect(read.get(log)!.map((e) => e.event)).toEqual(["UserPromptSubmit"]);
    expect(read.get(missing)).toEqual([]);
    await hook("Stop", '{"last_assistant_message":"done"}');
    read = await logs.readMany([log]);
    expect(read.get(log)!.map((e) => e.event)).toEqual(["UserPromptSubmit", "Stop"]);
    if (env.hosts[1]!.isolated) expect(existsSync(log)).toBe(false);
    await h.run("rm", ["-rf", root]);
  });

  it("builds Gemini's wiring on the system defaults of the host it runs on, found by the login environment there", async () => {
    // The host's login profile is written to: only where its home is its own (root and unshare; CI has both).
    if (!env.hosts[0]!.isolated) return;
    const h = host("h1");
    const root = `/tmp/ao-gemini-${process.pid}`;
    const stateDir = `${root}/sessions/ws/fe-1`;
    // A profile that talks, and points Gemini's system settings somewhere of its own.
    await h.run("/bin/sh", ["-c", `mkdir -p ${root}/etc && printf '%s\\n' 'echo welcome to h1' 'export GEMINI_CLI_SYSTEM_SETTINGS_PATH=${root}/etc/settings.json' > "$HOME/.profile"`]);
    const mine = { general: { vimMode: true }, hooks: { AfterTool: [{ hooks: [{ type: "command", command: "audit" }] }] } };
    await h.run("/bin/sh", ["-c", 'cat > "$1"', "sh", `${root}/etc/system-defaults.json`], { input: JSON.stringify(mine) });
    try {
      const place = agentPlace(h, { AO_SESSION: "fe-1" });
      expect(await place.facts(["GEMINI_CLI_SYSTEM_SETTINGS_PATH", "GEMINI_CLI_SYSTEM_DEFAULTS_PATH"])).toEqual({ platform: "linux", env: { GEMINI_CLI_SYSTEM_SETTINGS_PATH: `${root}/etc/settings.json` } });
      const wiring = await wireAgentHooks(agentPlugin("gemini")!, stateDir, { AO_SESSION: "fe-1" }, { host: h, hookScript: `${root}/bin/ao-hook.sh` });
      const file = wiring!.env.GEMINI_CLI_SYSTEM_DEFAULTS_PATH!;
      expect(file).toBe(`${stateDir}/gemini-system-defaults.json`);
      const written = JSON.parse((await h.run("cat", [file])).stdout) as { general: unknown; hooks: Record<string, Array<{ hooks: Array<{ command: string }> }>> };
      expect(written.general).toEqual({ vimMode: true });
      expect(written.hooks.AfterTool!.map((x) => x.hooks[0]!.command)).toEqual(["audit", expect.stringMatching(/ao-hook\.sh .* AfterTool$/)]);
    } finally {
      await h.run("/bin/sh", ["-c", `rm -rf ${root} "$HOME/.profile"`]);
    }
  });

  it("follows a host's agent-event logs: an append there is heard at once, the set moves with the reads, and stopping leaves no tail", async () => {
    const h = host("h1");
    const dir = `/tmp/ao-follow-${process.pid}`;
    const a = `${dir}/a.jsonl`;
    const b = `${dir}/b.jsonl`;
    await h.run("/bin/sh", ["-c", 'mkdir -p "$1" && : > "$2" && : > "$3"', "sh", dir, a, b]);
    const tails = () => tailsUnder(h, dir);
    const append = (file: string) => appendEvent(h, file);
    const logs = new HostEventLogs(h);
    let heard = 0;
    const unfollow = logs.followWith(() => heard++);
    try {
      await logs.readMany([a]);
      // Once it runs it says so: a look then reads what was appended while it started.
      await waitFor("the follow to run", () => heard === 1, 10_000);
      await append(a);
      await waitFor("the append to a", () => heard === 2, 10_000);
      expect(await tails()).toBe(1);
      // The same set read again changes nothing; a new one is followed by a new command, the old one ended.
      await logs.readMany([a]);
      await logs.readMany([b, a]);
      await waitFor("the new follow to run", () => heard === 3, 10_000);
      await append(b);
      await waitFor("the append to b", () => heard === 4, 10_000);
      await waitFor("one tail there", async () => (await tails()) === 1, 10_000);
      // A second listener shares the command, which runs on while either listens.
      let other = 0;
      const unfollowOther = logs.followWith(() => other++);
      await append(a);
      await waitFor("both to hear it", () => heard === 5 && other === 1, 10_000);
      unfollowOther();
      await append(a);
      await waitFor("the first to hear it alone", () => heard === 6, 10_000);
      expect([other, await tails()]).toEqual([1, 1]);
    } finally {
      unfollow();
    }
    await waitFor("no tail left there", async () => (await tails()) === 0, 10_000);
    await append(a);
    // Nothing more is heard once stopped (the append above was made after the follow ended).
    expect(heard).toBe(6);
    await h.run("rm", ["-rf", dir]);
  });

  it("ao's attention follows the logs of sessions on its hosts: an agent's event there wakes it at once", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "ao-attn-"));
    const file = path.join(dir, "agent-orchestrator.yaml");
    writeFileSync(file, `name: attn\nruntime: { sshConfig: ${JSON.stringify(env.sshConfig)} }\nhosts:\n  local: {}\n  h2: { ssh: h2 }\nprojects: {}\n`);
    const ctx = await createApp({ env: { PATH: process.env.PATH, HOME: dir, AO_HOME: path.join(dir, "home"), AO_CONFIG_PATH: file, AO_TMUX_SOCKET: `ao-attn-${process.pid}` } });
    const log = `/tmp/ao-attn-${process.pid}/agent-events.jsonl`;
    const h = machine(ctx, "h2").host;
    await h.run("/bin/sh", ["-c", 'mkdir -p "$(dirname "$1")" && : > "$1"', "sh", log]);
    const wakes: string[] = [];
    const attention = await watchAttention(ctx, (why) => wakes.push(why), { paneCheckMs: 60_000 });
    try {
      // A look reads the log (as a refresh does): from then on it is followed there.
      await machine(ctx, "h2").facts.events.readMany([log]);
      await waitFor("the follow to run", () => wakes.length === 1, 10_000);
      await appendEvent(h, log, "PermissionRequest");
      await waitFor("the event to wake it", () => wakes.length === 2, 10_000);
      expect(wakes).toEqual(["event", "event"]);
    } finally {
      attention.close();
      await h.run("rm", ["-rf", path.dirname(log)]);
      await (h as SshHost).close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("an edit to the config is followed without a restart: a host added is heard, a host changed is reached anew, a host removed is let go", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "ao-attn-"));
    const file = path.join(dir, "agent-orchestrator.yaml");
    const yaml = (hosts: string) => `name: attn3\nruntime: { sshConfig: ${JSON.stringify(env.sshConfig)} }\nhosts:\n  local: {}\n${hosts}projects: {}\n`;
    writeFileSync(file, yaml("  h1: { ssh: h1 }\n"));
    const ctx = await createApp({ env: { PATH: process.env.PATH, HOME: dir, AO_HOME: path.join(dir, "home"), AO_CONFIG_PATH: file, AO_TMUX_SOCKET: `ao-attn3-${process.pid}` } });
    const checkConfig = configWatcher(ctx);
    const logDir = `/tmp/ao-attn3-${process.pid}`;
    const log = `${logDir}/agent-events.jsonl`;
    const h = host("h2");
    await h.run("/bin/sh", ["-c", 'mkdir -p "$(dirname "$1")" && : > "$1"', "sh", log]);
    const tails = () => tailsUnder(h, logDir);
    const wakes: string[] = [];
    const attention = await watchAttention(ctx, (why) => wakes.push(why), { paneCheckMs: 60_000 });
    try {
      const h1 = machine(ctx, "h1");
      // h2 joins the config while ao runs.
      writeFileSync(file, yaml("  h1: { ssh: h1 }\n  h2: { ssh: h2 }\n"));
      expect((await checkConfig()).changed).toBe(true);
      await machine(ctx, "h2").facts.events.readMany([log]);
      await waitFor("the follow there to run", () => wakes.length === 1, 10_000);
      await appendEvent(h, log, "PermissionRequest");
      await waitFor("its event to wake ao", () => wakes.length === 2, 10_000);
      expect(machine(ctx, "h1")).toBe(h1);
      // h1's entry changes: what was made from the old one is not used again.
      writeFileSync(file, yaml("  h1: { ssh: h1, root: ~/.ao-elsewhere }\n  h2: { ssh: h2 }\n"));
      expect((await checkConfig()).changed).toBe(true);
      expect(machine(ctx, "h1")).not.toBe(h1);
      // h2 leaves the config: its follow ends there.
      writeFileSync(file, yaml("  h1: { ssh: h1 }\n"));
      expect((await checkConfig()).changed).toBe(true);
      await waitFor("no tail left on the host removed", async () => (await tails()) === 0, 10_000);
    } finally {
      attention.close();
      await h.run("rm", ["-rf", logDir]);
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("ao's attention lists a host's panes while ao's sessions run there: a screen-read agent's output there wakes it", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "ao-attn-"));
    const file = path.join(dir, "agent-orchestrator.yaml");
    const socket = `ao-attn2-${process.pid}`;
    writeFileSync(file, `name: attn2\nruntime: { sshConfig: ${JSON.stringify(env.sshConfig)} }\nhosts:\n  local: {}\n  h1: { ssh: h1 }\nprojects: {}\n`);
    const ctx = await createApp({ env: { PATH: process.env.PATH, HOME: dir, AO_HOME: path.join(dir, "home"), AO_CONFIG_PATH: file, AO_TMUX_SOCKET: socket } });
    const m = machine(ctx, "h1");
    const tmux = (...args: string[]) => m.host.run("tmux", ["-L", socket, ...args]);
    // An agent there that prints once the watch is on, after a pause.
    expect((await tmux("new-session", "-d", "-s", "ao-attn2-fe-1", "sh -c 'sleep 2; echo moved; exec sleep 600'")).exitCode).toBe(0);
    const wakes: string[] = [];
    const attention = await watchAttention(ctx, (why) => wakes.push(why), { paneCheckMs: 60_000, remotePaneCheckMs: 300 });
    try {
      // A look there (a refresh's) finds the session: from then on the host is listed on its own.
      expect((await m.runtime.listPanes()).map((p) => p.name)).toEqual(["ao-attn2-fe-1"]);
      await waitFor("its output to wake a look", () => wakes.includes("screen"), 15_000);
    } finally {
      attention.close();
      await tmux("kill-server");
      await (m.host as SshHost).close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("two ao's on two machines cloning a project on one host at once take turns there: one clone, both use it", async () => {
    const { clone } = await makeRepo(env.shared, `twin-${process.pid}`);
    const root = `/tmp/ao-twin-${process.pid}`;
    const dirs: string[] = [];
    // Two controllers: each its own AO_HOME (so its own local locks), one host folder between them.
    const ctxs = await Promise.all(
      [1, 2].map(async () => {
        const dir = mkdtempSync(path.join(os.tmpdir(), "ao-twin-"));
        dirs.push(dir);
        const file = path.join(dir, "agent-orchestrator.yaml");
        writeFileSync(file, `name: twin\nruntime: { sshConfig: ${JSON.stringify(env.sshConfig)} }\nhosts:\n  local: {}\n  h2: { ssh: h2, root: ${root} }\nprojects:\n  app: { repo: org/app, path: ${JSON.stringify(clone)}, sessionPrefix: ap, scm: none, hosts: [local, h2] }\n`);
        return createApp({ env: { PATH: process.env.PATH, HOME: dir, AO_HOME: path.join(dir, "home"), AO_CONFIG_PATH: file } });
      }),
    );
    const h = machine(ctxs[0]!, "h2").host;
    try {
      const repos = await Promise.all(ctxs.map((c) => ensureClone(c, machine(c, "h2"), c.config.projects[0]!)));
      expect(repos[0]).toBe(`${root}/clones/twin/app`);
      expect(repos[1]).toBe(repos[0]);
      expect((await h.run("git", ["-C", repos[0]!, "rev-parse", "--is-inside-work-tree"])).stdout.trim()).toBe("true");
      // Nothing nested in it, nothing left beside it: no partial clone, no lock.
      expect((await h.run("ls", ["-A", `${root}/clones/twin`])).stdout.trim()).toBe("app");
      expect((await h.run("ls", ["-A", repos[0]!])).stdout.trim().split("\n").sort()).toEqual([".git", ".gitignore", "README.md"]);
      // A lock left there by a clone that died is taken over once it is older than any clone takes.
      await h.run("rm", ["-rf", repos[0]!]);
      await h.run("/bin/sh", ["-c", 'mkdir "$1" && touch -d "30 minutes ago" "$1"', "sh", `${repos[0]}.lock`]);
      expect(await ensureClone(ctxs[0]!, machine(ctxs[0]!, "h2"), ctxs[0]!.config.projects[0]!)).toBe(repos[0]);
      expect((await h.run("ls", ["-A", `${root}/clones/twin`])).stdout.trim()).toBe("app");
      // A folder there that is not a clone is named, never cloned into.
      await h.run("/bin/sh", ["-c", 'rm -rf "$1" && mkdir "$1" && touch "$1/mine"', "sh", repos[0]!]);
      await expect(ensureClone(ctxs[1]!, machine(ctxs[1]!, "h2"), ctxs[1]!.config.projects[0]!)).rejects.toThrow(/is there but is not a git clone; move it away/);
      expect((await h.run("ls", ["-A", repos[0]!])).stdout.trim()).toBe("mine");
    } finally {
      await h.run("rm", ["-rf", root]).catch(() => undefined);
      for (const c of ctxs) await (machine(c, "h2").host as SshHost).close();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  }, 60_000);

  it("a project whose path here is gone is named before a clone of its origin there is tried", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "ao-gone-"));
    const gone = path.join(dir, "moved-away");
    const file = path.join(dir, "agent-orchestrator.yaml");
    writeFileSync(file, `name: gone\nruntime: { sshConfig: ${JSON.stringify(env.sshConfig)} }\nhosts:\n  h2: { ssh: h2, root: /tmp/ao-gone-${process.pid} }\nprojects:\n  app: { repo: org/app, path: ${JSON.stringify(gone)}, sessionPrefix: ap, scm: none, hosts: [h2] }\n`);
    const c = await createApp({ env: { PATH: process.env.PATH, HOME: dir, AO_HOME: path.join(dir, "home"), AO_CONFIG_PATH: file } });
    try {
      await expect(ensureClone(c, machine(c, "h2"), c.config.projects[0]!)).rejects.toThrow(`project app: its path ${gone} does not exist; set projects.app.path in the config to its clone`);
    } finally {
      await (machine(c, "h2").host as SshHost).close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("a log follow whose host stops answering ends by ssh's keep-alives, and starts again once it answers", async () => {
    const h = host("h1");
    const dir = `/tmp/ao-follow-down-${process.pid}`;
    const log = `${dir}/a.jsonl`;
    await h.run("/bin/sh", ["-c", 'mkdir -p "$1" && : > "$2"', "sh", dir, log]);
    const logs = new HostEventLogs(h);
    let heard = 0;
    const unfollow = logs.followWith(() => heard++);
    try {
      await logs.readMany([log]);
      await waitFor("the follow to run", () => heard === 1, 10_000);
      env.hosts[0]!.down();
      try {
        await waitFor("the follow to end with its connection", () => !logs.following(), 40_000);
      } finally {
        env.hosts[0]!.up();
      }
      // Started again (after a pause) without another read: it says so, and hears what comes.
      await waitFor("the follow to run again", () => heard === 2 && logs.following(), 40_000);
      await appendEvent(h, log);
      await waitFor("the append heard", () => heard === 3, 10_000);
    } finally {
      unfollow();
      await h.run("rm", ["-rf", dir]).catch(() => undefined);
    }
  }, 120_000);
});
