// An agent that exits: its reason is its exit status and what it said on its way out, not the
// furniture of its own screen. After /exit, Claude Code's dead pane ends in its slash-command
// menu, and the reason read "agent exited (status 0: /resume) / /compact Free up context… / /model …)".
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { deriveStatus } from "../../src/core/status.js";
import { claudeCode } from "../../src/plugins/agent/claude-code.js";
import { gemini } from "../../src/plugins/agent/gemini.js";
import { deadPaneWords } from "../../src/plugins/runtime/tmux-look.js";
import { TmuxRuntime } from "../../src/plugins/runtime/tmux.js";
import { EXIT_WORDS_MAX, waitForAgent } from "../../src/services/agent-start.js";
import { RuntimeFacts } from "../../src/services/runtime-facts.js";
import { runAo } from "../helpers/ao.js";
import { makeRepo } from "../helpers/git.js";
import { privateTmux, waitFor } from "../helpers/tmux.js";

const CAPTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/captures/claude-code");
const capture = (file: string) => readFileSync(path.join(CAPTURES, file), "utf8");
const dir = mkdtempSync(path.join(tmpdir(), "ao-exit-words-"));
const tm = privateTmux();
afterAll(() => {
  tm.kill();
  rmSync(dir, { recursive: true, force: true });
});

/** The last three lines a reason would quote, as deadPaneWords picks them after the plugin. */
const lastOf = (screen: string) => deadPaneWords(claudeCode.exitWords!(screen), 0).last;

describe("Claude Code's words on its way out, off recorded screens", () => {
  it("after /exit: the slash-command menu under its input box is none of them", () => {
    // The screen /exit leaves (slash-command-menu.txt: "/exit" typed, the menu under the box).
    expect(lastOf(capture("slash-command-menu.txt"))).toEqual([]);
  });

  it("after a second Ctrl-C: what it printed as it went, not its footer's hint", () => {
    expect(lastOf(capture("exited.txt"))).toEqual(["Resume this session with:", "claude --resume 6ab13f39-f0d6-4836-b8f0-6eb58e9043dc"]);
  });

  it("a screen it never drew its input box on is all its own words", () => {
    const offline = capture("offline-first-run.txt");
    expect(claudeCode.exitWords!(offline)).toBe(offline);
    expect(deadPaneWords(offline, 1).last.at(-1)).toMatch(/supported-countries/);
  });
});

describe("Gemini CLI's words on its way out, off recorded screens", () => {
  const gem = (file: string) => readFileSync(path.join(CAPTURES, "../gemini", file), "utf8");
  it.each(["exited.txt", "exited-to-shell.txt", "login-exited.txt"])("%s: its goodbye and how to resume, not its statistics nor the box around them", (file) => {
    const { last } = deadPaneWords(gemini.exitWords!(gem(file)), 0);
    expect(last[0]).toBe("Agent powering down. Goodbye!");
    expect(last[1]).toMatch(/^To resume this session: gemini --resume [0-9a-f-]{36}$/);
    // What came after the box stays: the shell's prompt it exited to.
    expect(last.slice(2)).toEqual(file === "exited-to-shell.txt" ? ["$"] : []);
  });

  it("a screen that does not end in its summary (a box of another kind) is all its own words", () => {
    const key = gem("api-key.txt");
    expect(gemini.exitWords!(key)).toBe(key);
  });
});

describe("a real pane that ends on Claude Code's /exit screen", () => {
  it("gives the reason \"agent exited (status 0)\", without the menu", async () => {
    const name = "ao-x-fe-1";
    const screen = path.join(dir, "slash.txt");
    // The recorded screen, drawn as Claude Code left it, then the process ends with status 0.
    writeFileSync(screen, capture("slash-command-menu.txt").replace(/\n+$/, ""));
    const r = tm.tmux("new-session", "-d", "-s", name, "-x", "120", "-y", "40", "sh", "-c", `read x; cat ${JSON.stringify(screen)}; sleep 1; exit 0`, ";", "set-option", "-w", "-t", `=${name}:`, "remain-on-exit", "on");
    expect(r.code).toBe(0);
    const facts = new RuntimeFacts(new TmuxRuntime(tm.socket), path.join(dir, "cache.json"), 60_000);
    const q = [{ id: "fe-1", tmuxName: name, agent: claudeCode }];
    await facts.gather(q);
    tm.tmux("send-keys", "-t", `=${name}:`, "Enter");
    const dead = await waitFor("the pane dead, its words read", async () => {
      const f = (await facts.gather(q)).get("fe-1")!;
      return f.lastWords !== undefined ? f : null;
    });
    // The pane did show the menu: the words left it out.
    expect(tm.tmux("capture-pane", "-p", "-t", `=${name}:`).stdout).toMatch(/^\/compact\s+Free up context/m);
    expect(dead).toMatchObject({ activity: "exited", lastWords: "status 0" });
    const status = deriveStatus({ now: new Date(), meta: { status: "working", tmuxName: name }, stuckAfterMs: 600_000, runtimeAlive: true, activity: "exited", pr: null, lastWords: dead.lastWords! });
    expect(status).toEqual({ status: "errored", cause: "agent_exited", reason: "agent exited (status 0); restore to relaunch it" });
  });
});

