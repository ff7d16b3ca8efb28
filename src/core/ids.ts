/** Session ids are `<prefix>-<n>`: safe as a folder name and as part of a tmux session name. */
const SESSION_ID = /^[a-z][a-z0-9]{0,15}-[1-9][0-9]{0,8}$/;

export function isSessionId(s: string): boolean {
  return SESSION_ID.test(s);
}
