import { describe, expect, it } from "vitest";
import { ACTIONS, agentRunning } from "../../src/core/actions.js";
import { view } from "../helpers/session-view.js";

const reason = (id: string, s: ReturnType<typeof view>) => ACTIONS.find((a) => a.id === id)!.disabledReason!(s);

describe("whether a session's agent runs", () => {
  // A blank screen (the agent not drawn yet) has no activity: its pane lives all the same.
  const booting = view({ id: "fe-1", status: "spawning", statusCause: "booting", statusReason: "Claude Code is starting (nothing on its screen yet)", activity: null });
  const lost = view({ id: "fe-2", status: "errored", statusCause: "runtime_lost", statusReason: "runtime lost", activity: null });
  const exited = view({ id: "fe-3", status: "errored", statusCause: "agent_exited", statusReason: "agent exited", activity: "exited" });
  // A screen ao does not recognize has no activity either, whatever status its PR gives it.
  const unknown = view({ id: "fe-5", status: "pr_open", statusCause: "pr_open", statusReason: "PR #4 open", activity: null, unrecognizedScreen: "Update available!" });

  it.each([
    ["booting, no activity yet", booting, true],
    ["at its prompt", view({ id: "fe-4" }), true],
    ["its tmux gone", lost, false],
    ["exited", exited, false],
    ["showing a screen ao does not recognize", unknown, true],
  ])("%s", (_, s, runs) => {
    expect(agentRunning(s)).toBe(runs);
  });

  it("a booting session can be attached to, and is not restored over its live pane", () => {
    expect(reason("attach", booting)).toBeNull();
    expect(reason("restore", booting)).toBe("session is alive");
    expect(reason("attach", lost)).toBe("session is not running (r restores it)");
    expect(reason("restore", lost)).toBeNull();
    expect(reason("attach", unknown)).toBeNull();
    expect(reason("send", unknown)).toBeNull();
    expect(reason("restore", unknown)).toBe("session is alive");
  });
});
