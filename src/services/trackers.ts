import type { AppContext } from "../app.js";

/**
 * Whether a session's issue is closed in its tracker, for cleanup. Until a tracker is
 * configured and reachable, issues are not known to be closed (nothing is cleaned for it).
 */
export function issueClosedLookup(_ctx: AppContext): (projectId: string, issueId: string) => Promise<boolean> {
  return async () => false;
}
