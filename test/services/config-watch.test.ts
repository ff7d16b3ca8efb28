import { utimes, writeFile } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { configWatcher } from "../../src/services/config-watch.js";
import { DEFAULT_CONFIG, makeWorkspace, type TestWorkspace } from "../helpers/workspace.js";

let ws: TestWorkspace;
afterEach(async () => ws?.cleanup());

/** Write the file with an mtime of its own, as a later edit has (the watch compares mtime and size). */
async function edit(file: string, text: string, at: number): Promise<void> {
  await writeFile(file, text);
  await utimes(file, at, at);
}

describe("configWatcher", () => {
  it("swaps in an edited config, keeps the old one through a broken edit and says where the error is", async () => {
    ws = await makeWorkspace();
    const ctx = await createApp({ env: ws.env });
    const check = configWatcher(ctx);
    expect(await check()).toEqual({ changed: false, error: null });

    await edit(ws.configFile, `${DEFAULT_CONFIG}  docs: { repo: org/docs, path: ~/code/docs, name: Docs Site }\n`, 1_000_000);
    expect(await check()).toEqual({ changed: true, error: null });
    expect(ctx.config.projects.map((p) => p.name)).toContain("Docs Site");
    expect(await check()).toEqual({ changed: false, error: null });

    await edit(ws.configFile, `${DEFAULT_CONFIG}  docs: { repo: not-a-repo, path: ~/code/docs }\n`, 1_000_100);
    const broken = await check();
    expect(broken.changed).toBe(false);
    expect(broken.error).toMatch(new RegExp(`^${ws.configFile}:5:\\d+: projects\\.docs\\.repo: expected owner/name`));
    expect(ctx.config.projects.map((p) => p.name)).toContain("Docs Site");

    await edit(ws.configFile, DEFAULT_CONFIG.replace("name: my-app", "name: other"), 1_000_200);
    expect((await check()).error).toMatch(/name changed; restart ao ui/);
    expect(ctx.config.name).toBe("my-app");
  });
});
