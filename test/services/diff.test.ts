import { writeFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseUnifiedDiff } from "../../src/core/diff.js";
import { diffSession } from "../../src/services/diff.js";
import { git, makeRepo } from "../helpers/git.js";
import { gitSessions, type GitSessions } from "../helpers/git-sessions.js";

let g: GitSessions;
afterEach(async () => g?.cleanup());

describe("diffSession", () => {
  it("shows committed, uncommitted and untracked changes against the base, and changes nothing", async () => {
    g = await gitSessions();
    const wt = await g.addSession("fe-1");
    await writeFile(path.join(wt, "README.md"), "# app\nadded and committed\n");
    git(wt, "commit", "-q", "-am", "work");
    await writeFile(path.join(wt, "README.md"), "# app changed\nadded and committed\n");
    await mkdir(path.join(wt, "src"));
    await writeFile(path.join(wt, "src/new.ts"), "export const x = 1;\nexport const y = 2;\n");
    // origin/main moves on: the diff is still against where the branch began.
    git(g.clone, "commit", "-q", "--allow-empty", "-m", "later on main");
    git(g.clone, "push", "-q", "origin", "main");
    git(wt, "fetch", "-q", "origin");
    const before = [git(wt, "status", "--porcelain"), git(wt, "rev-parse", "HEAD"), git(wt, "ls-files", "--stage")];

    const d = await diffSession(g.ctx, "fe-1");
    expect(d.base).toMatch(/^origin\/main \([0-9a-f]{7}\)$/);
    expect(d.files.map((f) => [f.path, f.change, f.added, f.removed])).toEqual([
      ["README.md", "modified", 2, 1],
      ["src/new.ts", "added", 2, 0],
    ]);
    const readme = d.files[0]!.lines.map((l) => l.text);
    expect(readme).toContain("+added and committed");
    expect(readme).toContain("+# app changed");
    expect(readme).toContain("-# app");
    expect(d.files[1]!.lines.map((l) => l.text)).toContain("+export const y = 2;");
    expect([git(wt, "status", "--porcelain"), git(wt, "rev-parse", "HEAD"), git(wt, "ls-files", "--stage")]).toEqual(before);
  });

  it("says when the worktree is gone", async () => {
    g = await gitSessions();
    await g.ws.seed("fe-9", { projectId: "frontend", status: "working", worktree: path.join(g.ws.root, "nowhere") });
    await expect(diffSession(g.ctx, "fe-9")).rejects.toThrow("session fe-9 has no worktree to compare");
  });
});

describe("parseUnifiedDiff", () => {
  it("reads back the names git quotes: octal UTF-8 bytes and C escapes, not a garbled name", async () => {
    const root = await mkdtemp(path.join(tmpdir(), "ao-diff-names-"));
    const wt = (await makeRepo(root)).clone;
    const name = "caf\u00e9 \u001b]0;x\u0007 \"q\" back\\slash.txt";
    writeFileSync(path.join(wt, name), "hello\n");
    git(wt, "add", "-A");
    const text = git(wt, "diff", "--cached", "--no-color");
    expect(text).toContain('"b/caf\\303\\251 \\033]0;x\\a \\"q\\" back\\\\slash.txt"');
    expect(parseUnifiedDiff(text).map((f) => f.path)).toEqual([name]);
    await rm(root, { recursive: true, force: true });
  });

  it("reads renames, deletions, binaries and the no-newline marker", () => {
    const text = [
      "diff --git a/old.txt b/new.txt",
      "similarity index 90%",
      "rename from old.txt",
      "rename to new.txt",
      "--- a/old.txt",
      "+++ b/new.txt",
      "@@ -1 +1 @@",
      "-a",
      "+b",
      "\\ No newline at end of file",
      "diff --git a/gone.txt b/gone.txt",
      "deleted file mode 100644",
      "--- a/gone.txt",
      "+++ /dev/null",
      "@@ -1,2 +0,0 @@",
      "-x",
      "-y",
      "diff --git a/img.png b/img.png",
      "Binary files a/img.png and b/img.png differ",
      "",
    ].join("\n");
    expect(parseUnifiedDiff(text).map((f) => ({ path: f.path, old: f.oldPath, change: f.change, added: f.added, removed: f.removed, lines: f.lines.length }))).toEqual([
      { path: "new.txt", old: "old.txt", change: "renamed", added: 1, removed: 1, lines: 4 },
      { path: "gone.txt", old: undefined, change: "deleted", added: 0, removed: 2, lines: 3 },
      { path: "img.png", old: undefined, change: "binary", added: 0, removed: 0, lines: 1 },
    ]);
  });
});
