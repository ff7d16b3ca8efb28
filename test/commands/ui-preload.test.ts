import { spawnSync } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { ROOT, requireBuild } from "../helpers/ao.js";

/** In a fresh Node process: load the dashboard's modules as `ao ui` does, then report. */
function afterPreload(): { undici: boolean; fetch: string; same: boolean } {
  requireBuild();
  const mod = pathToFileURL(path.join(ROOT, "dist/src/commands/ui.js")).href;
  const script = `
    const before = globalThis.fetch;
    const { preloadUi } = await import(${JSON.stringify(mod)});
    await preloadUi();
    console.log(JSON.stringify({ undici: process.moduleLoadList.some((m) => m.includes("undici")), fetch: typeof fetch, same: globalThis.fetch === before }));
  `;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", env: { PATH: process.env.PATH, HOME: process.env.HOME } });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { undici: boolean; fetch: string; same: boolean };
}

describe("loading the dashboard's modules", () => {
  it("does not load Node's fetch (undici) for Yoga's WebAssembly, and leaves the global fetch as it was", () => {
    expect(afterPreload()).toEqual({ undici: false, fetch: "function", same: true });
  });
});
