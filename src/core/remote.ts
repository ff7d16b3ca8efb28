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
