import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HostUnreachableError } from "../../src/plugins/host/types.js";
import { SshHost } from "../../src/plugins/host/ssh.js";
import { run } from "../../src/exec.js";
import { sshUnavailable, startSshHosts, type TestHosts } from "../helpers/sshd.js";

const skip = sshUnavailable();

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
});
