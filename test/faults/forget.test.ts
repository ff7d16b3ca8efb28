// Fault suite — class "A session ao can no longer reach stays forever": a host decommissioned
// (gone from the config) or never answering (a closed port, a frozen host), and a project removed
// from the config, left sessions no kill could retire. `kill --forget` retires them and touches
// nothing; a session ao can still end, or sees running, is refused. Everything runs the real `ao`.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { dashboardDeps } from "../../src/commands/ui.js";
import { ownerLine } from "../../src/metadata/lock.js";
import { ROOT, runAo, type StatusRow } from "../helpers/ao.js";
import { git, makeRepo } from "../helpers/git.js";
import { sshUnavailable, startSshHosts, type TestHost, type TestHosts } from "../helpers/sshd.mjs";
import { privateTmux, waitFor } from "../helpers/tmux.js";
import { faultWorkspace, plantLock, seedPushedSession, type FaultWorkspace } from "./helpers.js";

/** A loopback port nothing listens on: ssh to it is refused at once, as with a host that is gone. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

interface Event {
  kind: string;
  after?: Record<string, string>;
}

/** Reading a workspace's records as a person would: the files, and `ao session ls --all --json`. */
function records(ws: { sessionsDir: string; env: NodeJS.ProcessEnv }) {
  const metaFile = (id: string) => path.join(ws.sessionsDir, id, "metadata");
  return {
    metaFile,
    meta: (id: string) => readFile(metaFile(id), "utf8"),
    field: async (id: string, key: string) => new RegExp(`^${key}=(.*)$`, "m").exec(await readFile(metaFile(id), "utf8"))?.[1],
    events: async (id: string): Promise<Event[]> =>
      existsSync(path.join(ws.sessionsDir, id, "events.jsonl"))
        ? (await readFile(path.join(ws.sessionsDir, id, "events.jsonl"), "utf8")).trim().split("\n").map((l) => JSON.parse(l) as Event)
        : [],
    listed: async (all: boolean): Promise<StatusRow[]> => {
      const r = await runAo(["session", "ls", "--json", ...(all ? ["--all"] : [])], { env: ws.env });
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as StatusRow[];
    },
  };
}

