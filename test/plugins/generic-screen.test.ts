import { describe, expect, it } from "vitest";
import { agentPlugin } from "../../src/plugins/agent/index.js";

const still = (capture: string) => agentPlugin("generic")!.classifyStill({ capture, dead: false });

describe("a generic agent's still screen", () => {
  it("is ready at a prompt, a draft's continuation lines included", () => {
    expect(still("sim-agent — app\n● Done.\n> ")).toBe("ready");
    expect(still("● Done.\n> CI failed on PR #4:\n  check-k1: failure\n  a.ts:1 broken")).toBe("ready");
    expect(still("aider> ")).toBe("ready");
    // A shell's prompt with a long path or spaces before its mark (it was never read as one, so
    // the session was stuck and ao send waited its whole timeout).
    expect(still("$ make\ndone\nroot@build-host-01:/tmp/ao-home/worktrees/frontend/fe-12$ ")).toBe("ready");
    expect(still("me@laptop ~/code/app (main) $ ")).toBe("ready");
    expect(still("[me@laptop app]# ")).toBe("ready");
  });

  it("does not take output that ends like a prompt for one", () => {
    expect(still("Downloading… 100%")).toBe("active");
    expect(still("<div class=\"x\">")).toBe("active");
  });

  it("is busy by its own account without one: a hang shows no prompt, and stays so until stuck", () => {
    expect(still("sim-agent — app\n● Running: npm test -- --watch")).toBe("active");
    expect(still("")).toBe("active");
  });

  it("waits for the person on a yes/no question", () => {
    expect(still("● Deploy?\n? Deploy to staging? (y/n)")).toBe("waiting_input");
  });
});
