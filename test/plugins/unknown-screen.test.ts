// A still screen none of an agent's patterns know (not its prompt, no dialog, no busy line) was
// read as "ready", and so as "finished its turn; waiting for your next message": a booting Codex
// that printed a warning before its interface drew read as waiting for the person. Each agent
// now says "ready" only at its own prompt; anything else it does not know is "unknown".
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { aider } from "../../src/plugins/agent/aider.js";
import { claudeCode } from "../../src/plugins/agent/claude-code.js";
import { codex } from "../../src/plugins/agent/codex.js";
import { gemini } from "../../src/plugins/agent/gemini.js";
import { generic } from "../../src/plugins/agent/generic.js";
import type { AgentPlugin } from "../../src/plugins/types.js";
import { CODEX_PATH_WARNING } from "../helpers/screens.js";

const CAPTURES = join(dirname(fileURLToPath(import.meta.url)), "../fixtures/captures");
const capture = (agent: string, file: string) => readFileSync(join(CAPTURES, agent, file), "utf8");
const still = (agent: AgentPlugin, text: string) => agent.classifyStill({ capture: text, dead: false });


// Screens no agent plugin knows: a shell's error, a Python or Node trace, an update notice.
const SHELL_ERROR = "sh: 1: codex: not found";
const NODE_TRACE = "node:internal/modules/cjs/loader:1228\n  throw err;\n  ^\n\nError: Cannot find module '/usr/lib/node_modules/x/cli.js'\n    at Module._resolveFilename (node:internal/modules/cjs/loader:1225:15)\n\nNode.js v20.20.2";
const UPDATE_NOTICE = "  Update available! 2.1.197 → 2.2.0\n  Run npm install -g to update\n\n  Press any key to continue";

describe.each([
  ["claude-code", claudeCode],
  ["codex", codex],
  ["gemini", gemini],
])("%s: a screen it does not know is not ready", (agent, plugin) => {
  it.each([
    ["Codex's PATH warning alone", CODEX_PATH_WARNING],
    ["a shell's error", SHELL_ERROR],
    ["a crash trace", NODE_TRACE],
    ["an update notice", UPDATE_NOTICE],
  ])("%s", (_, text) => {
    expect(still(plugin, text)).toBe("unknown");
  });

  it("its own prompt, drawn under such a line, is ready", () => {
    expect(still(plugin, `${CODEX_PATH_WARNING}\n${capture(agent, "ready.txt")}`)).toBe("ready");
  });
});

describe("recorded screens without the agent's prompt", () => {
  it("Claude Code's first-run screen that failed before its input box drew (read as live) is unknown", () => {
    expect(still(claudeCode, capture("claude-code", "offline-first-run.txt"))).toBe("unknown");
  });

  it("Codex's screen left after it quit, with no composer on it, is unknown", () => {
    expect(still(codex, capture("codex", "exited.txt"))).toBe("unknown");
  });
});

describe("aider (its documented prompt)", () => {
  it("is ready at its prompt, waits on its yes/no questions, and knows nothing else", () => {
    expect(still(aider, "Aider v0.86.1\nMain model: gpt-4o\n> ")).toBe("ready");
    expect(still(aider, "architect> ")).toBe("ready");
    expect(still(aider, "Add file to the chat? (Y)es/(N)o [Yes]:")).toBe("waiting_input");
    expect(still(aider, "Traceback (most recent call last):\n  File \"aider/main.py\", line 1\nKeyError: 'x'")).toBe("unknown");
    expect(still(aider, UPDATE_NOTICE)).toBe("unknown");
  });
});

describe("the generic agent keeps its reading: any still screen of a command ao knows nothing of", () => {
  it("is ready at a prompt and busy by its own account without one (stuck if it stays so)", () => {
    expect(still(generic, "$ ")).toBe("ready");
    expect(still(generic, NODE_TRACE)).toBe("active");
    expect(still(generic, CODEX_PATH_WARNING)).toBe("active");
  });
});
