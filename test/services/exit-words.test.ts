// An agent that exits: its reason is its exit status and what it said on its way out, not the
// furniture of its own screen. After /exit, Claude Code's dead pane ends in its slash-command
// menu, and the reason read "agent exited (status 0: /resume) / /compact Free up context… / /model …)".
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { deriveStatus } from "../../src/core/status.js";
import { claudeCode } from "../../src/plugins/agent/claude-code.js";
import { gemini } from "../../src/plugins/agent/gemini.js";
import { deadPaneWords } from "../../src/plugins/runtime/tmux-look.js";
import { TmuxRuntime } from "../../src/plugins/runtime/tmux.js";
import { RuntimeFacts } from "../../src/services/runtime-facts.js";
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
