import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AO_BIN, ROOT, runAo } from "../helpers/ao.js";
import { makeWorkspace, type TestWorkspace } from "../helpers/workspace.js";

// bin/ao.js compiles the CLI bundle through V8's code cache, kept per command in AO_HOME/cache.
let ws: TestWorkspace;
const cacheFile = () => path.join(ws.aoHome, "cache", "code-session-ls.bin");
const ls = () => runAo(["session", "ls", "--json"], { env: { ...ws.env, AO_DEBUG: "1" } });
const said = (stderr: string) => /code cache .*code-session-ls\.bin: (.*)$/m.exec(stderr)?.[1];

beforeEach(async () => {
  ws = await makeWorkspace();
  // An hour and a half old: its age reads "1h ago" in both runs, however slow the machine.
  await ws.seed("fe-1", { projectId: "frontend", status: "working", branch: "feat/x", createdAt: new Date(Date.now() - 90 * 60_000).toISOString() });
});
afterEach(() => ws.cleanup());

describe("the code cache", () => {
  it("is made by a command's first run, private, and used by the next", async () => {
    const first = await ls();
    expect(first.code).toBe(0);
    expect(said(first.stderr)).toBe("none, made");
    expect(statSync(cacheFile()).mode & 0o777).toBe(0o600);
    expect(readFileSync(cacheFile(), "latin1")).toMatch(/^ao-code-cache 1 v\d+\.\d+\.\d+ /);
    const second = await ls();
    expect(said(second.stderr)).toBe("used");
    expect(second.stdout).toBe(first.stdout);
  });

  it("is named by the command alone, never by a flag's value", async () => {
    await runAo(["hosts", "--timeout", "abc"], { env: ws.env });
    const made = readdirSync(path.dirname(cacheFile()), { withFileTypes: true }).map((d) => d.name);
    expect(made.filter((n) => n.startsWith("code-hosts"))).toEqual(["code-hosts.bin"]);
  });

  it("is ignored when it was made from another bundle", async () => {
    await ls();
    const data = readFileSync(cacheFile());
    const head = data.indexOf(0x0a) + 1;
    writeFileSync(cacheFile(), Buffer.concat([Buffer.from("ao-code-cache 1 v0.0.0 x64 1 1 1\n"), data.subarray(head)]), { mode: 0o600 });
    const r = await ls();
    expect(said(r.stderr)).toBe("none, made");
    expect(readFileSync(cacheFile()).subarray(0, head).toString("latin1")).toBe(data.subarray(0, head).toString("latin1"));
  });

  it("is ignored when others could have written it, and made again private", async () => {
    await ls();
    chmodSync(cacheFile(), 0o666);
    const r = await ls();
    expect(r.code).toBe(0);
    expect(said(r.stderr)).toBe("none, made");
    expect(statSync(cacheFile()).mode & 0o777).toBe(0o600);
  });

  it("that V8 refuses (damaged) costs nothing but a compile", async () => {
    const good = await ls();
    const data = readFileSync(cacheFile());
    const head = data.indexOf(0x0a) + 1;
    writeFileSync(cacheFile(), Buffer.concat([data.subarray(0, head), Buffer.alloc(data.length - head, 7)]), { mode: 0o600 });
    const r = await ls();
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(good.stdout);
    expect(said(r.stderr)).toBe("rejected, made");
    expect(said((await ls()).stderr)).toBe("used");
  });
});

describe("the ES-module half (ao ui)", () => {
  it("starts ao ui without compiling the headless bundle, and its refusals keep their exit code", async () => {
    // Not a terminal: the ui refuses with a usage error, raised inside the ES-module half.
    const trace = path.join(ws.root, "imports.txt");
    const r = await runAo(["ui"], { env: { ...ws.env, AO_TRACE_IMPORTS: trace }, nodeArgs: ["--import", path.join(ROOT, "test/helpers/trace-imports.mjs")] });
    expect(r.stderr).toMatch(/ao ui needs a terminal/);
    expect(r.code).toBe(2);
    const loaded = readFileSync(trace, "utf8");
    expect(loaded).toContain("/dist/bundle/ao.js");
    expect(loaded).not.toContain("/dist/bundle/ao.cjs");
  });
});

describe("bin/ao.js without a build", () => {
  it("says to build, and exits 1", () => {
    const bin = path.join(ws.root, "checkout", "bin");
    mkdirSync(bin, { recursive: true });
    copyFileSync(AO_BIN, path.join(bin, "ao.js"));
    copyFileSync(path.join(path.dirname(AO_BIN), "package.json"), path.join(bin, "package.json"));
    const r = spawnSync(process.execPath, [path.join(bin, "ao.js"), "session", "ls"], { env: ws.env, encoding: "utf8" });
    expect(r.stderr).toMatch(/dist\/ is missing; run `npm run build`/);
    expect(r.status).toBe(1);
  });
});
