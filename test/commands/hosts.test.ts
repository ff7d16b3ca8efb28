import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAo } from "../helpers/ao.js";
import { sshUnavailable, startSshHosts, type TestHosts } from "../helpers/sshd.mjs";

const skip = sshUnavailable();

describe.skipIf(skip !== null)("ao hosts against real sshd hosts", () => {
  let hosts: TestHosts;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    hosts = await startSshHosts(["build-1", "build-2"]);
    dir = mkdtempSync(path.join(os.tmpdir(), "ao-hosts-"));
    writeFileSync(
      path.join(dir, "agent-orchestrator.yaml"),
      `runtime: { sshConfig: ${hosts.sshConfig} }
hosts:
  local: { maxSessions: 4 }
  build-1: { ssh: build-1, maxSessions: 12 }
  build-2: { ssh: build-2, maxSessions: 8 }
`,
    );
    env = { PATH: process.env.PATH, HOME: dir, AO_HOME: path.join(dir, "ao-home"), NO_COLOR: "1" };
  }, 60_000);
  afterAll(() => {
    hosts?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lists every host with its tmux, git, load and capacity, as JSON and as a table", async () => {
    const r = await runAo(["hosts", "--json"], { env, cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(rows.map((h) => [h.name, h.reachable, h.live, h.capacity])).toEqual([
      ["local", true, 0, 4],
      ["build-1", true, 0, 12],
      ["build-2", true, 0, 8],
    ]);
    for (const h of rows) {
      expect(h.tmux).toMatch(/^\d+\.\d+/);
      expect(h.git).toMatch(/^\d+\.\d+/);
      expect((h.load as number[]).length).toBe(3);
    }
    const table = await runAo(["hosts"], { env, cwd: dir });
    expect(table.stdout).toMatch(/^HOST\s+SSH\s+STATE\s+SESSIONS/);
    expect(table.stdout).toMatch(/build-2\s+build-2\s+ok\s+0\/8/);
  });

  it("a --timeout that is not a number of seconds is a usage error: nothing is asked or recorded", async () => {
    for (const bad of ["abc", "0", "-5", "3000000", ""]) {
      const r = await runAo(["hosts", "--timeout", bad], { env, cwd: dir });
      expect(r.code, bad).toBe(2);
      expect(r.stderr, bad).toMatch(/--timeout takes seconds from 0\.1 to 86400/);
      expect(r.stderr, bad).not.toMatch(/TimeoutOverflowWarning/);
    }
  });

  it("a host that stops answering is reported unreachable since then, exit 1; it recovers by itself", async () => {
    hosts.hosts[1]!.down();
    let down;
    try {
      down = await runAo(["hosts", "--json", "--timeout", "2"], { env, cwd: dir });
    } finally {
      hosts.hosts[1]!.up();
    }
    expect(down.code).toBe(1);
    const b2 = (JSON.parse(down.stdout) as Array<Record<string, unknown>>).find((h) => h.name === "build-2")!;
    expect(b2).toMatchObject({ reachable: false, error: "build-2 did not answer within 2s" });
    expect(b2.unreachableSince).toEqual(expect.any(String));
    expect(b2.lastSeen).toEqual(expect.any(String));
    const again = await runAo(["hosts", "--json"], { env, cwd: dir });
    expect(again.code, again.stdout).toBe(0);
  }, 60_000);
});