describe("kill --forget [class: a session ao can no longer reach stays forever]", () => {
  const tm = privateTmux();
  let ws: FaultWorkspace;
  let rec: ReturnType<typeof records>;
  let port: number;

  beforeAll(async () => {
    port = await closedPort();
    ws = await faultWorkspace("forgetws", { socket: tm.socket, extraConfig: `hosts:\n  dead: { ssh: "127.0.0.1:${port}" }\n` });
    rec = records(ws);
  });
  afterAll(async () => {
    tm.kill();
    if (ws) await rm(ws.root, { recursive: true, force: true });
  });

  /** A record of a session on `host` whose tmux and worktree ao made there (nothing of it is here). */
  const seedRemote = async (id: string, host: string) => {
    const dir = path.join(ws.sessionsDir, id);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, "metadata"), `id=${id}\nprojectId=frontend\nstatus=working\nhost=${host}\nbranch=ao/${id}\nworktree=/srv/ao/worktrees/forgetws/${id}\ntmuxName=ao-forgetws-${id}\n`);
  };

  it("a host that never answers (a closed port): kill fails naming --forget; --forget marks it killed, says what was left where, and is logged", async () => {
    await seedRemote("gone-1", "dead");
    const kill = await runAo(["session", "kill", "gone-1"], { env: ws.env });
    expect(kill.code).toBe(1);
    expect(kill.stderr).toMatch(/dead did not answer.*ao session kill gone-1 --forget/s);
    expect(await rec.field("gone-1", "status")).not.toBe("killed");

    const r = await runAo(["session", "kill", "gone-1", "--forget"], { env: ws.env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^✓ Session gone-1 marked killed: forgotten since dead did not answer/);
    expect(await rec.field("gone-1", "status")).toBe("killed");
    const reason = (await rec.field("gone-1", "killReason")) ?? "";
    expect(reason).toContain("nothing on host dead was touched");
    expect(reason).toContain("tmux session ao-forgetws-gone-1");
    expect(reason).toContain("/srv/ao/worktrees/forgetws/gone-1");
    expect(reason).toContain("once dead answers, ao session kill gone-1 removes them");
    const last = (await rec.events("gone-1")).at(-1)!;
    expect(last.kind).toBe("forgotten");
    expect(last.after).toMatchObject({ status: "killed", killReason: reason });
    // Gone from ls and status as any killed session is; with --all it says why.
    expect((await rec.listed(false)).map((x) => x.name)).not.toContain("gone-1");
    expect((await rec.listed(true)).find((x) => x.name === "gone-1")).toMatchObject({ status: "killed", statusCause: "killed", statusReason: `killed: ${reason}` });

    // Again: nothing changes, nothing is logged.
    const events = (await rec.events("gone-1")).length;
    const again = await runAo(["session", "kill", "gone-1", "--forget"], { env: ws.env });
    expect(again).toMatchObject({ code: 0, stdout: "✓ Session gone-1 was killed already; nothing changed.\n" });
    expect((await rec.events("gone-1")).length).toBe(events);
  }, 60_000);

  it("a host gone from the config: retired without asking anyone, its host and worktree named; --json has kill's result shape", async () => {
    await seedRemote("gone-2", "decommissioned");
    const kill = await runAo(["session", "kill", "gone-2"], { env: ws.env });
    expect(kill.code).toBe(1);
    expect(kill.stderr).toMatch(/runs on host "decommissioned", which is not in the config.*ao session kill gone-2 --forget/s);
    const r = await runAo(["session", "kill", "gone-2", "fe-999", "--forget", "--json"], { env: ws.env });
    expect(r.code).toBe(2); // fe-999 is no session: bad input, as kill says it
    const out = JSON.parse(r.stdout) as { killed: Array<Record<string, unknown>>; failed: Array<{ id: string; error: string }> };
    expect(out.killed).toEqual([
      {
        id: "gone-2",
        forgotten: true,
        host: "decommissioned",
        tmuxName: "ao-forgetws-gone-2",
        worktree: "/srv/ao/worktrees/forgetws/gone-2",
        reason: expect.stringMatching(/^forgotten since host "decommissioned" is not in the config; nothing on host decommissioned was touched: .*add decommissioned back under hosts:/) as unknown,
      },
    ]);
    expect(out.failed).toEqual([{ id: "fe-999", error: expect.stringMatching(/^no session "fe-999"/) as unknown }]);
    expect(await rec.field("gone-2", "status")).toBe("killed");
  }, 60_000);

  it("a session on this machine whose project ao still has is refused: a kill ends it, and nothing is written", async () => {
    const { id, worktree } = await seedPushedSession(ws);
    const before = await rec.meta(id);
    const r = await runAo(["session", "kill", id, "--forget"], { env: ws.env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${id} runs on this machine, where ao session kill ${id} ends it`);
    expect(await rec.meta(id)).toBe(before);
    expect(existsSync(worktree)).toBe(true);
  }, 60_000);

  it("a project removed from the config: forgotten with its worktree and work left as they were; while its tmux session runs, refused", async () => {
    const { id, worktree, branch } = await seedPushedSession(ws, { projectId: "retired" });
    await writeFile(path.join(worktree, "draft.txt"), "not committed\n");
    const kill = await runAo(["session", "kill", id], { env: ws.env });
    expect(kill.code).toBe(1);
    expect(kill.stderr).toMatch(new RegExp(`project "retired", which is not in the config.*ao session kill ${id} --forget`, "s"));

    // Its agent still runs: ao will not lose sight of it, and says how to end it.
    const tmuxName = `ao-forgetws-${id}`;
    expect(tm.tmux("new-session", "-d", "-s", tmuxName, "-c", worktree, "sleep 600").code).toBe(0);
    const before = await rec.meta(id);
    const alive = await runAo(["session", "kill", id, "--forget"], { env: ws.env });
    expect(alive.code).toBe(1);
    expect(alive.stderr).toContain(`its tmux session ${tmuxName} runs on this machine`);
    expect(alive.stderr).toContain(`tmux -L ${tm.socket} kill-session -t =${tmuxName}`);
    expect(await rec.meta(id)).toBe(before);
    expect(tm.tmux("has-session", "-t", `=${tmuxName}`).code).toBe(0);

    expect(tm.tmux("kill-session", "-t", `=${tmuxName}`).code).toBe(0);
    const r = await runAo(["session", "kill", id, "--forget"], { env: ws.env });
    expect(r.code, r.stderr).toBe(0);
    expect(await rec.field(id, "status")).toBe("killed");
    expect(await rec.field(id, "killReason")).toMatch(new RegExp(`^forgotten since project "retired" is not in the config; nothing on this machine was touched: .*${worktree}`));
    // Nothing was removed: the worktree, its uncommitted file, its branch.
    expect(await readFile(path.join(worktree, "draft.txt"), "utf8")).toBe("not committed\n");
    expect(git(ws.clone, "branch", "--list", branch).trim()).toContain(branch);
  }, 60_000);

  it("a restore under way (its lock held by a live process): refused, nothing written", async () => {
    await seedRemote("gone-3", "decommissioned");
    const lock = path.join(ws.sessionsDir, "gone-3", ".restore-lock");
    const [pid, start] = ownerLine().trim().split(" ");
    await plantLock(lock, Number(pid), start!);
    const before = await rec.meta("gone-3");
    const r = await runAo(["session", "kill", "gone-3", "--forget"], { env: ws.env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("gone-3: a restore of it is under way; nothing was forgotten");
    expect(await rec.meta("gone-3")).toBe(before);
    await rm(lock, { recursive: true, force: true });
  }, 60_000);

  it("--forget with --force or --keep-worktree is bad input", async () => {
    for (const flag of ["--force", "--keep-worktree"]) {
      const r = await runAo(["session", "kill", "fe-1", "--forget", flag], { env: ws.env });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/cannot be used with/);
    }
  });

  it("in the dashboard, a kill that cannot go through names its own key for forgetting, not a command", async () => {
    await seedRemote("gone-3", "decommissioned");
    const deps = dashboardDeps(await createApp({ env: ws.env }), async () => {});
    const refused = await deps.kill("gone-3", false).then(() => null, (e: Error) => e.message);
    expect(refused).toMatch(/decommissioned.*forget it: F \(nothing is touched\)/s);
    expect(refused).not.toMatch(/--forget/);
    expect(await rec.field("gone-3", "status")).not.toBe("killed");
  });
});

const skip = sshUnavailable();

describe.skipIf(skip !== null)("kill --forget against a real host [class: a session ao can no longer reach stays forever]", () => {
  let hosts: TestHosts;
  let root: string;
  let env: NodeJS.ProcessEnv;
  let rec: ReturnType<typeof records>;
  let hostRoot: string;
  const tm = privateTmux();
  const h = (): TestHost => hosts.hosts[0]!;
  const tmuxThere = (args: string) => h().exec(`tmux -L ${tm.socket} ${args}`);

  beforeAll(async () => {
    hosts = await startSshHosts(["fg"]);
    root = await mkdtemp(path.join(tmpdir(), "ao-forget-"));
    const { clone } = await makeRepo(hosts.shared);
    hostRoot = `/tmp/aoh-${Math.random().toString(36).slice(2, 8)}-fg`;
    const agent = `AO_SIM_THINK_MS=200 ${process.execPath} ${path.join(ROOT, "demo/sim-agent.mjs")}`;
    const file = path.join(root, "agent-orchestrator.yaml");
    await writeFile(
      file,
      [
        "name: forgetws",
        `runtime: { sshConfig: ${JSON.stringify(hosts.sshConfig)} }`,
        "hosts:",
        `  fg: { ssh: fg, root: ${hostRoot} }`,
        "projects:",
        `  frontend: { repo: org/app, path: ${JSON.stringify(clone)}, sessionPrefix: fe, scm: none, agent: generic, agentCommand: ${JSON.stringify(agent)}, hosts: [fg] }`,
        "",
      ].join("\n"),
    );
    env = { PATH: process.env.PATH, HOME: path.join(root, "home"), AO_HOME: path.join(root, "ao-home"), AO_CONFIG_PATH: file, AO_TMUX_SOCKET: tm.socket };
    rec = records({ sessionsDir: path.join(root, "ao-home", "sessions", "forgetws"), env });
  }, 60_000);

  afterAll(async () => {
    if (hosts) {
      h().up();
      tmuxThere("kill-server");
    }
    // Only with the test's own AO_HOME: without it, ao would use the real ~/.agent-orchestrator.
    if (env) await runAo(["hosts", "--timeout", "3"], { env }).catch(() => undefined);
    hosts?.stop();
    tm.kill();
    await rm(root, { recursive: true, force: true });
  });

  it("refused while the host answers and the session runs there; forgotten once it never answers, with everything there left running; a kill after it comes back ends it", async () => {
    const spawned = await runAo(["spawn", "frontend", "--host", "fg"], { env });
    expect(spawned.code, spawned.stderr).toBe(0);
    const id = spawned.stdout.trim();
    const tmuxName = `ao-forgetws-${id}`;
    const worktree = `${hostRoot}/worktrees/forgetws/${id}`;
    await waitFor(`${id} running there`, () => tmuxThere(`has-session -t =${tmuxName}`).code === 0, 30_000);

    // The host answers: a kill can end it, so ao will not merely forget it.
    const before = await rec.meta(id);
    const refused = await runAo(["session", "kill", id, "--forget"], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${id}: host fg answers, and its tmux session ${tmuxName} runs there, so ao session kill ${id} ends it`);
    expect(await rec.meta(id)).toBe(before);

    h().down();
    try {
      const kill = await runAo(["session", "kill", id], { env });
      expect(kill.code).toBe(1);
      expect(kill.stderr).toContain(`ao session kill ${id} --forget`);
      const r = await runAo(["session", "kill", id, "--forget"], { env });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`forgotten since fg did not answer`);
    } finally {
      h().up();
    }
    expect(await rec.field(id, "status")).toBe("killed");
    expect((await rec.events(id)).at(-1)?.kind).toBe("forgotten");
    // Nothing there was touched: its agent runs on, in its worktree.
    expect(tmuxThere(`has-session -t =${tmuxName}`).code).toBe(0);
    expect(h().exec(`test -d ${worktree}`).code).toBe(0);

    // Back, the kill the reason names ends what was left, and the reason goes with it.
    const kill = await runAo(["session", "kill", id], { env });
    expect(kill.code, kill.stderr).toBe(0);
    expect(tmuxThere(`has-session -t =${tmuxName}`).code).not.toBe(0);
    expect(h().exec(`test -e ${worktree}`).code).not.toBe(0);
    expect(await rec.field(id, "killReason")).toBeUndefined();
  }, 180_000);
});
