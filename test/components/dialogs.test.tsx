import { cleanup } from "ink-testing-library";
import stringWidth from "string-width";
import { afterEach, describe, expect, it } from "vitest";
import { ACTIONS, keyLabel } from "../../src/core/actions.js";
import type { CleanupItem } from "../../src/core/cleanup.js";
import { fakeDeps, KEY, renderDashboard } from "../helpers/dashboard-harness.js";
import { view } from "../helpers/session-view.js";

afterEach(() => cleanup());

const sessions = () => [
  view({ id: "fe-1", status: "working", activity: "ready" }),
  view({ id: "fe-2", status: "pr_open", prNumber: 12, prUrl: "https://github.com/org/app/pull/12" }),
  view({ id: "fe-3", status: "merged", activity: "exited", prNumber: 9 }),
  view({ id: "fe-4", status: "working", activity: "exited", statusReason: "runtime lost" }),
];

const calls = (deps: { calls: unknown[][] }, name: string) => deps.calls.filter((c) => c[0] === name);

describe("send", () => {
  it("s opens the box, typed text shows, enter sends exactly that text and shows the outcome", async () => {
    const h = await renderDashboard({ sessions: sessions(), cursor: "fe-1" });
    await h.press("s");
    await h.until("the send box", (f) => f.includes("Send to fe-1"));
    const text = `fix the "login" bug: $HOME && rm -rf ~ 🚀`;
    // One key at a time, as typed, then a pasted chunk.
    await h.press(..."fix the ");
    await h.press(text.slice("fix the ".length));
    await h.until("the typed text", (f) => f.includes(`> ${text}█`));
    expect(calls(h.deps, "send")).toEqual([]);
    await h.press(KEY.enter);
    const f = await h.until("the outcome", (fr) => fr.includes("✓ Message sent and processing"));
    expect(calls(h.deps, "send")).toEqual([["send", "fe-1", text]]);
    expect(f).toContain("fe-1: ✓ Message sent and processing");
    // Keys while the outcome shows do not reach the table; enter closes the box.
    await h.press("j", KEY.enter);
    await h.until("the box to close", (fr) => !fr.includes("Send to fe-1"));
    expect(h.dashboard.store.getState().cursor).toBe("fe-1");
  });

  it("ctrl-n makes a new line and the message keeps it", async () => {
    const h = await renderDashboard({ sessions: sessions(), cursor: "fe-1" });
    await h.press("s", "one", "\u000e", "two");
    await h.until("two lines", (f) => f.includes("> one") && f.includes("  two█"));
    await h.press(KEY.enter);
    await h.until("sent", () => calls(h.deps, "send").length === 1);
    expect(calls(h.deps, "send")[0]).toEqual(["send", "fe-1", "one\ntwo"]);
  });

  it("keeps every key typed faster than the screen redraws, and sends once", async () => {
    const h = await renderDashboard({ sessions: sessions(), cursor: "fe-1" });
    await h.press("s");
    await h.until("the send box", (f) => f.includes("Send to fe-1"));
    h.burst(..."quick", " paste of text", KEY.enter);
    await h.until("the outcome", (f) => f.includes("✓ Message sent and processing"));
    h.burst(KEY.enter, KEY.enter);
    await h.until("the box to close", (f) => !f.includes("Send to fe-1"));
    expect(calls(h.deps, "send")).toEqual([["send", "fe-1", "quick paste of text"]]);
  });

  it("esc cancels without sending", async () => {
    const h = await renderDashboard({ sessions: sessions(), cursor: "fe-1" });
    await h.press("s", "hello", KEY.escape);
    await h.until("the box to close", (f) => !f.includes("Send to"));
    expect(calls(h.deps, "send")).toEqual([]);
  });
});

