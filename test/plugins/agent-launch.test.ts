import { describe, expect, it } from "vitest";
import { agentPlugin } from "../../src/plugins/agent/index.js";
import type { HookTarget } from "../../src/plugins/types.js";

const target: HookTarget = {
  command: (e) => `/bin/sh /ao/bin/ao-hook.sh /h/s/fe-1/agent-events.jsonl x ${e}`,
  argv: (e) => ["/bin/sh", "/ao/bin/ao-hook.sh", "/h/s/fe-1/agent-events.jsonl", "codex", e],
  stateDir: "/h/s/fe-1",
  env: { GEMINI_CLI_SYSTEM_DEFAULTS_PATH: "/nonexistent/defaults.json" },
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

  it("wires hooks through each agent's own extra settings, in the session's folder only", () => {
    const claude = agentPlugin("claude-code")!.wireHooks!(target);
    expect(claude.args).toEqual(["--settings", "/h/s/fe-1/claude-settings.json"]);
    const settings = JSON.parse(claude.files[0]!.content) as { hooks: Record<string, Array<{ hooks: Array<{ command: string }> }>> };
    expect(Object.keys(settings.hooks)).toEqual(expect.arrayContaining(["SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUse", "PermissionRequest", "Notification", "Stop", "StopFailure", "SessionEnd"]));
    expect(settings.hooks.Stop![0]!.hooks[0]!.command).toMatch(/ao-hook\.sh .* Stop$/);
    const codex = agentPlugin("codex")!.wireHooks!(target);
    expect(codex).toEqual({ args: ["-c", 'notify=["/bin/sh", "/ao/bin/ao-hook.sh", "/h/s/fe-1/agent-events.jsonl", "codex", "notify"]'], env: {}, files: [] });
    const gemini = agentPlugin("gemini")!.wireHooks!(target);
    expect(gemini.env).toEqual({ GEMINI_CLI_SYSTEM_DEFAULTS_PATH: "/h/s/fe-1/gemini-system-defaults.json" });
    for (const w of [claude, codex, gemini]) for (const f of w.files) expect(f.path.startsWith("/h/s/fe-1/")).toBe(true);
    expect(agentPlugin("aider")!.wireHooks).toBeUndefined();
    expect(agentPlugin("generic")!.wireHooks).toBeUndefined();
  });

  it("starts under a given conversation id and resumes exactly that one", () => {
    const id = "0b7e6a52-4f7e-4a44-9a8e-3f1d2c3b4a5d";
    const wiring = agentPlugin("claude-code")!.wireHooks!(target);
    expect(agentPlugin("claude-code")!.launchCommand({ skipPermissions: false, wiring, agentSessionId: id })).toBe(`claude --settings /h/s/fe-1/claude-settings.json --session-id ${id}`);
    expect(agentPlugin("claude-code")!.resumeCommand({ skipPermissions: false, wiring, agentSessionId: id })).toBe(`claude --settings /h/s/fe-1/claude-settings.json --resume ${id}`);
    expect(agentPlugin("codex")!.resumeCommand({ skipPermissions: false, agentSessionId: id })).toBe(`codex resume ${id}`);
    expect(agentPlugin("gemini")!.launchCommand({ skipPermissions: false, agentSessionId: id })).toBe(`gemini --session-id ${id}`);
    expect(agentPlugin("gemini")!.resumeCommand({ skipPermissions: false, agentSessionId: id })).toBe(`gemini --resume ${id}`);
  });
});
