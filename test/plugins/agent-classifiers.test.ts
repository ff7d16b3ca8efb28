import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { deriveActivity } from "../../src/core/activity.js";
import { claudeCode } from "../../src/plugins/agent/claude-code.js";
import { codex } from "../../src/plugins/agent/codex.js";
import { gemini } from "../../src/plugins/agent/gemini.js";
import type { AgentPlugin, ScreenFacts, StillActivity } from "../../src/plugins/types.js";

// Real tmux captures with the state each shows (test/fixtures/captures/RECORDING.md).
const CAPTURES = join(dirname(fileURLToPath(import.meta.url)), "../fixtures/captures");

interface Capture {
  state: "ready" | "active" | "waiting_input" | "blocked" | "exited";
  paneCurrentCommand: string;
  paneDead: number;
  how: string;
}

type AgentName = "claude-code" | "codex" | "gemini";
const AGENTS: Record<AgentName, AgentPlugin> = { "claude-code": claudeCode, codex, gemini };

// Decisions on top of meta.json's recorded state, one line per capture.
// Sign-in screens are recorded as waiting_input; signing in is not answering the agent, so blocked.
// (Claude's api-key.txt is a yes/no about a key already set: it stays waiting_input.)
const BLOCKED_NOT_WAITING: Record<AgentName, string[]> = {
  "claude-code": [],
  codex: ["login.txt", "login-other-way.txt", "api-key.txt"],
  gemini: ["login.txt", "api-key.txt"],
};
// Busy screens that carry no busy marker: the moving screen says active; still, they read ready.
const BUSY_WITHOUT_MARKER: Record<AgentName, string[]> = {
  "claude-code": [],
  codex: [
    "working-streaming.txt", // Codex hides its "Working (" line while text streams
    "steer.txt", // the steered turn had already ended on screen
  ],
  gemini: [],
};
// Screens that show a queued message: the queued captures, and (Codex, Gemini) the later frame of
// the same turn, which still shows the message waiting.
const QUEUED: Record<AgentName, string[]> = {
  "claude-code": ["queued.txt"],
  codex: ["queued.txt", "working-streaming.txt"],
  gemini: ["queued.txt", "working-streaming.txt"],
};

const ASKS_A_PERSON: StillActivity[] = ["waiting_input", "blocked"];

function meta(agent: AgentName): Record<string, Capture> {
  const all = JSON.parse(readFileSync(join(CAPTURES, agent, "meta.json"), "utf8")) as { captures: Record<string, Capture> };
  return Object.fromEntries(Object.entries(all.captures).filter(([file]) => file.endsWith(".txt")));
}

function screen(agent: AgentName, file: string, c?: Capture): ScreenFacts {
  return {
    capture: readFileSync(join(CAPTURES, agent, file), "utf8"),
    dead: c ? c.paneDead === 1 : false,
  };
}

function expected(agent: AgentName, file: string, c: Capture): StillActivity | "exited" {
  if (BLOCKED_NOT_WAITING[agent].includes(file)) return "blocked";
  if (BUSY_WITHOUT_MARKER[agent].includes(file)) return "ready";
  return c.state;
}

// Claude draws its input prompt as "❯" and a no-break space (transcript lines use a plain space).
const BOX = "❯\u00a0";

/** A still capture with its draft line replaced. */
function withDraft(agent: AgentName, file: string, from: string, to: string): ScreenFacts {
  const s = screen(agent, file);
  expect(s.capture).toContain(from);
  return { ...s, capture: s.capture.replace(from, to) };
}

describe.each(Object.keys(AGENTS) as AgentName[])("%s screens", (agent) => {
  const plugin = AGENTS[agent];
  const captures = meta(agent);

  it("meta.json lists every .txt capture, and each decision names a capture with the state it overrides", () => {
    const onDisk = readdirSync(join(CAPTURES, agent)).filter((f) => f.endsWith(".txt"));
    expect(Object.keys(captures).sort()).toEqual(onDisk.sort());
    for (const f of BLOCKED_NOT_WAITING[agent]) expect(captures[f]?.state).toBe("waiting_input");
    for (const f of BUSY_WITHOUT_MARKER[agent]) expect(captures[f]?.state).toBe("active");
    for (const f of QUEUED[agent]) expect(captures[f]?.state).toBe("active");
  });

  describe.each(Object.entries(captures))("%s", (file, c) => {
    const want = expected(agent, file, c);

    if (want === "exited" && c.paneDead === 1) {
      it("is exited, from the dead pane", () => {
        const s = screen(agent, file, c);
        const got = deriveActivity({ dead: s.dead, activityAtSec: 0, nowMs: 60_000, readyThresholdMs: 30_000, classifyStill: () => plugin.classifyStill(s) });
        expect(got).toBe("exited");
      });
    } else if (want === "exited") {
      it(`back at a ${c.paneCurrentCommand} prompt: asks nothing of a person`, () => {
        expect(ASKS_A_PERSON).not.toContain(plugin.classifyStill(screen(agent, file, c)));
      });
    } else {
      it(`classifies as ${want}`, () => {
        expect(plugin.classifyStill(screen(agent, file, c))).toBe(want);
      });
    }

    it(`showsQueued is ${QUEUED[agent].includes(file)}`, () => {
      expect(plugin.showsQueued(screen(agent, file, c).capture)).toBe(QUEUED[agent].includes(file));
    });
  });
});

describe("drafts and old transcript lines are not dialogs", () => {
  it("claude: a draft that reads like a permission prompt stays ready", () => {
    const s = withDraft("claude-code", "ready-with-draft.txt", `${BOX}say hello`, `${BOX}Do you want to proceed? 1. Yes`);
    expect(claudeCode.classifyStill(s)).toBe("ready");
  });

  it("claude: a multi-line draft with options and a dialog hint stays ready", () => {
    const s = withDraft("claude-code", "ready-with-draft.txt", `${BOX}say hello`, `${BOX}Do you want to proceed?\n  ❯ 1. Yes\n    2. No\n  Enter to confirm · Esc to cancel`);
    expect(claudeCode.classifyStill(s)).toBe("ready");
  });

  it("claude: the same draft typed while busy stays active", () => {
    const s = withDraft("claude-code", "working-with-draft.txt", `${BOX}and then say hi`, `${BOX}Do you want to proceed? 1. Yes`);
    expect(claudeCode.classifyStill(s)).toBe("active");
  });

  it("claude: a quoted dialog in the transcript above the prompt stays ready", () => {
    const quoted = "● The tool showed:\n Do you want to proceed?\n ❯ 1. Yes\n   2. No\n Esc to cancel · Tab to amend";
    const s = withDraft("claude-code", "ready-after-turn.txt", "● Hello! This is a scripted reply from the local fake endpoint.", quoted);
    expect(claudeCode.classifyStill(s)).toBe("ready");
  });

  it("codex: a draft that looks like an option line stays ready", () => {
    const s = withDraft("codex", "ready-with-draft.txt", "› say hello", "› 1. Yes, proceed (y)\n  Press enter to confirm or esc to cancel");
    expect(codex.classifyStill(s)).toBe("ready");
  });

  it("gemini: a draft that looks like a radio option stays ready", () => {
    const s = withDraft("gemini", "ready-with-draft.txt", " > say hello", " > Allow execution of [Shell]?\n   ● 1. Allow once\n ╰──────────╯");
    expect(gemini.classifyStill(s)).toBe("ready");
  });
});
