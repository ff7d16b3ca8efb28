/** The tmux session name of an ao session: carries the workspace, so two never clash. */
export function tmuxSessionName(workspace: string, id: string): string {
  // tmux turns '.' and ':' in session names into '_'; do it first so the name is exact.
  return `ao-${workspace.replace(/[.:]/g, "_")}-${id}`;
}

/** `ao/fe-3` or `ao/fe-3-<issue>`: a branch name from the session id and the issue. */
export function defaultBranchName(id: string, issue?: string): string {
  const slug = (issue ?? "")
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return slug ? `ao/${id}-${slug}` : `ao/${id}`;
}
