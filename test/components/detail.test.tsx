import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { KEY, renderDashboard } from "../helpers/dashboard-harness.js";
import { view } from "../helpers/session-view.js";

afterEach(() => cleanup());

describe("the detail pane", () => {
  it("explains a status with what the agent itself reported: its question, its last words, its events", async () => {
    const asking = view({
      id: "fe-1",
      status: "needs_input",
      statusCause: "permission",
      statusReason: "Claude Code asked: Do you want to allow Bash `npm test`?",
      activity: "waiting_input",
      agent: {
        source: "event",
        sessionId: "11111111-2222-4333-8444-555555555555",
        question: { kind: "permission", text: "Do you want to allow Bash `npm test`?", options: [], source: "event" },
        lastMessage: "All tests pass.\u001b[2J",
        lastEvents: [
          { time: "2026-01-01T11:59:58.000Z", event: "UserPromptSubmit", detail: null },
          { time: "2026-01-01T11:59:59.000Z", event: "PermissionRequest", detail: "Bash npm test" },
        ],
      },
    });
    const h = await renderDashboard({ sessions: [asking], cursor: "fe-1" });
    await h.press(KEY.tab);
    const f = await h.until("the detail pane", (x) => x.includes("Asks:"));
    expect(f).toContain("fe-1 needs_input — Claude Code asked: Do you want to allow Bash `npm test`?");
    expect(f).toContain("Asks: Do you want to allow Bash `npm test`?");
    expect(f).toContain("Last said: All tests pass.");
    expect(f).toMatch(/Events \(status from these\): 11:59:58 UserPromptSubmit · 11:59:59 PermissionRequest Bash npm test/);
  });
});
