import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import type { Question } from "../../src/core/question.js";
import { fakeDeps, KEY, renderDashboard, type FakeDeps } from "../helpers/dashboard-harness.js";
import { view } from "../helpers/session-view.js";

afterEach(() => cleanup());

const MENU: Question = {
  kind: "permission",
  text: "Allow \u001b]0;PWNED\u0007deploy to production?",
  options: [
    { key: "1", label: "Yes" },
    { key: "2", label: "Yes, and don't ask again" },
    { key: "3", label: "No\u001b[2J" },
  ],
  detail: ["Bash command", "$ deploy --prod\u001b]52;c;cHdu\u0007"],
  source: "screen",
  answerWith: "arrows",
  cursor: 0,
};

const calls = (deps: { calls: unknown[][] }, name: string) => deps.calls.filter((c) => c[0] === name);

/** Deps whose agent asks `question`, and that record answers. */
function asking(question: Question | null, outcome: "answered" | "unconfirmed" = "answered"): FakeDeps {
  const deps = fakeDeps();
  deps.question = async (id) => (deps.calls.push(["question", id]), question);
  deps.answer = async (id, key) => (deps.calls.push(["answer", id, key]), { outcome });
  return deps;
}

const sessions = () => [view({ id: "fe-1", status: "needs_input", activity: "waiting_input" }), view({ id: "fe-2", status: "working", activity: "ready" })];

describe("answer dialog", () => {
  it("s on a session waiting on a question shows it with numbered options; the picked option is answered", async () => {
    const deps = asking(MENU);
    deps.sessions = sessions();
    const h = await renderDashboard({ sessions: deps.sessions, cursor: "fe-1" }, { deps });
    await h.press("s");
    const f = await h.until("the question", (fr) => fr.includes("fe-1 is waiting on a permission prompt") && fr.includes("3. No"));
    // The agent's words are inert: no title change, no clear.
    expect(f).toContain("Allow deploy to production?");
    // What is being allowed shows above the question.
    expect(f).toContain("$ deploy --prod");
    expect(f).not.toContain("cHdu");
    expect(f).toContain("1. Yes");
    expect(f).toContain("2. Yes, and don't ask again");
    expect(f).not.toContain("Send to fe-1");
    // Nothing is picked for the person: Enter alone answers nothing.
    await h.press(KEY.enter);
    expect(calls(deps, "answer")).toEqual([]);
    await h.press("2");
    await h.until("2 picked", (fr) => fr.includes("❯ 2. Yes, and don't ask again"));
    await h.press(KEY.down, KEY.up);
    await h.press(KEY.enter);
    await h.until("the outcome", (fr) => fr.includes("✓ Answered with 2. Yes, and don't ask again"));
    expect(calls(deps, "answer")).toEqual([["answer", "fe-1", "2"]]);
    expect(calls(deps, "send")).toEqual([]);
    await h.press(KEY.enter);
    await h.until("closed", (fr) => !fr.includes("is waiting on"));
  });

  it("y/n questions take y or n; an answer that leaves the question on screen says so", async () => {
    const deps = asking({ kind: "question", text: "Deploy to staging?", options: [{ key: "y", label: "yes" }, { key: "n", label: "no" }], source: "screen", answerWith: "key" }, "unconfirmed");
    deps.sessions = sessions();
    const h = await renderDashboard({ sessions: deps.sessions, cursor: "fe-1" }, { deps });
    await h.press("s");
    const f = await h.until("the question", (fr) => fr.includes("[y] yes") && fr.includes("[n] no"));
    // The hint names the keys that work here: an option's own, not digits.
    expect(f).toContain("pick an option: [its key/↑↓]");
    await h.press("n", KEY.enter);
    await h.until("the outcome", (fr) => fr.includes("⚠ Chose no, but the question is still on screen"));
    expect(calls(deps, "answer")).toEqual([["answer", "fe-1", "n"]]);
  });

  it("esc closes without answering; a send refused because a question came up turns into the answer dialog", async () => {
    const deps = asking(MENU);
    deps.sessions = sessions();
    deps.send = async (id, text) => {
      deps.calls.push(["send", id, text]);
      throw Object.assign(new Error("fe-2 is waiting on a permission prompt, so nothing was typed"), { question: MENU });
    };
    const h = await renderDashboard({ sessions: deps.sessions, cursor: "fe-1" }, { deps });
    await h.press("s");
    await h.until("the question", (fr) => fr.includes("3. No"));
    await h.press(KEY.escape);
    await h.until("closed", (fr) => !fr.includes("is waiting on"));
    expect(calls(deps, "answer")).toEqual([]);

    await h.press("j", "s");
    await h.until("the send box", (fr) => fr.includes("Send to fe-2"));
    await h.press("hello", KEY.enter);
    await h.until("the answer dialog", (fr) => fr.includes("fe-2 is waiting on a permission prompt") && fr.includes("1. Yes"));
    expect(calls(deps, "answer")).toEqual([]);
  });

  it("a question ao cannot read offers attach", async () => {
    const deps = asking({ kind: "sign-in", text: "(the agent needs you to sign in or fix something)", options: [], source: "screen" });
    deps.sessions = [view({ id: "fe-1", status: "needs_input", activity: "blocked" })];
    const h = await renderDashboard({ sessions: deps.sessions, cursor: "fe-1" }, { deps });
    await h.press("s");
    await h.until("the hint", (fr) => fr.includes("attach to answer it by hand") && fr.includes("[a] attach"));
    await h.press("a");
    await h.until("attached", () => calls(deps, "attach").length === 1);
  });
});
