// Which processes are a session's: those that started with its mark (AO_SESSION and
// AO_WORKSPACE, both exactly), found here through /proc and on another host by the script
// markedProcesses runs there (run here through /bin/sh, as a host's shell would).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

  it("finds the same processes through the host script's loop when the host's grep lacks -z (busybox)", async () => {
    // A grep that refuses -z as busybox's does (its usage, exit 2), noting each call; any other
    // call goes to the real grep.
    const bin = mkdtempSync(path.join(tmpdir(), "ao-busybox-grep-"));
    try {
      const calls = path.join(bin, "calls");
      const realGrep = (await run("/bin/sh", ["-c", "command -v grep"])).stdout.trim();
      writeFileSync(
        path.join(bin, "grep"),
        [
          "#!/bin/sh",
          `printf '%s\\n' "$*" >> ${JSON.stringify(calls)}`,
          'for a; do case "$a" in --) break ;; -*z*) printf "grep: unrecognized option: z\\nBusyBox v1.36.1 multi-call binary.\\n\\nUsage: grep [-HhnlLoqvsrRiwFE] [-m N] [-A|B|C N] { PATTERN | -e PATTERN... | -f FILE... } [FILE]...\\n" >&2; exit 2 ;; esac; done',
          `exec ${JSON.stringify(realGrep)} "$@"`,
          "",
        ].join("\n"),
        { mode: 0o755 },
      );
      const busybox: Host = { ...shellHost, run: (file, args, opts) => run(file, [...args], { ...opts, env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } }) };
      const tag = `b${process.pid}`;
      const mark = { AO_SESSION: "fe-9", AO_WORKSPACE: tag };
      const own = [await sleeper("331", { ...mark, OTHER: "x" }), await sleeper("332", { AO_WORKSPACE: tag, AO_SESSION: "fe-9" })];
      const others = [
        await sleeper("333", { AO_SESSION: "fe-9", AO_WORKSPACE: `${tag}-other` }),
        await sleeper("334", { AO_SESSION: "fe-90", AO_WORKSPACE: tag }),
        await sleeper("335", { AO_SESSION: "fe-9" }),
        await sleeper("336", { AO_SESSION: "fe-9 ", AO_WORKSPACE: tag }),
        await sleeper("337", { NOTE: `AO_SESSION=fe-9 AO_WORKSPACE=${tag}` }),
      ];
      const viaGrep = await markedProcesses(mark, shellHost);
      expect(viaGrep).toEqual([
        { pid: own[0], command: "sleep 331" },
        { pid: own[1], command: "sleep 332" },
      ]);
      expect(await markedProcesses(mark)).toEqual(viaGrep);
      rmSync(calls, { force: true });
      const viaLoop = await markedProcesses(mark, busybox);
      expect(viaLoop).toEqual(viaGrep);
      for (const pid of others) expect(viaLoop.map((p) => p.pid)).not.toContain(pid);
      // Only the probe asked grep for -z: the loop, not a grep refused on every entry, found them.
      expect(readFileSync(calls, "utf8")).toBe("-qzxF a\n");
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
    // The loop forks twice for every process on the machine: slow where many run.
  }, 120_000);

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
