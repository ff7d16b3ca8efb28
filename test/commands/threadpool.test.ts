import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runAo } from "../helpers/ao.js";
import { makeWorkspace, type TestWorkspace } from "../helpers/workspace.js";

let ws: TestWorkspace | undefined;
afterEach(async () => {
  await ws?.cleanup();
  ws = undefined;
});

/**
 * A workspace whose `tmux` (first on the PATH) writes down what it inherited and how many threads
 * the ao that ran it has, then fails as an unreachable tmux would.
 */
async function withSpyTmux() {
  ws = await makeWorkspace("name: w\nprojects:\n  frontend: { repo: org/app, path: /tmp, sessionPrefix: fe, scm: none, agent: generic, agentCommand: sh }\n", "w");
  await ws.seed("fe-1", { projectId: "frontend", status: "working", agent: "generic", tmuxName: "ao-w-fe-1", createdAt: new Date().toISOString() });
  const bin = path.join(ws.root, "bin");
  await mkdir(bin);
  const spy = path.join(ws.root, "spy");
  await writeFile(path.join(bin, "tmux"), `#!/bin/sh\nenv > ${spy}.env\nls /proc/$PPID/task | wc -l > ${spy}.threads\nexit 1\n`);
  await chmod(path.join(bin, "tmux"), 0o755);
  const env = { ...ws.env, PATH: `${bin}:${process.env.PATH}` };
  const seen = async () => ({ env: await readFile(`${spy}.env`, "utf8"), threads: Number((await readFile(`${spy}.threads`, "utf8")).trim()) });
  return { env, seen };
}

describe.runIf(process.platform === "linux")("the threadpool of the commands that record many statuses", () => {
  it("has 16 threads in ao status, and the programs ao starts do not inherit the setting", async () => {
    const { env, seen } = await withSpyTmux();
    await runAo(["status", "--json"], { env });
    const { env: inherited, threads } = await seen();
    // Node's own threads (main, V8's workers, the inspector's) and libuv's pool: 4 by default.
    expect(threads).toBeGreaterThanOrEqual(16);
    expect(inherited).not.toMatch(/UV_THREADPOOL_SIZE/);
  });

  it("keeps a size the user set, and passes it on as the user's", async () => {
    const { env, seen } = await withSpyTmux();
    await runAo(["status", "--json"], { env: { ...env, UV_THREADPOOL_SIZE: "2" } });
    const { env: inherited, threads } = await seen();
    expect(threads).toBeLessThan(16);
    expect(inherited).toMatch(/^UV_THREADPOOL_SIZE=2$/m);
  });
});
