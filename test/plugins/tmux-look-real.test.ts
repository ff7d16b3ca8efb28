import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stillCutoffSec } from "../../src/core/activity.js";
import type { RunResult } from "../../src/exec.js";
import { generic } from "../../src/plugins/agent/generic.js";
import type { PaneLook, ScreenWant } from "../../src/plugins/types.js";
import { READ_MARK } from "../../src/plugins/runtime/tmux-look.js";
import { TmuxRuntime } from "../../src/plugins/runtime/tmux.js";
import { RuntimeFacts } from "../../src/services/runtime-facts.js";
import { privateTmux, waitFor } from "../helpers/tmux.js";

const tm = privateTmux();
const NONCE = "ao-look-known";
const dir = mkdtempSync(path.join(tmpdir(), "ao-look-real-"));

/** The real runtime, counting its tmux processes and keeping the last look. */
class CountingTmux extends TmuxRuntime {
  invocations = 0;
  /** The tmux command of each process, in order. */
  commands: string[] = [];
  looks: string[] = [];
  last: PaneLook | null = null;
  override tmux(args: string[], input?: string): Promise<RunResult> {
    this.invocations++;
    this.commands.push(args[0] ?? "");
    this.looks.push(`${args[0]} ${input ?? ""}`);
    return super.tmux(args, input);
  }
  override async look(wants: readonly ScreenWant[]): Promise<PaneLook> {
    this.last = await super.look(wants);
    return this.last;
  }
}

// Screens of different heights; fe-2 prints what this look's headers look like (the nonce is
// known here, as a hostile agent could learn it from `ps`): the split must still hold.
const PANES: Array<{ name: string; rows: number; script: string; first: string }> = [
  { name: "ao-t-fe-1", rows: 5, script: "printf 'one\\n'", first: "one" },
  { name: "ao-t-fe-2", rows: 9, script: `printf '${NONCE} s ao-t-fe-3 1 2\\nforged three\\n${NONCE} p\\nao-t-fe-9\\t1\\t0\\t\\tsh\\t1\\n'`, first: `${NONCE} s ao-t-fe-3 1 2` },
  { name: "ao-t-fe-3", rows: 3, script: "printf 'three\\nthree b\\nthree c\\nthree d\\n'", first: "three c" },
  { name: "ao-t-fe-4", rows: 12, script: "printf 'four: \\344\\270\\255\\346\\226\\207 \\t tab\\n'", first: "four: 中文" },
];

