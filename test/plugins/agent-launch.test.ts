import { describe, expect, it } from "vitest";
import { agentPlugin } from "../../src/plugins/agent/index.js";

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
});
