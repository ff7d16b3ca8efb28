/**
 * `owner/name` from a GitHub remote URL in any of its spellings (https, ssh, scp-like, with or
 * without `.git`), or null when the URL names no owner/name pair.
 */
export function repoFromRemoteUrl(url: string): string | null {
  const m = /^(?:[a-z+]+:\/\/)?(?:[^@/]+@)?[^/:]+(?::\d+)?[:/](.+?)(?:\.git)?\/?$/i.exec(url.trim());
  if (!m?.[1]) return null;
  const parts = m[1].split("/").filter(Boolean);
  if (parts.length < 2) return null;
  const [owner, name] = parts.slice(-2);
  return /^[\w.-]+$/.test(owner!) && /^[\w.-]+$/.test(name!) ? `${owner}/${name}` : null;
}

/** The host of a remote URL (https, ssh, scp-like), lower-case, or null for a local path. */
export function remoteHost(url: string): string | null {
  const m = /^(?:[a-z+]+:\/\/)?(?:[^@/]+@)?([^/:]+)(?::\d+)?[:/]/i.exec(url.trim());
  return m?.[1] && !url.startsWith("/") && !url.startsWith(".") && !/^file:/i.test(url) ? m[1].toLowerCase() : null;
}

/**
 * Where GitHub's API is for a remote on `host`: github.com's, a GitHub Enterprise server's
 * (a host that names itself github), or none (GitLab, Bitbucket, a server of one's own).
 */
export function githubApiFor(host: string): string | null {
  if (host === "github.com" || host === "ssh.github.com") return "https://api.github.com";
  return /(^|[.-])github([.-]|$)/.test(host) ? `https://${host}/api/v3` : null;
}