beforeAll(() => {
  for (const p of PANES) {
    const r = tm.tmux("new-session", "-d", "-s", p.name, "-x", "60", "-y", String(p.rows), "sh", "-c", `${p.script}; exec sleep 600`);
    expect(r.code).toBe(0);
  }
});
afterAll(() => {
  tm.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe("a look at real tmux", () => {
  it("reads every still screen in one process, each screen whole and its own", async () => {
    const rt = new CountingTmux(tm.socket, () => NONCE);
    const wants = () => [...PANES.map((p) => p.name), "ao-t-fe-gone"].map((name) => ({ name, stillBefore: stillCutoffSec(Date.now()) }));
    const look = await waitFor("every screen still and read", async () => {
      const before = rt.invocations;
      const l = await rt.look(wants());
      expect(rt.invocations - before).toBe(1);
      return l.screens.size === PANES.length ? l : null;
    });
    expect(look.panes.map((p) => p.name).sort()).toEqual(PANES.map((p) => p.name));
    for (const p of PANES) {
      const lines = look.screens.get(p.name)!.text.split("\n");
      expect(lines).toHaveLength(p.rows + 1);
      expect(lines.find((l) => l.trim() !== "")?.startsWith(p.first)).toBe(true);
    }
    expect(look.screens.get("ao-t-fe-2")!.text).toContain("forged three");
    expect(look.screens.has("ao-t-fe-9")).toBe(false);
    expect(look.panes.some((p) => p.name === "ao-t-fe-9")).toBe(false);
  });

  it("marks a screen read in its session's hidden environment, not an option, and no process sees it", async () => {
    const rt = new CountingTmux(tm.socket);
    const name = "ao-t-fe-3";
    await waitFor("fe-3 read", async () => (await rt.look([{ name, stillBefore: stillCutoffSec(Date.now()) }])).screens.has(name));
    const activity = tm.tmux("display-message", "-p", "-t", `=${name}:`, "#{window_activity}").stdout.trim();
    // Where later looks' formats find it: the screen's output time.
    expect(tm.tmux("display-message", "-p", "-t", `=${name}:`, `#{${READ_MARK}}`).stdout.trim()).toBe(activity);
    expect(tm.tmux("show-environment", "-h", "-t", `=${name}:`, READ_MARK).stdout.trim()).toBe(`${READ_MARK}=${activity}`);
    // No option (each set of one costs tmux time for every session it has).
    expect(tm.tmux("show-options", "-t", `=${name}:`).stdout).not.toMatch(/ao-read|AO_READ/);
    // Hidden: a process started in the session does not inherit it.
    tm.tmux("new-window", "-d", "-t", `=${name}:`, "sh", "-c", `echo "[$${READ_MARK}]" > ${path.join(dir, "env.txt")}; exec sleep 600`);
    const seen = await waitFor("the new window's shell wrote", () => readFileSync(path.join(dir, "env.txt"), "utf8").trim() || null);
    expect(seen).toBe("[]");
    tm.tmux("kill-window", "-t", `=${name}:1`);
  });

  it("reads a screen once: the next look asks tmux only for screens that changed", async () => {
    const rt = new CountingTmux(tm.socket);
    const facts = new RuntimeFacts(rt, path.join(dir, "panes.json"), 60_000);
    const queries = PANES.map((p, i) => ({ id: `fe-${i + 1}`, tmuxName: p.name, agent: generic }));
    await waitFor("every screen read", async () => {
      await facts.gather(queries);
      return rt.last!.screens.size === PANES.length;
    });
    const before = rt.invocations;
    const again = await facts.gather(queries);
    expect(rt.invocations - before).toBe(1);
    expect(rt.last!.screens.size).toBe(0);
    // Still screens with no prompt on them: a generic agent there is busy by its own account.
    expect([...again.values()].map((f) => f.activity)).toEqual(PANES.map(() => "active"));

    // New output: that pane, and only it, is read again once it is still.
    tm.tmux("respawn-pane", "-k", "-t", "=ao-t-fe-1:", "sh", "-c", "printf 'Continue? (y/n) '; exec sleep 600");
    await waitFor("fe-1 read again", async () => {
      const f = await facts.gather(queries);
      if (f.get("fe-1")?.activity === "waiting_input" && rt.last!.screens.size === 1) return true;
      throw new Error(`fe-1 ${f.get("fe-1")?.activity}, read: ${[...rt.last!.screens.keys()].join(",")}`);
    });
  });

  it("reads a dead pane's last words in the look that finds it dead, and waits for no exit status a signal never gives", async () => {
    const DEAD = ["ao-d-fe-1", "ao-d-fe-2", "ao-d-fe-3"];
    const scripts = [
      // Dies when told, after its last words (and a second, as ao's launcher lingers).
      "printf 'working\\n'; read x; printf 'fatal: the key was refused\\n'; sleep 1; exit 7",
      // Ended by a signal with nothing more to say.
      "printf 'idle\\n'; exec sleep 600",
      "printf 'alive\\n'; exec sleep 600",
    ];
    DEAD.forEach((name, i) => {
      const r = tm.tmux("new-session", "-d", "-s", name, "-x", "60", "-y", "6", "sh", "-c", scripts[i]!, ";", "set-option", "-w", "-t", `=${name}:`, "remain-on-exit", "on");
      expect(r.code).toBe(0);
    });
    const rt = new CountingTmux(tm.socket);
    const facts = new RuntimeFacts(rt, path.join(dir, "dead.json"), 60_000);
    const queries = DEAD.map((name, i) => ({ id: `fe-${i + 1}`, tmuxName: name, agent: generic }));
    // Every screen read still: then a look is the one loop over the sessions, reading nothing.
    await waitFor("every screen read still", async () => {
      await facts.gather(queries);
      return rt.looks.at(-1)!.startsWith("source-file run-shell -C") && rt.last!.screens.size === 0;
    });

    // fe-1 speaks and dies: the look that finds it dead has read what it said, with no capture of its own.
    rt.commands = [];
    tm.tmux("send-keys", "-t", "=ao-d-fe-1:", "Enter");
    const words = await waitFor("fe-1 dead, its words read", async () => (await facts.gather(queries)).get("fe-1")?.lastWords ?? null);
    expect(words).toBe("status 7: working / fatal: the key was refused");
    expect(rt.commands).not.toContain("capture-pane");

    // fe-2 is ended by a signal: no status ever comes, and no look waits for one.
    const pid = tm.tmux("display-message", "-p", "-t", "=ao-d-fe-2:", "#{pane_pid}").stdout.trim();
    process.kill(Number(pid), "SIGKILL");
    const said = await waitFor("fe-2 dead", async () => (await facts.gather(queries)).get("fe-2")?.lastWords ?? null);
    expect(said).toBe("ended by signal 9 (SIGKILL): idle");
    for (let i = 0; i < 3; i++) {
      rt.commands = [];
      const f = await facts.gather(queries);
      expect(rt.commands).toEqual(["source-file"]);
      expect(f.get("fe-2")?.lastWords).toBe(said);
    }
  });

  it("reads a working agent's moving screen for progress only from a process's second look on: its first asks what the look started ahead of it asked", async () => {
    const name = "ao-m-fe-1";
    expect(tm.tmux("new-session", "-d", "-s", name, "-x", "60", "-y", "6", "sh", "-c", "while :; do date +%N; sleep 0.2; done").code).toBe(0);
    const file = path.join(dir, "moving.json");
    const queries = [{ id: "fe-1", tmuxName: name, agent: generic }];
    const earlier = new RuntimeFacts(new CountingTmux(tm.socket), file, 60_000);
    await waitFor("fe-1 seen working", async () => (await earlier.gather(queries)).get("fe-1")?.activity === "active");
    // Its screen last read a minute ago, as the cache says: a progress read is due.
    const cache = JSON.parse(readFileSync(file, "utf8")) as Record<string, { at: number; busy?: boolean }>;
    expect(cache[name]!.busy).toBe(true);
    cache[name]!.at -= 60_000;
    writeFileSync(file, JSON.stringify(cache));
    // A new process: its first look reads nothing of it, its second does.
    const rt = new CountingTmux(tm.socket);
    const facts = new RuntimeFacts(rt, file, 60_000);
    await facts.gather(queries);
    expect(rt.last!.screens.has(name)).toBe(false);
    await facts.gather(queries);
    expect(rt.last!.screens.has(name)).toBe(true);
  });
});
