import { inert } from "./sanitize.js";

/**
 * How to bring back a branch deleted under a worktree (its HEAD still names it), with its last
 * commit when that is known: git's own reflog commands refuse once the branch is gone.
 */
export function branchBack(worktree: string, gone: string, at: string | undefined): string {
  return at
    ? `its last commit was ${at.slice(0, 12)}: git -C ${worktree} branch ${inert(gone)} ${at.slice(0, 12)}`
    : `git -C ${worktree} branch ${inert(gone)} <its last commit>`;
}