/**
 * Claude Code's screen as it exited (exited.txt), drawn in a 120-column pane as ao makes them:
 * its lines cut to 100 columns (the capture's rules and footer ran wider), tmux's own line gone.
 */
const exitedScreen = () =>
  capture("exited.txt")
    .split("\n")
    .filter((l) => !l.startsWith("Pane is dead"))
    .map((l) => [...l].slice(0, 100).join("").trimEnd())
    .join("\n")
    .replace(/\n+$/, "");

describe("an agent that exits at once, as spawn and restore say it", () => {
  let n = 0;
  /** A real pane that draws `screen` and dies with status 1 (a second later, as ao's launcher lingers). */
  const dyingPane = (screen: string): string => {
    const name = `ao-x-dies-${++n}`;
    const file = path.join(dir, `${name}.txt`);
    writeFileSync(file, screen);
    const r = tm.tmux("new-session", "-d", "-s", name, "-x", "120", "-y", "40", "sh", "-c", `cat ${JSON.stringify(file)}; sleep 1; exit 1`, ";", "set-option", "-w", "-t", `=${name}:`, "remain-on-exit", "on");
    expect(r.code).toBe(0);
    return name;
  };
  const failure = async (name: string, agent?: typeof claudeCode) => ((await waitForAgent(new TmuxRuntime(tm.socket), name, agent).catch((e: unknown) => e)) as Error).message;

  it("quotes Claude Code's words on its way out, not its footer's hint; an agent without exitWords, its raw last lines", async () => {
    const name = dyingPane(exitedScreen());
    expect(await failure(name, claudeCode)).toBe("the agent exited at once (status 1): Resume this session with: / claude --resume 6ab13f39-f0d6-4836-b8f0-6eb58e9043dc");
    // The pane did end on the hint: without the plugin's reading, it is quoted.
    expect(await failure(name)).toBe("the agent exited at once (status 1): Press Ctrl-C again to exit / Resume this session with: / claude --resume 6ab13f39-f0d6-4836-b8f0-6eb58e9043dc");
  });

  it("quotes them inert and bounded", async () => {
    const long = "x".repeat(110);
    const name = dyingPane(`Error: \u202eevil\u202c name\n${long}\n${long}\n${long}`);
    const said = await failure(name, claudeCode);
    expect(said.startsWith("the agent exited at once (status 1): x")).toBe(true);
    const words = said.slice("the agent exited at once (status 1): ".length);
    expect([...words]).toHaveLength(EXIT_WORDS_MAX);
    expect(words.endsWith("…")).toBe(true);
    const bidi = await failure(dyingPane("Error: \u202eevil\u202c name"), claudeCode);
    expect(bidi).toBe("the agent exited at once (status 1): Error: evil name");
  });

  it("ao spawn with Claude Code that exits at once says what it said, not its furniture", async () => {
    const root = mkdtempSync(path.join(dir, "spawn-"));
    const { clone } = await makeRepo(root);
    const bin = path.join(root, "bin");
    mkdirSync(bin);
    const screen = path.join(root, "screen.txt");
    writeFileSync(screen, exitedScreen());
    // A stand-in for `claude`, first on the PATH: it draws the screen the real one left, and exits.
    writeFileSync(path.join(bin, "claude"), `#!/bin/sh\ncat ${JSON.stringify(screen)}\nexit 1\n`);
    chmodSync(path.join(bin, "claude"), 0o755);
    writeFileSync(path.join(root, "ao.yaml"), `name: dies\nprojects:\n  frontend: { repo: org/app, path: ${JSON.stringify(clone)}, sessionPrefix: fe, agent: claude-code }\n`);
    const env: NodeJS.ProcessEnv = {
      PATH: `${bin}:${process.env.PATH}`,
      HOME: path.join(root, "home"),
      AO_HOME: path.join(root, "ao-home"),
      AO_CONFIG_PATH: path.join(root, "ao.yaml"),
      AO_TMUX_SOCKET: tm.socket,
    };
    const r = await runAo(["spawn", "frontend", "--prompt", "fix it"], { env });
    expect(r).toEqual({
      code: 1,
      stdout: "",
      stderr: "ao: spawn of fe-1 failed: the agent exited at once (status 1): Resume this session with: / claude --resume 6ab13f39-f0d6-4836-b8f0-6eb58e9043dc\n",
    });
  }, 60_000);
});