describe("kill", () => {
  it("says what would be lost, asks twice, then kills with force", async () => {
    const deps = fakeDeps(sessions());
    deps.lost = "2 uncommitted files (src/a.ts, src/b.ts); 1 unpushed commit";
    const h = await renderDashboard({ sessions: sessions(), cursor: "fe-1" }, { deps });
    await h.press("K");
    const f = await h.until("what would be lost", (fr) => fr.includes("This would be lost:"));
    expect(f).toContain("Kill fe-1?");
    expect(f).toContain("2 uncommitted files (src/a.ts, src/b.ts); 1 unpushed commit");
    expect(calls(deps, "unsavedWork")).toEqual([["unsavedWork", "fe-1"]]);
    await h.press("y");
    await h.until("the second question", (fr) => fr.includes("Really discard it?"));
    expect(calls(deps, "kill")).toEqual([]);
    await h.press("y");
    await h.until("the kill", () => calls(deps, "kill").length === 1);
    expect(calls(deps, "kill")).toEqual([["kill", "fe-1", true]]);
    await h.until("the toast", (fr) => fr.includes("✓ Session fe-1 killed") && !fr.includes("Kill fe-1?"));
  });

  it("with nothing to lose, one y kills without force", async () => {
    const h = await renderDashboard({ sessions: sessions(), cursor: "fe-1" });
    await h.press("K");
    await h.until("the all-clear", (f) => f.includes("no uncommitted or unpushed work"));
    await h.press("y");
    await h.until("the kill", () => calls(h.deps, "kill").length === 1);
    expect(calls(h.deps, "kill")).toEqual([["kill", "fe-1", false]]);
  });

  it("n keeps the session", async () => {
    const h = await renderDashboard({ sessions: sessions(), cursor: "fe-1" });
    await h.press("K");
    await h.until("the question", (f) => f.includes("no uncommitted or unpushed work"));
    await h.press("n");
    await h.until("the dialog to close", (f) => !f.includes("Kill fe-1?"));
    expect(calls(h.deps, "kill")).toEqual([]);
  });
});

