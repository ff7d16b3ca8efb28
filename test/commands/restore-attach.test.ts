import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runAo } from "../helpers/ao.js";
import { waitFor } from "../helpers/tmux.js";
import { faultWorkspace, type FaultWorkspace } from "../faults/helpers.js";

// Real processes on a shared machine: generous deadlines, never timed assertions.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

// A tmux socket name (AO_TMUX_SOCKET is any text) that a shell would read as two commands.
const socket = `ao-test-${process.pid}-${Math.random().toString(36).slice(2, 8)} $(touch PWNED);x`;
let ws: FaultWorkspace;

beforeAll(async () => {
  ws = await faultWorkspace("attachq", { socket });
});
afterAll(async () => {
  spawnSync("tmux", ["-L", socket, "kill-server"], { stdio: "ignore" });
  rmSync(path.join(process.env.TMUX_TMPDIR || "/tmp", `tmux-${process.getuid?.() ?? 0}`, socket), { force: true });
  await rm(ws.root, { recursive: true, force: true });
});

describe("ao session restore", () => {
  it("prints an attach command a shell reads back as exactly its words: outside text stays one word", async () => {
    const spawned = await runAo(["spawn", "frontend"], { env: ws.env });
    expect(spawned.code, spawned.stderr).toBe(0);
    const id = spawned.stdout.trim();
    const tmuxName = `ao-attachq-${id}`;
    spawnSync("tmux", ["-L", socket, "kill-session", "-t", `=${tmuxName}`], { stdio: "ignore" });
    await waitFor(`${id} lost`, async () => {
      const rows = JSON.parse((await runAo(["session", "ls", "--json"], { env: ws.env })).stdout) as Array<{ name: string; statusCause: string }>;
      return rows.find((r) => r.name === id)?.statusCause === "runtime_lost";
    }, 60_000);

    const r = await runAo(["session", "restore", id], { env: ws.env });
    expect(r.code, r.stderr).toBe(0);
    const attach = /^Attach: (.*)$/m.exec(r.stdout)?.[1];
    expect(attach).toBeDefined();
    // The words a POSIX shell makes of the pasted line, printed NUL-separated: none runs.
    const words = execFileSync("sh", ["-c", `set -- ${attach}; printf '%s\\0' "$@"`], { cwd: ws.root, encoding: "utf8" }).split("\0").slice(0, -1);
    expect(words).toEqual(["tmux", "-u", "-L", socket, "attach-session", "-t", `=${tmuxName}`]);
    expect(existsSync(path.join(ws.root, "PWNED"))).toBe(false);
  });
});
