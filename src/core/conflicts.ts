/** A session's branch would conflict with another live session's branch, or with its base. */
export interface Conflict {
  /** The other session's id, or the base branch as `origin/main`. */
  with: string;
  kind: "session" | "base";
  files: string[];
  /** The other side's commit: for the base, its tip (a new tip is a new conflict to tell about). */
  tip?: string;
}

/**
 * What `git merge-tree --write-tree --name-only --no-messages A B` says: exit 0 is a clean
 * merge; exit 1 prints the tree id, then one conflicted path per line. Anything else is a
 * failure (a missing ref, an old git), never "no conflict". Returns null for a clean merge.
 */
export function parseMergeTree(exitCode: number, stdout: string): string[] | null {
  if (exitCode === 0) return null;
  if (exitCode !== 1) throw new Error(`git merge-tree exited ${exitCode}`);
  const [, ...files] = stdout.split("\n").filter((l) => l !== "");
  return [...new Set(files)];
}

export interface BranchTip {
  id: string;
  sha: string;
}

/** Which pairs to check: each session with its base, and each two sessions of a project once. */
export function conflictPairs(sessions: readonly BranchTip[], base: { name: string; sha: string } | null): Array<{ a: BranchTip; b: BranchTip; kind: "session" | "base" }> {
  const pairs: Array<{ a: BranchTip; b: BranchTip; kind: "session" | "base" }> = [];
  for (const s of sessions) if (base) pairs.push({ a: s, b: { id: base.name, sha: base.sha }, kind: "base" });
  for (let i = 0; i < sessions.length; i++) {
    for (let j = i + 1; j < sessions.length; j++) {
      // Two branches at the same commit cannot conflict.
      if (sessions[i]!.sha !== sessions[j]!.sha) pairs.push({ a: sessions[i]!, b: sessions[j]!, kind: "session" });
    }
  }
  return pairs;
}

/** One line for a row or the detail pane: `⚠ conflicts with fe-2 (README.md), origin/main (a.ts +1)`. */
export function conflictLine(conflicts: readonly Conflict[]): string {
  const one = (c: Conflict) => `${c.with} (${c.files[0] ?? "?"}${c.files.length > 1 ? ` +${c.files.length - 1}` : ""})`;
  return `⚠ conflicts with ${conflicts.map(one).join(", ")}`;
}

/** The message the conflict reaction sends: rebase onto the base tip that moved. */
export function rebaseMessage(branch: string, base: string, sha: string, files: readonly string[]): string {
  return `Your branch ${branch} would conflict with ${base} (now at ${sha.slice(0, 7)}) in: ${files.join(", ")}. Please rebase onto ${base}, resolve the conflicts, run the tests, and push.`;
}
