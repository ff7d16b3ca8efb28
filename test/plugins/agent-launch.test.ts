import { describe, expect, it } from "vitest";
import { agentPlugin } from "../../src/plugins/agent/index.js";
import type { AgentPlace, HookTarget } from "../../src/plugins/types.js";

/** A machine given as its platform, its agent environment and its files (what wiring reads of it). */
function place(platform: string, env: Record<string, string>, files: Record<string, string> = {}): AgentPlace & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    facts: async (names) => ({ platform, env: Object.fromEntries(Object.entries(env).filter(([k]) => names.includes(k))) }),
    read: async (file) => (reads.push(file), files[file] ?? null),
  };
}

const target: HookTarget = {
  command: (e) => `/bin/sh /ao/bin/ao-hook.sh /h/s/fe-1/agent-events.jsonl x ${e}`,
  argv: (e) => ["/bin/sh", "/ao/bin/ao-hook.sh", "/h/s/fe-1/agent-events.jsonl", "codex", e],
  stateDir: "/h/s/fe-1",
  env: {},
  place: place("linux", { GEMINI_CLI_SYSTEM_DEFAULTS_PATH: "/nonexistent/defaults.json" }),
};

const P = `"$(cat /s/prompt.txt)"`;

describe("agent launch commands", () => {
  it.each([
    ["claude-code", `claude ${P}`, `claude --dangerously-skip-permissions ${P}`, "claude --continue"],
    ["codex", `codex ${P}`, `codex --dangerously-bypass-approvals-and-sandbox ${P}`, "codex resume --last"],
    ["gemini", `gemini -i ${P}`, `gemini --yolo -i ${P}`, "gemini --resume latest"],
  ])("%s keeps its permission prompts unless the project opts out", (name, normal, skipped, resume) => {
    const a = agentPlugin(name)!;
    expect(a.launchCommand({ promptShell: P, skipPermissions: false })).toBe(normal);
    expect(a.launchCommand({ promptShell: P, skipPermissions: true })).toBe(skipped);
    expect(a.resumeCommand({ skipPermissions: false })).toBe(resume);
  });

  it("runs the user's own command for generic, and aider without a prompt on its command line", () => {
    expect(agentPlugin("generic")!.launchCommand({ skipPermissions: false, agentCommand: "my-agent --x" })).toBe("my-agent --x");
    expect(() => agentPlugin("generic")!.launchCommand({ skipPermissions: false })).toThrow(/agentCommand/);
    expect(agentPlugin("aider")!.promptOnCommandLine).toBe(false);
    expect(agentPlugin("aider")!.launchCommand({ skipPermissions: true })).toBe("aider --yes-always");
  });

  it("wires hooks through each agent's own extra settings, in the session's folder only", async () => {
    const claude = await agentPlugin("claude-code")!.wireHooks!(target);
    expect(claude.args).toEqual(["--settings", "/h/s/fe-1/claude-settings.json"]);
    const settings = JSON.parse(claude.files[0]!.content) as { hooks: Record<string, Array<{ hooks: Array<{ command: string }> }>> };
    expect(Object.keys(settings.hooks)).toEqual(expect.arrayContaining(["SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUse", "PermissionRequest", "Notification", "Stop", "StopFailure", "SessionEnd"]));
    expect(settings.hooks.Stop![0]!.hooks[0]!.command).toMatch(/ao-hook\.sh .* Stop$/);
    const codex = await agentPlugin("codex")!.wireHooks!(target);
    expect(codex).toEqual({ args: ["-c", 'notify=["/bin/sh", "/ao/bin/ao-hook.sh", "/h/s/fe-1/agent-events.jsonl", "codex", "notify"]'], env: {}, files: [] });
    const gemini = await agentPlugin("gemini")!.wireHooks!(target);
    expect(gemini.env).toEqual({ GEMINI_CLI_SYSTEM_DEFAULTS_PATH: "/h/s/fe-1/gemini-system-defaults.json" });
    for (const w of [claude, codex, gemini]) for (const f of w.files) expect(f.path.startsWith("/h/s/fe-1/")).toBe(true);
    expect(agentPlugin("aider")!.wireHooks).toBeUndefined();
    expect(agentPlugin("generic")!.wireHooks).toBeUndefined();
  });

  it("starts under a given conversation id and resumes exactly that one", async () => {
    const id = "0b7e6a52-4f7e-4a44-9a8e-3f1d2c3b4a5d";
    const wiring = await agentPlugin("claude-code")!.wireHooks!(target);
    expect(agentPlugin("claude-code")!.launchCommand({ skipPermissions: false, wiring, agentSessionId: id })).toBe(`claude --settings /h/s/fe-1/claude-settings.json --session-id ${id}`);
    expect(agentPlugin("claude-code")!.resumeCommand({ skipPermissions: false, wiring, agentSessionId: id })).toBe(`claude --settings /h/s/fe-1/claude-settings.json --resume ${id}`);
    expect(agentPlugin("codex")!.resumeCommand({ skipPermissions: false, agentSessionId: id })).toBe(`codex resume ${id}`);
    expect(agentPlugin("gemini")!.launchCommand({ skipPermissions: false, agentSessionId: id })).toBe(`gemini --session-id ${id}`);
    expect(agentPlugin("gemini")!.resumeCommand({ skipPermissions: false, agentSessionId: id })).toBe(`gemini --resume ${id}`);
  });

  it.each([
    ["linux", {}, "/etc/gemini-cli/system-defaults.json"],
    ["darwin", {}, "/Library/Application Support/GeminiCli/system-defaults.json"],
    ["darwin", { GEMINI_CLI_SYSTEM_SETTINGS_PATH: "/opt/gem/settings.json" }, "/opt/gem/system-defaults.json"],
    ["linux", { GEMINI_CLI_SYSTEM_SETTINGS_PATH: "/opt/gem/settings.json", GEMINI_CLI_SYSTEM_DEFAULTS_PATH: "/srv/d.json" }, "/srv/d.json"],
  ])("Gemini's wiring builds on the system defaults Gemini reads there (%s, %j)", async (platform, env, file) => {
    const mine = { general: { vimMode: true }, hooks: { AfterTool: [{ hooks: [{ type: "command", command: "audit" }] }] } };
    const where = place(platform, env, { [file]: JSON.stringify(mine) });
    const gemini = await agentPlugin("gemini")!.wireHooks!({ ...target, place: where });
    expect(where.reads).toEqual([file]);
    const written = JSON.parse(gemini.files[0]!.content) as { general: unknown; hooks: Record<string, Array<{ hooks: Array<{ command: string }> }>> };
    // What the file held stays, and ao's hook comes after the user's own.
    expect(written.general).toEqual({ vimMode: true });
    expect(written.hooks.AfterTool!.map((h) => h.hooks[0]!.command)).toEqual(["audit", expect.stringMatching(/ao-hook\.sh .* AfterTool$/)]);
  });
});