describe("cleanup", () => {
  it("shows the plan and y carries out exactly that plan", async () => {
    const deps = fakeDeps(sessions());
    const plan: CleanupItem[] = [
      { id: "fe-3", reason: "PR #9 merged", action: "kill" },
      { id: "fe-4", reason: "runtime dead", action: "skip", skipReason: "unpushed work: 1 unpushed commit" },
    ];
    deps.plan = plan;
    const h = await renderDashboard({ sessions: sessions(), cursor: "fe-1" }, { deps });
    await h.press("c");
    let f = await h.until("the plan", (fr) => fr.includes("PR #9 merged"));
    const row = (id: string) => f.split("\n").find((l) => l.includes(`│ ${id} `)) ?? "";
    expect(row("fe-3")).toMatch(/│ fe-3 +│ PR #9 merged +│ kill +│/);
    expect(row("fe-4")).toMatch(/│ fe-4 +│ runtime dead +│ skip: unpushed work: 1 unpushed commit +│/);
    expect(f).toContain("[y] kill 1 session");
    expect(calls(deps, "cleanupRun")).toEqual([]);
    await h.press("y");
    f = await h.until("the result", (fr) => fr.includes("Done: 1 killed"));
    expect(calls(deps, "cleanupRun")).toHaveLength(1);
    expect(calls(deps, "cleanupRun")[0]![1]).toBe(plan);
    expect(row("fe-3")).toMatch(/│ killed +│/);
    await h.press(KEY.enter);
    await h.until("the dialog to close", (fr) => !fr.includes("Done: 1 killed"));
  });

  it("on a narrow terminal, one line a session cut to the width: what y does stays on screen", async () => {
    const deps = fakeDeps(sessions());
    deps.plan = [
      { id: "fe-3", reason: "PR #9 merged", action: "kill" },
      { id: "fe-4", reason: "runtime dead", action: "skip", skipReason: "unpushed work: 1 unpushed commit" },
    ];
    const h = await renderDashboard({ sessions: sessions(), cursor: "fe-1" }, { deps, columns: 40, rows: 15 });
    await h.press("c");
    const f = await h.until("the plan", (fr) => fr.includes("fe-3: kill"));
    expect(f).toContain("[y] kill 1 session");
    expect(f).toMatch(/fe-4: skip: unpushed/);
    for (const line of f.split("\n")) expect(stringWidth(line), line).toBeLessThanOrEqual(40);
  });

  it("says when there is nothing to clean up", async () => {
    const h = await renderDashboard({ sessions: sessions(), cursor: "fe-1" });
    await h.press("c");
    await h.until("nothing", (f) => f.includes("Nothing to clean up."));
    await h.press("y");
    expect(calls(h.deps, "cleanupRun")).toEqual([]);
    expect(h.frame()).not.toContain("Done:");
  });

  it("with only skipped sessions, y does nothing", async () => {
    const deps = fakeDeps(sessions());
    deps.plan = [{ id: "fe-4", reason: "runtime dead", action: "skip", skipReason: "unpushed work: 1 unpushed commit" }];
    const h = await renderDashboard({ sessions: sessions(), cursor: "fe-1" }, { deps });
    await h.press("c");
    await h.until("the plan", (f) => f.includes("runtime dead") && f.includes("[esc] close"));
    await h.press("y");
    expect(calls(deps, "cleanupRun")).toEqual([]);
  });
});

describe("help", () => {
  it("? lists every action of the action table with its keys; any key closes", async () => {
    const h = await renderDashboard({ sessions: sessions(), cursor: "fe-1" });
    await h.press("?");
    const f = await h.until("the help", (fr) => fr.includes("any key closes"));
    const lines = f.split("\n");
    for (const a of ACTIONS) {
      const line = lines.find((l) => l.endsWith(a.help));
      expect(line, a.id).toBeDefined();
      expect(line!.trim().startsWith(a.keys.map(keyLabel).join(" ")), a.id).toBe(true);
    }
    expect(f.split("\n").length).toBeLessThan(30);
    await h.press("x");
    await h.until("the table", (fr) => fr.includes("▸ fe-1"));
  });

  it("on a short or narrow terminal every key still shows, in as many columns as it takes", async () => {
    for (const [columns, rows] of [[80, 24], [60, 15], [60, 12], [40, 12]] as const) {
      const h = await renderDashboard({ sessions: sessions(), cursor: "fe-1" }, { columns, rows });
      await h.press("?");
      const f = await h.until("the help", (fr) => fr.includes("any key closes"));
      const lines = f.split("\n");
      expect(lines.length, `${columns}x${rows}`).toBeLessThanOrEqual(rows);
      const help = lines.slice(lines.findIndex((l) => l.includes("any key closes")) + 1).join("\n");
      for (const a of ACTIONS) {
        const keys = a.keys.map(keyLabel).join(" ");
        expect(help.includes(keys), `${columns}x${rows} ${a.id} (${keys})`).toBe(true);
      }
      cleanup();
    }
  });
});

describe("disabled actions", () => {
  it("r on a live session says why and does not restore", async () => {
    const h = await renderDashboard({ sessions: sessions(), cursor: "fe-1" });
    await h.press("r");
    await h.until("the reason", (f) => f.includes("restore: session is alive"));
    expect(calls(h.deps, "restore")).toEqual([]);
  });

  it("r on a dead session restores it", async () => {
    const h = await renderDashboard({ sessions: sessions(), cursor: "fe-4" });
    await h.press("r");
    await h.until("the toast", (f) => f.includes("✓ Session fe-4 restored"));
    expect(calls(h.deps, "restore")).toEqual([["restore", "fe-4"]]);
  });

  it("o without a PR says so; with one it opens the PR", async () => {
    const h = await renderDashboard({ sessions: sessions(), cursor: "fe-1" });
    await h.press("o");
    await h.until("the reason", (f) => f.includes("open PR: no PR yet"));
    expect(calls(h.deps, "openUrl")).toEqual([]);
    await h.press("j", "o");
    await h.until("opening", (f) => f.includes("Opening https://github.com/org/app/pull/12"));
    expect(calls(h.deps, "openUrl")).toEqual([["openUrl", "https://github.com/org/app/pull/12"]]);
  });

  it("s on an exited session says it is not running", async () => {
    const h = await renderDashboard({ sessions: sessions(), cursor: "fe-4" });
    await h.press("s");
    await h.until("the reason", (f) => f.includes("send: session is not running (r restores it)"));
    expect(h.frame()).not.toContain("Send to");
  });
});
