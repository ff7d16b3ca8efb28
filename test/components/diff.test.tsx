import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import type { DiffFile } from "../../src/core/diff.js";
import { fakeDeps, KEY, renderDashboard } from "../helpers/dashboard-harness.js";
import { view } from "../helpers/session-view.js";

afterEach(() => cleanup());

const big: DiffFile = {
  path: "src/big.ts",
  change: "added",
  added: 10_000,
  removed: 0,
  lines: [{ kind: "hunk", text: "@@ -0,0 +1,10000 @@" }, ...Array.from({ length: 10_000 }, (_, i) => ({ kind: "add" as const, text: `+line ${i + 1}` }))],
};
const small: DiffFile = {
  path: "README.md",
  change: "modified",
  added: 1,
  removed: 1,
  lines: [
    { kind: "hunk", text: "@@ -1 +1 @@" },
    { kind: "del", text: "-# app" },
    { kind: "add", text: "+# app \u001b[31mred\u001b[0m" },
  ],
};

/** The first diff line shown: the one under the file's title. */
const firstLine = (f: string) => {
  const lines = f.split("\n");
  return lines[lines.findIndex((l) => l.startsWith("src/big.ts  +")) + 1];
};

function setup() {
  const deps = fakeDeps([view({ id: "fe-1" }), view({ id: "fe-2" })]);
  deps.diffs["fe-1"] = { base: "origin/main (abc1234)", files: [small, big] };
  return deps;
}

describe("the diff view", () => {
  it("d lists the files with +/− counts; enter opens one, n/p move between files, esc goes back", async () => {
    const deps = setup();
    const h = await renderDashboard({ sessions: deps.sessions, cursor: "fe-1" }, { deps, rows: 24 });
    await h.press("d");
    let f = await h.until("the file list", (fr) => fr.includes("Diff of fe-1 against origin/main (abc1234)"));
    expect(f).toMatch(/\+1 +−1 README\.md/);
    expect(f).toMatch(/\+10000 +−0 src\/big\.ts \(new\)/);
    // The file picked is marked in words too (without colour the inverse bar is gone).
    expect(f).toMatch(/▸ +\+1 +−1 README\.md/);
    await h.press("j");
    f = await h.until("the next file marked", (fr) => /▸ +\+10000 +−0 src\/big\.ts/.test(fr));
    expect(f).not.toMatch(/▸ +\+1 +−1 README/);
    await h.press("k");
    await h.until("README marked again", (fr) => /▸ +\+1 +−1 README\.md/.test(fr));
    // Keys that arrive together are each a step.
    await h.press("jk");
    await h.press("jj");
    await h.until("the last file marked", (fr) => /▸ +\+10000 +−0 src\/big\.ts/.test(fr));
    await h.press("k");
    expect(f).toContain("2 files, +10001 −1");
    await h.press(KEY.enter);
    f = await h.until("README's diff", (fr) => fr.includes("README.md  +1 −1"));
    expect(f).toContain("-# app");
    // Outside text is inert: the escape sequence in the file shows as text, not colour.
    expect(f).toContain("+# app �[31mred�[0m");
    await h.press("n");
    f = await h.until("the next file", (fr) => fr.includes("src/big.ts  +10000 −0  (2/2, lines 1–"));
    expect(f).toContain("+line 1");
    await h.press("p");
    await h.until("the previous file", (fr) => fr.includes("README.md  +1 −1  (1/2"));
    await h.press(KEY.escape);
    await h.until("the list again", (fr) => fr.includes("2 files, +10001 −1"));
    await h.press(KEY.escape);
    await h.until("the table", (fr) => !fr.includes("Diff of") && fr.includes("Session"));
  });

  it("a 10,000-line file scrolls by line and page and draws only what fits; / finds a line", async () => {
    const deps = setup();
    const h = await renderDashboard({ sessions: deps.sessions, cursor: "fe-1" }, { deps, rows: 24 });
    await h.press("d");
    await h.until("the list", (fr) => fr.includes("2 files"));
    await h.press("j", KEY.enter);
    let f = await h.until("big.ts", (fr) => fr.includes("src/big.ts  +10000"));
    expect(f.split("\n").length).toBeLessThan(24);
    expect(f).not.toContain("+line 100\n");
    await h.press("j", "j");
    f = await h.until("two lines down", (fr) => fr.includes("lines 3–"));
    expect(firstLine(f)).toBe("+line 2");
    await h.press(KEY.pageDown);
    f = await h.until("a page down", (fr) => !fr.includes("lines 3–"));
    const first = Number(/lines (\d+)–/.exec(f)![1]);
    expect(first).toBeGreaterThan(10);
    await h.press(KEY.pageUp);
    await h.until("a page up", (fr) => fr.includes("lines 3–"));
    await h.press("/", ..."line 9876", KEY.enter);
    await h.until("the match on top", (fr) => firstLine(fr) === "+line 9876");
    await h.press("/", ..."nothing like this", KEY.enter);
    await h.until("not found", (fr) => fr.includes('"nothing like this" not found'));
  });

  it("says why when there is nothing to compare", async () => {
    const deps = setup();
    const h = await renderDashboard({ sessions: deps.sessions, cursor: "fe-2" }, { deps });
    await h.press("d");
    await h.until("the reason", (fr) => fr.includes("session fe-2 has no worktree to compare"));
  });
});
