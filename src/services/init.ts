import { existsSync, realpathSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { AoError, EXIT_USAGE } from "../core/errors.js";
import { starterConfig } from "../core/init-template.js";
import { githubApiFor, remoteHost, repoFromRemoteUrl } from "../core/remote.js";
import { CONFIG_FILE_NAMES, homeDir } from "../config/paths.js";
import { defaultWorkspaceName } from "../config/parse.js";
import { defaultBranch, remoteUrl, repoRoot } from "../plugins/git.js";

export interface InitResult {
  file: string;
  /** Run in a folder below the repository's top level: the config went to the top level all the same. */
  fromSubfolder?: string;
  repo: string;
  projectId: string;
  /** origin's server when it is not GitHub: the project was written with `scm: none`. */
  otherHost?: string;
}

/** A remote that is a folder on this machine: a path, `file://`, or `..`-relative. */
function isLocalRemote(url: string): boolean {
  return url.startsWith("/") || url.startsWith("file://") || url.startsWith(".") || /^[A-Za-z]:[\\/]/.test(url);
}

function tildePath(p: string, home: string): string {
  return p === home ? "~" : p.startsWith(`${home}/`) ? `~/${p.slice(home.length + 1)}` : p;
}

/**
 * Write a starter config for the repository `cwd` is in, at its top level (named after it), from
 * whichever of its folders this runs in: a config is found from any folder below it, and one
 * named after a subfolder (`src`) named the workspace and its tmux sessions after that.
 * Never overwrites an existing file.
 */
export async function initWorkspace(cwd: string, env: NodeJS.ProcessEnv): Promise<InitResult> {
  const root = await repoRoot(cwd);
  if (!root) throw new AoError(`${cwd} is not inside a git repository; run ao init in your project's clone`, EXIT_USAGE);
  const url = await remoteUrl(root);
  if (!url) throw new AoError(`${root} has no "origin" remote; add one (git remote add origin …) so ao knows the GitHub repository`, EXIT_USAGE);
  const local = isLocalRemote(url);
  // A local or bare origin (a folder, file://) has no GitHub behind it: sessions work the same
  // (worktrees branch from origin), and the project simply has no PRs to follow.
  // It is named after the clone the user works in.
  const repo = local ? `local/${path.basename(root).replace(/[^A-Za-z0-9_.-]+/g, "-").replace(/^[.-]+/, "") || "repo"}` : repoFromRemoteUrl(url);
  if (!repo) throw new AoError(`cannot read owner/name from origin's URL ${url}`, EXIT_USAGE);
  const host = local ? null : remoteHost(url);
  const githubApi = host ? githubApiFor(host) : null;
  const otherHost = host && !githubApi ? host : undefined;
  const name = repo.split("/")[1]!;
  const projectId = name.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[^a-z0-9]+/, "") || "app";
  const prefix = projectId.replace(/[^a-z0-9]/g, "").replace(/^[0-9]+/, "").slice(0, 4) || "s";
  const file = path.join(root, CONFIG_FILE_NAMES[0]!);
  const text = starterConfig({
    workspace: defaultWorkspaceName(file),
    projectId,
    repo,
    path: tildePath(root, homeDir(env)),
    prefix,
    defaultBranch: (await defaultBranch(root)) ?? "main",
    ...(local ? { localOrigin: url } : {}),
    ...(otherHost ? { otherHost } : {}),
    ...(githubApi && githubApi !== "https://api.github.com" ? { githubApi } : {}),
  });
  // A config by its other name would be hidden by the new one (.yaml is looked for first).
  for (const other of CONFIG_FILE_NAMES.slice(1)) {
    if (existsSync(path.join(root, other))) throw new AoError(`${path.join(root, other)} already exists; ao init never writes a second config beside it`, 1);
  }
  try {
    // "wx": fail if the file exists, decided by the kernel, so a race cannot overwrite either.
    await writeFile(file, text, { flag: "wx", mode: 0o644 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") {
      throw new AoError(`${file} already exists; ao init never overwrites a config`, 1);
    }
    throw e;
  }
  const below = samePlace(cwd, root) ? null : cwd;
  return { file, repo, projectId, ...(below ? { fromSubfolder: below } : {}), ...(otherHost ? { otherHost } : {}) };
}

/** Whether two paths name one folder (git prints the top level with symlinks resolved). */
function samePlace(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return path.resolve(a) === path.resolve(b);
  }
}
