import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { RunResult } from "../../src/exec.js";
import type { AgentPlugin, ScreenFacts } from "../../src/plugins/types.js";
import { lookScript, parseLook } from "../../src/plugins/runtime/tmux-look.js";
import { TmuxRuntime } from "../../src/plugins/runtime/tmux.js";
import { RuntimeFacts } from "../../src/services/runtime-facts.js";
import { createApp } from "../../src/app.js";

// The real output of one look over four panes (record-look.mjs), nonce NONCE0: fe-1 and fe-2
// still and read, fe-2's screen printing what headers look like, fe-3 moving, fe-4 dead.
const FIXTURE = readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/tmux/look.txt"), "utf8");
const ACTIVITY = 1796093223;
const NAMES = ["ao-rec-fe-1", "ao-rec-fe-2", "ao-rec-fe-3", "ao-rec-fe-4"];

/** A runtime whose runner is fake: every tmux invocation is recorded and answered from a fixture. */
class FakeRunnerTmux extends TmuxRuntime {
  calls: Array<{ args: string[]; input: string | undefined }> = [];
  constructor(private readonly answer: (args: string[], input: string | undefined) => RunResult) {
    super("ao-test-fake");
  }
  override tmux(args: string[], input?: string): Promise<RunResult> {
    this.calls.push({ args, input });
    return Promise.resolve(this.answer(args, input));
  }
}

/** Answers a look script with the fixture, its nonce swapped for the one the script carries. */
function fixtureAnswer(args: string[], input: string | undefined): RunResult {
  if (args[0] !== "source-file") throw new Error(`unexpected tmux ${args.join(" ")}`);
  const nonce = /'(ao-look-[a-z0-9]+) p'/.exec(input ?? "")?.[1];
  if (!nonce) throw new Error("no nonce in the script");
  return { exitCode: 1, stdout: FIXTURE.replaceAll("NONCE0", nonce), stderr: "can't find session: ao-rec-fe-9\n" };
}

const seen: ScreenFacts[] = [];
const agent: AgentPlugin = {
  name: "probe",
  promptOnCommandLine: false,
  launchCommand: () => "",
  resumeCommand: () => "",
  classifyStill: (s) => (seen.push(s), s.capture.includes("?") ? "waiting_input" : "ready"),
  showsQueued: () => false,
};

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const cacheFile = () => {
  const d = mkdtempSync(path.join(tmpdir(), "ao-look-"));
  dirs.push(d);
  return path.join(d, "panes.json");
};

describe("parseLook on recorded tmux output", () => {
  it("splits screens by the rows tmux reports, so a screen cannot forge a boundary", () => {
    const look = parseLook(FIXTURE, "NONCE0");
    expect([...look.screens.keys()]).toEqual(["ao-rec-fe-1", "ao-rec-fe-2"]);
    expect(look.screens.get("ao-rec-fe-1")).toEqual({ activityAt: ACTIVITY, text: "hello from fe-1\n>\n\n\n\n\n" });
    expect(look.screens.get("ao-rec-fe-2")?.text).toBe("NONCE0 s ao-rec-fe-1 1 1\nNONCE0 p\nstill fe-2\n\n\n\n");
    expect(look.panes.map((p) => [p.name, p.dead, p.deadStatus])).toEqual([
      ["ao-rec-fe-1", false, null],
      ["ao-rec-fe-2", false, null],
      ["ao-rec-fe-3", false, null],
      ["ao-rec-fe-4", true, 3],
    ]);
  });

  it("drops a screen that moved between the loop's decision and its capture: it was not still", () => {
    const wants = [{ name: "ao-rec-fe-1", stillBefore: ACTIVITY - 1, knownActivityAt: 5 }, { name: "ao-rec-fe-2", stillBefore: ACTIVITY }];
    const look = parseLook(FIXTURE, "NONCE0", wants);
    expect([...look.screens.keys()]).toEqual(["ao-rec-fe-2"]);
  });

  it("refuses output out of step with the script rather than guessing", () => {
    expect(() => parseLook(FIXTURE, "OTHER")).toThrow(/expected a header/);
    expect(() => parseLook(FIXTURE.split("\n").slice(0, 4).join("\n"), "NONCE0")).toThrow(/bad header/);
  });

  it("never splices a name tmux could read as commands into the script", () => {
    const script = lookScript([{ name: "ok-1", stillBefore: 5 }, { name: "x' ; kill-server ; '", stillBefore: 5 }, { name: "a\nkill-server", stillBefore: 5 }], "N");
    expect(script).not.toContain("kill-server");
    expect(script.match(/^if-shell/gm)).toHaveLength(1);
  });
});

