// Which processes are a session's: those that started with its mark (AO_SESSION and
// AO_WORKSPACE, both exactly), found here through /proc and on another host by the script
// markedProcesses runs there (run here through /bin/sh, as a host's shell would).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "../../src/exec.js";
import type { Host } from "../../src/plugins/host/types.js";
import { markedProcesses, processesInEach } from "../../src/plugins/runtime/processes.js";
import { waitFor } from "../helpers/tmux.js";

const started: ChildProcess[] = [];

/** `sleep <n>` with exactly `env` (and PATH), once it has exec'd (before that /proc shows our own environment). */
async function sleeper(n: string, env: Record<string, string>, cwd?: string): Promise<number> {
  const child = spawn("sleep", [n], { env: { PATH: process.env.PATH, ...env }, stdio: "ignore", ...(cwd ? { cwd } : {}) });
  started.push(child);
  const pid = child.pid!;
  await waitFor(`sleep ${n} started`, () => readFileSync(`/proc/${pid}/cmdline`, "utf8").startsWith("sleep"));
  return pid;
}

/** This machine, said to be another host: the remote script runs in /bin/sh here. */
const shellHost: Host = {
  name: "here-as-remote",
  remote: true,
  timeoutMs: 20_000,
  run: (file, args, opts) => run(file, [...args], opts ?? {}),
  interactiveArgv: (argv) => argv,
};

afterAll(() => {
  for (const c of started) c.kill("SIGKILL");
});

describe.skipIf(process.platform !== "linux")("markedProcesses", () => {
  it("finds the processes carrying the whole mark, and no other, here and through the host script", async () => {
    const tag = `t${process.pid}`;
    const mark = { AO_SESSION: "fe-9", AO_WORKSPACE: tag };
    const own = await sleeper("311", { ...mark, OTHER: "x" });
    const others = [
      await sleeper("312", { AO_SESSION: "fe-9", AO_WORKSPACE: `${tag}-other` }), // another workspace's fe-9
      await sleeper("313", { AO_SESSION: "fe-90", AO_WORKSPACE: tag }), // an id that starts with it
      await sleeper("314", { AO_SESSION: "fe-9" }), // half the mark
      await sleeper("315", { AO_SESSION: "fe-9 ", AO_WORKSPACE: tag }),
      await sleeper("316", { NOTE: `AO_SESSION=fe-9 AO_WORKSPACE=${tag}` }),
    ];
    for (const host of [undefined, shellHost]) {
      const found = await markedProcesses(mark, host);
      expect(found).toEqual([{ pid: own, command: "sleep 311" }]);
      for (const pid of others) expect(found.map((p) => p.pid)).not.toContain(pid);
    }
  });

  it("names, of the processes working in a folder, the session whose mark each carries, here and through the host script", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ao-marked-"));
    try {
      const tag = `w${process.pid}`;
      const agent = await sleeper("321", { AO_SESSION: "fe-3", AO_WORKSPACE: tag, SECRET_TOKEN: "never-shown" }, dir);
      const person = await sleeper("322", {}, dir);
      const spaced = await sleeper("323", { AO_SESSION: "fe-3 ", AO_WORKSPACE: tag }, dir);
      for (const host of [undefined, shellHost]) {
        const found = (await processesInEach([dir], host)).get(dir)!;
        expect(found).toEqual([
          { pid: agent, command: "sleep 321", session: `${tag}/fe-3` },
          { pid: person, command: "sleep 322" },
          { pid: spaced, command: "sleep 323", session: `${tag}/fe-3 ` },
        ]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
