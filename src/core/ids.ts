/** Session ids are `<prefix>-<n>`: safe as a folder name and as part of a tmux session name. */
const SESSION_ID = /^[a-z][a-z0-9]{0,15}-[1-9][0-9]{0,8}$/;

export function isSessionId(s: string): boolean {
  return SESSION_ID.test(s);
}

/**
 * What ao sets in the environment of everything it starts for a session (the tmux launcher and
 * the agent below it): how a kill tells the session's processes from a person's own.
 */
export function sessionMark(workspace: string, id: string): Record<string, string> {
  return { AO_SESSION: id, AO_WORKSPACE: workspace };
}

/** The mark as one value, `<workspace>/<id>`: what a process carrying it is said to belong to. */
export function sessionMarkKey(workspace: string, id: string): string {
  return `${workspace}/${id}`;
}

/** A GitHub issue's number from what was typed (`12` or `#12`), or null when it is not one. */
export function githubIssueNumber(id: string): number | null {
  const digits = /^#?([0-9]{1,15})$/.exec(id)?.[1];
  return digits !== undefined && Number(digits) > 0 ? Number(digits) : null;
}
