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
// (Claude's api-key.txt asks which key to sign in with, as Codex's and Gemini's key screens do.)
const BLOCKED_NOT_WAITING: Record<AgentName, string[]> = {
  "claude-code": ["api-key.txt"],
  codex: ["login.txt", "login-other-way.txt", "api-key.txt"],
  gemini: ["login.txt", "api-key.txt"],
};
// Busy screens that carry no busy marker: the moving screen says active; still, they read ready.
const BUSY_WITHOUT_MARKER: Record<AgentName, string[]> = {
  "claude-code": [],
  codex: [
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

// Screens back at the prompt after a turn that ended on an error: the words the error is read as.
// Every other capture shows no failed turn (an error above a later turn, an Esc, a cancel).
const CLAUDE_500 = "API Error: 500 Internal server error (scripted). This is a server-side issue, usually temporary — try again in a moment. If it persists, check your inference gateway (127.0.0.1:8787).";
const CLAUDE_529 = "API Error: 529 Overloaded. This is a server-side issue, usually temporary — try again in a moment. If it persists, check your inference gateway (127.0.0.1:8787).";
const CLAUDE_TIMEOUT = "Request timed out (API_TIMEOUT_MS=60000ms, try increasing it)";
const STALL_500 = "API Error: 500 Internal server error (scripted). This is a server-side issue, usually temporary — try again in a moment. If it persists, check your inference gateway (127.0.0.1:34877).";
const TURN_ERRORS: Record<AgentName, Record<string, string>> = {
  "claude-code": {
    "error.txt": CLAUDE_500,
    "error-overloaded.txt": CLAUDE_529,
    // The first Ctrl-C after it, and the pane once Claude exited, still end on that failed turn.
    "exit-confirm.txt": CLAUDE_529,
    "exited.txt": CLAUDE_529,
    // Its own words for an error, under the prompt: a request that never got an answer.
    "hang-timeout-60s.txt": CLAUDE_TIMEOUT,
    "hang-timeout-end.txt": CLAUDE_TIMEOUT,
    // A stalled stream whose second request (without streaming) failed, or was not made; the
    // screen 100 s later is the same. (stall-hooks-end.txt: that request answered, no error.)
    "stall-fail-end.txt": STALL_500,
    "stall-fail-after.txt": STALL_500,
    "stall-hang-end.txt": "Request timed out (API_TIMEOUT_MS=120000ms, try increasing it)",
    "stall-nofallback-end.txt": "API Error: The operation timed out.",
    "stall-nofallback-after.txt": "API Error: The operation timed out.",
  },
  codex: {
    "error.txt": "We’re currently experiencing high demand, which may cause temporary errors.",
    "error-unauthorized.txt": "unexpected status 401 Unauthorized: Incorrect API key provided (scripted)., url: http://127.0.0.1:33103/v1/responses",
    // Wrapped at the URL's "/" onto an unindented line.
    "error-usage-limit.txt": "You’ve hit your usage limit. Upgrade to Pro (https://chatgpt.com/explore/pro), visit https://chatgpt.com/settings/usage to purchase more credits or try again at 6:57 AM.",
  },
  gemini: {
    "error.txt": "API Error 400 INVALID_ARGUMENT: Invalid request (scripted)",
    "error-unauthorized.txt": "API Error 401 UNAUTHENTICATED: API key not valid (scripted).",
    "error-quota.txt": "[API Error: You have exhausted your daily quota on this model.] Please wait and try again later. To increase your limits, request a quota increase through AI Studio, or switch to another /auth method",
    // A request that never got an answer fails after about two minutes; a reply that stopped, after ten.
    "hang-end.txt": "[API Error: exception TypeError: fetch failed sending request]",
    "stall-end.txt": "[API Error: terminated]",
  },
};
// Per agent, a failed turn's screen and its empty input line, to type a draft into.
const DRAFT_AFTER_ERROR: Record<AgentName, [string, string, string]> = {
  "claude-code": ["error.txt", "❯\u00a0", "❯\u00a0try again"],
  codex: ["error-unauthorized.txt", "› Ask Codex to do anything", "› try again"],
  gemini: ["error-unauthorized.txt", " >   Type your message or @path/to/file", " > try again"],
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

describe.each(Object.keys(TURN_ERRORS) as Array<keyof typeof TURN_ERRORS>)("%s: the error a turn ended on", (agent) => {
  const plugin = AGENTS[agent];
  it("each error capture is recorded at the prompt (ready), or after the agent exited", () => {
    for (const f of Object.keys(TURN_ERRORS[agent])) expect(["ready", "exited"], f).toContain(meta(agent)[f]?.state);
  });
  it.each(Object.keys(meta(agent)))("%s", (file) => {
    expect(plugin.readTurnError!(screen(agent, file).capture)).toBe(TURN_ERRORS[agent][file] ?? null);
  });
  it("a draft typed after the error leaves it the last turn's outcome", () => {
    const [file, prompt, draft] = DRAFT_AFTER_ERROR[agent];
    const s = screen(agent, file).capture;
    expect(s).toContain(prompt);
    expect(plugin.readTurnError!(s.replace(prompt, draft))).toBe(TURN_ERRORS[agent][file]);
  });
});

it("gemini: an error line the model went on after (its text, a tool box) is not the turn's outcome", () => {
  const s = screen("gemini", "error-unauthorized.txt").capture;
  // The failed turn's own "ℹ This request failed." (an earlier turn's is above it).
  const at = s.lastIndexOf("ℹ This request failed.");
  expect(at).toBeGreaterThan(s.indexOf("unauthorized please"));
  const after = (text: string) => `${s.slice(0, at)}${text}\n${s.slice(at)}`;
  expect(gemini.readTurnError!(after("✦ Recovered: here is the answer."))).toBeNull();
  expect(gemini.readTurnError!(after("╭──────╮\n│ ✓  Shell  ls │\n╰──────╯"))).toBeNull();
  expect(gemini.readTurnError!(after("ℹ A note."))).toBe(TURN_ERRORS.gemini["error-unauthorized.txt"]);
});

describe("claude: the error a turn ended on is its last entry", () => {
  const s = screen("claude-code", "error.txt").capture;
  const done = "✻ Crunched for 1s";
  it("the model going on after the error (its text, a tool) is not the turn's outcome", () => {
    expect(s).toContain(done);
    expect(claudeCode.readTurnError!(s.replace(done, `● Recovered: here is the answer.\n${done}`))).toBeNull();
    expect(claudeCode.readTurnError!(s.replace(done, `● Bash(ls)\n  ⎿  README.md\n${done}`))).toBeNull();
  });
  it("Esc's \"Interrupted\" and a slash command's output under the prompt are not errors", () => {
    const t = screen("claude-code", "hang-timeout-end.txt").capture;
    // Claude draws "⎿" with a no-break space after it.
    const own = /^ {2}⎿\s+Request timed out.*$/m.exec(t)?.[0] ?? "";
    expect(own).not.toBe("");
    expect(claudeCode.readTurnError!(t.replace(own, "  ⎿  Interrupted · What should Claude do instead?"))).toBeNull();
    expect(claudeCode.readTurnError!(t.replace(own, "  ⎿  Set model to Sonnet"))).toBeNull();
    // Its own words only when nothing of the model's is above them in the turn.
    expect(claudeCode.readTurnError!(t.replace(own, `● Let me look.\n${own}`))).toBeNull();
  });
});

/*
 * A request the model never answers ("hang") or a reply that stops mid-stream ("stall"): the
 * spinner keeps the screen moving. What progressOf keeps of a screen (its spinner's own motion
 * taken out) must be the same across the captures of one such turn, and differ once a reply streams.
 */
const STILL_WORK: Record<AgentName, string[][]> = {
  "claude-code": [
    ["hang-10s.txt", "hang-60s.txt", "hang-4m.txt", "hang-end.txt"], // the last one after its own timeout: "Request timed out. · Retrying in 0s · attempt 2/2"
    ["stall-10s.txt", "stall-60s.txt", "stall-4m.txt"],
    ...["hooks", "fail", "hang", "nofallback"].map((run) => [`stall-${run}-10s.txt`, `stall-${run}-60s.txt`, `stall-${run}-4m.txt`]),
  ],
  // A tip shows under "Working" in the first minute: progress once, then nothing. A stalled reply
  // shows no busy line at all; after 5 min Codex reconnects and streams it again (stall-end.txt).
  codex: [["hang-60s.txt", "hang-4m.txt", "hang-end.txt"], ["stall-10s.txt", "stall-60s.txt", "stall-4m.txt"]],
  gemini: [["hang-10s.txt", "hang-60s.txt"], ["stall-10s.txt", "stall-60s.txt", "stall-4m.txt"]],
};
const REPLY_STREAMED: Record<AgentName, [string, string]> = {
  "claude-code": ["working-1.txt", "working-3.txt"], // "↓ 2 tokens" before any text shows
  codex: ["working-1.txt", "queued.txt"],
  gemini: ["working-2.txt", "working-streaming.txt"],
};
// Screens where the person's prompt is the last thing above the spinner, and its clock then.
const UNANSWERED: Record<AgentName, Record<string, number | null>> = {
  "claude-code": { "hang-10s.txt": null, "hang-60s.txt": 61_000, "hang-4m.txt": 241_000, "hang-end.txt": null, "hang-timeout-10s.txt": null, "working-1.txt": null, "working-2.txt": null, "error-retrying.txt": null, "error-overloaded-retrying.txt": null },
  codex: { "hang-10s.txt": 11_000, "hang-60s.txt": 60_000, "hang-4m.txt": 241_000, "hang-end.txt": 663_000, "working-1.txt": 1000, "working-2.txt": 4000, "working-with-draft.txt": 5000, "queued.txt": 5000, "error-retrying.txt": 3000 },
  gemini: { "hang-10s.txt": 10_000, "hang-60s.txt": 60_000, "working-1.txt": 1000, "working-2.txt": 4000, "working-with-draft.txt": 5000, "error-retrying.txt": 8000 },
};

describe.each(Object.keys(AGENTS) as AgentName[])("%s: progress on a busy screen", (agent) => {
  const plugin = AGENTS[agent];
  const progress = (file: string) => plugin.progressOf!(screen(agent, file).capture);
  it.each(STILL_WORK[agent].map((files) => [files.join(", "), files] as const))("no progress across %s", (_name, files) => {
    const shown = files.map((f) => progress(f)?.shown);
    expect(shown[0]).toEqual(expect.any(String));
    for (const s of shown) expect(s).toBe(shown[0]);
  });
  it("a reply streaming in is progress", () => {
    const [before, after] = REPLY_STREAMED[agent];
    expect(progress(before)?.shown).toEqual(expect.any(String));
    expect(progress(after)?.shown).toEqual(expect.any(String));
    expect(progress(after)!.shown).not.toBe(progress(before)!.shown);
  });
  it.each(Object.keys(meta(agent)))("%s: a busy marker only on a busy screen; unanswered only under the prompt", (file) => {
    const c = meta(agent)[file]!;
    const p = progress(file);
    if (p) expect(c.state).toBe("active");
    expect(p?.unanswered ?? false).toBe(file in UNANSWERED[agent]);
    if (p?.unanswered) expect(p.waitedMs).toBe(UNANSWERED[agent][file]);
  });
});
