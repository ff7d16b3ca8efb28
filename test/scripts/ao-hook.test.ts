// bin/ao-hook.sh, the hook handler every agent event runs (Claude Code waits for it on each tool
// call): its line format, its limits, and how few programs it starts.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ROOT } from "../helpers/ao.js";

const HOOK = path.join(ROOT, "bin/ao-hook.sh");
let dir: string;
let log: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "ao-hook-"));
  log = path.join(dir, "agent-events.jsonl");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function hook(args: string[], input?: string, env: NodeJS.ProcessEnv = process.env) {
  return spawnSync("/bin/sh", [HOOK, ...args], { input: input ?? "", encoding: "utf8", env });
}
const lines = () => readFileSync(log, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as { v: number; t: number; agent: string; event: string; data: unknown });

describe("bin/ao-hook.sh", () => {
  it("appends one line per event: the time in ms, the agent, the event and its JSON, folded onto the line", () => {
    const before = Date.now();
    const pretty = JSON.stringify({ session_id: "s-1", tool_input: { command: "echo '100%' \\\\ done\r" } }, null, 2).replace(/\n/g, "\r\n");
    const r = hook([log, "claude-code", "PreToolUse"], `${pretty}\n`);
    expect([r.status, r.stdout, r.stderr]).toEqual([0, "", ""]);
    hook([log, "claude-code", "Stop"], '{"session_id":"s-1"}');
    const [first, second] = lines();
    expect(first).toMatchObject({ v: 1, agent: "claude-code", event: "PreToolUse", data: { session_id: "s-1", tool_input: { command: "echo '100%' \\\\ done\r" } } });
    expect(first!.t).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(first!.t).toBeLessThanOrEqual(Date.now());
    expect(second).toMatchObject({ event: "Stop", data: { session_id: "s-1" } });
    expect(readFileSync(log, "utf8").split("\n")).toHaveLength(3);
  });

  it("takes the JSON from a fourth argument (Codex's notify) over standard input", () => {
    hook([log, "codex", "notify", '{"type":"agent-turn-complete",\n"turn-id":"t1"}'], '{"ignored":true}');
    expect(lines()[0]).toMatchObject({ agent: "codex", event: "notify", data: { type: "agent-turn-complete", "turn-id": "t1" } });
  });

  it("keeps only the event when its JSON is not an object or is over 64 KB", () => {
    hook([log, "claude-code", "A"], "not json");
    hook([log, "claude-code", "B"], "");
    hook([log, "claude-code", "C"], JSON.stringify({ out: "x".repeat(70_000) }));
    hook([log, "claude-code", "D"], JSON.stringify({ out: "x".repeat(60_000) }));
    const got = lines();
    expect(got.map((l) => [l.event, l.data === null])).toEqual([["A", true], ["B", true], ["C", true], ["D", false]]);
  });

  it("creates nothing and says nothing when the session's folder is gone", () => {
    const gone = path.join(dir, "no-such", "agent-events.jsonl");
    const r = hook([gone, "claude-code", "Stop"], "{}");
    expect([r.status, r.stdout, r.stderr]).toEqual([0, "", ""]);
    expect(existsSync(path.dirname(gone))).toBe(false);
  });

  it("starts two programs for an event on standard input and one for a one-line argument (each a fork and exec the agent waits for)", () => {
    // Spies first on the PATH for every program the script could run: each notes its name.
    const bin = path.join(dir, "bin");
    const ran = path.join(dir, "ran");
    mkdirSync(bin);
    for (const name of ["cat", "tr", "date", "printf", "head", "wc", "sed", "awk"]) {
      const real = spawnSync("/bin/sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).stdout.trim();
      if (!real.startsWith("/")) continue;
      writeFileSync(path.join(bin, name), `#!/bin/sh\necho ${name} >> ${JSON.stringify(ran)}\nexec ${real} "$@"\n`);
      chmodSync(path.join(bin, name), 0o755);
    }
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    const programs = () => (existsSync(ran) ? readFileSync(ran, "utf8").trim().split("\n") : []);
    hook([log, "claude-code", "PreToolUse"], '{"session_id":"s-1"}\n', env);
    expect(programs().sort()).toEqual(["date", "tr"]);
    rmSync(ran);
    hook([log, "codex", "notify", '{"type":"agent-turn-complete"}'], "", env);
    expect(programs()).toEqual(["date"]);
    expect(lines().map((l) => l.event)).toEqual(["PreToolUse", "notify"]);
  });
});
