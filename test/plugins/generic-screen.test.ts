import { describe, expect, it } from "vitest";
import { agentPlugin } from "../../src/plugins/agent/index.js";

const still = (capture: string) => agentPlugin("generic")!.classifyStill({ capture, dead: false });

describe("a generic agent's still screen", () => {
  it("is ready at a prompt, a draft's continuation lines included", () => {
    expect(still("sim-agent — app\n● Done.\n> ")).toBe("ready");
    expect(still("● Done.\n> CI failed on PR #4:\n  check-k1: failure\n  a.ts:1 broken")).toBe("ready");
    expect(still("aider> ")).toBe("ready");
  });

  it("is busy by its own account without one: a hang shows no prompt, and stays so until stuck", () => {
    expect(still("sim-agent — app\n● Running: npm test -- --watch")).toBe("active");
    expect(still("")).toBe("active");
  });

  it("waits for the person on a yes/no question", () => {
    expect(still("● Deploy?\n? Deploy to staging? (y/n)")).toBe("waiting_input");
  });
});