describe("one tmux process per look (fake runner)", () => {
  it("lists every pane and reads the changed screens in one invocation, then reads nothing already read", async () => {
    seen.length = 0;
    const rt = new FakeRunnerTmux(fixtureAnswer);
    const facts = new RuntimeFacts(rt, cacheFile(), 60_000);
    const queries = [...NAMES, "ao-rec-fe-9"].map((tmuxName, i) => ({ id: `fe-${i + 1}`, tmuxName, agent }));
    const now = (ACTIVITY + 4) * 1000 + 500; // fe-3 last printed at ACTIVITY + 4: still moving
    const first = await facts.gather(queries, now);
    // One look; and, once for good, the last words of the pane that died (fe-4): a process of
    // its own, once per exit, not per look.
    expect(rt.calls.map((c) => c.args[0])).toEqual(["source-file", "capture-pane"]);
    expect(rt.calls[1]!.args).toContain("=ao-rec-fe-4:");
    expect(rt.calls[0]!.args).toEqual(["source-file", "-"]);
    // The fake swaps the nonce on the screen too: fe-2 shows this look's own header text.
    const nonce = /'(ao-look-[a-z0-9]+) p'/.exec(rt.calls[0]!.input ?? "")![1];
    expect(seen.map((s) => s.capture.split("\n")[0])).toEqual(["hello from fe-1", `${nonce} s ao-rec-fe-1 1 1`]);
    expect([...first].map(([id, f]) => [id, f.alive, f.activity])).toEqual([
      ["fe-1", true, "ready"],
      ["fe-2", true, "ready"],
      ["fe-3", true, "active"],
      ["fe-4", true, "exited"],
      ["fe-5", false, undefined],
    ]);

    // The next look reads the known screens only if they changed, by one loop over the sessions
    // that compares each output time with the mark the read left; the others still go by name.
    await facts.gather(queries, now);
    expect(rt.calls).toHaveLength(3);
    const script = rt.calls[2]!.input ?? "";
    expect(script).toContain(`run-shell -C "#{S:#{?#{!=:#{window_activity},#{AO_READ}},#{?#{&&:#{m:ao-rec-fe-*,#{session_name}}`);
    expect(script).toContain("#{!=:#{window_activity},#{AO_READ}}");
    expect(script.match(/^if-shell -F -t =(\S+):/gm)).toEqual(["if-shell -F -t =ao-rec-fe-3:", "if-shell -F -t =ao-rec-fe-4:", "if-shell -F -t =ao-rec-fe-9:"]);
  });

  it("reads a still agent as idle by the ready threshold of the config in use, which an edit may change", async () => {
    let thresholdMs = 60_000;
    const facts = new RuntimeFacts(new FakeRunnerTmux(fixtureAnswer), cacheFile(), () => thresholdMs);
    const queries = [{ id: "fe-1", tmuxName: "ao-rec-fe-1", agent }];
    const at = (ACTIVITY + 30) * 1000;
    expect((await facts.gather(queries, at)).get("fe-1")?.activity).toBe("ready");
    thresholdMs = 10_000;
    expect((await facts.gather(queries, at)).get("fe-1")?.activity).toBe("idle");
    // ao's own context reads the threshold from its config each time.
    const dir = mkdtempSync(path.join(tmpdir(), "ao-thr-"));
    try {
      const ctx = await createApp({ cwd: dir, env: { PATH: process.env.PATH, HOME: dir, AO_HOME: path.join(dir, "home") } });
      ctx.config = { ...ctx.config, readyThresholdMs: 1234 };
      expect((ctx.runtimeFacts as unknown as { readyThreshold: () => number }).readyThreshold()).toBe(1234);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("asks for no screen of a session whose agent speaks for itself", async () => {
    const rt = new FakeRunnerTmux(fixtureAnswer);
    const facts = new RuntimeFacts(rt, cacheFile(), 60_000);
    await facts.gather([{ id: "fe-1", tmuxName: "ao-rec-fe-1", agent, readScreen: false }, { id: "fe-2", tmuxName: "ao-rec-fe-2", agent }], (ACTIVITY + 10) * 1000);
    expect(rt.calls).toHaveLength(1);
    expect(rt.calls[0]!.input).not.toContain("=ao-rec-fe-1:");
    expect(rt.calls[0]!.input).toContain("=ao-rec-fe-2:");
  });

  it("starts ahead the look the next gather asks for: the same wants, none for a session whose agent speaks for itself", async () => {
    const file = cacheFile();
    const queries = [{ id: "fe-1", tmuxName: "ao-rec-fe-1", agent, readScreen: false }, ...["fe-2", "fe-3"].map((id) => ({ id, tmuxName: `ao-rec-${id}`, agent }))];
    await new RuntimeFacts(new FakeRunnerTmux(fixtureAnswer), file, 60_000).gather(queries, (ACTIVITY + 10) * 1000);
    // The next process: what it starts ahead is what its gather then asks.
    const rt = new FakeRunnerTmux(fixtureAnswer);
    const ahead: unknown[] = [];
    const asked: unknown[] = [];
    rt.prepareLook = async (wants) => void ahead.push(wants);
    const look = rt.look.bind(rt);
    rt.look = (wants) => (asked.push(wants), look(wants));
    const facts = new RuntimeFacts(rt, file, 60_000);
    const now = (ACTIVITY + 20) * 1000;
    await facts.lookAhead(now);
    await facts.gather(queries, now);
    expect(ahead).toEqual(asked);
    expect((ahead[0] as Array<{ name: string }>).map((w) => w.name).sort()).toEqual(["ao-rec-fe-2", "ao-rec-fe-3"]);
  });

  it("falls back to a listing and single captures when tmux answers out of step", async () => {
    const listing = FIXTURE.slice(FIXTURE.indexOf("NONCE0 p\nao-rec")).split("\n").slice(1).join("\n");
    const rt = new FakeRunnerTmux((args) => {
      if (args[0] === "source-file") return { exitCode: 0, stdout: "something else\n", stderr: "" };
      if (args[0] === "list-panes") return { exitCode: 0, stdout: listing, stderr: "" };
      return { exitCode: 0, stdout: `screen of ${args.at(-1)}\n`, stderr: "" };
    });
    const look = await rt.look(NAMES.map((name) => ({ name, stillBefore: ACTIVITY })));
    expect(rt.calls.map((c) => c.args[0])).toEqual(["source-file", "list-panes", "capture-pane", "capture-pane"]);
    expect(look.screens.get("ao-rec-fe-2")?.text).toBe("screen of =ao-rec-fe-2:\n");
  });
});
