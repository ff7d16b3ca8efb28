import type { AppContext } from "../app.js";
import type { ScmPlugin } from "../plugins/types.js";

type WithGitHub = AppContext & { github?: { url: string; made: Promise<ScmPlugin | null> } };

/**
 * GitHub for this workspace, one client per process, loaded on first use (octokit is not loaded
 * before). It is made again when an edit to the config points ao at another GitHub, and after
 * no token was found: one may have been given since (`gh auth login`).
 */
export function workspaceGitHub(ctx: AppContext): Promise<ScmPlugin | null> {
  const c = ctx as WithGitHub;
  const url = ctx.config.github.baseUrl;
  if (c.github?.url === url) return c.github.made;
  const made = import("../plugins/scm/github.js").then((m) => m.createGitHubScm(ctx.env, url));
  const entry = { url, made };
  c.github = entry;
  void made.then(
    (scm) => {
      if (!scm && c.github === entry) delete c.github;
    },
    () => {
      if (c.github === entry) delete c.github;
    },
  );
  return made;
}
