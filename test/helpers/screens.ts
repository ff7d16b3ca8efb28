/**
 * What Codex CLI 0.169.0 prints before anything else when its home is under a temporary folder
 * (`HOME=/tmp/x TMPDIR=/tmp codex --version` shows it): its interface draws after it. ao's
 * patterns know nothing of it.
 */
export const CODEX_PATH_WARNING =
  'WARNING: proceeding, even though we could not create PATH aliases: Refusing to create helper binaries under temporary dir "/tmp" (codex_home: AbsolutePathBuf("/tmp/h1-codexhome.mbcI/home/.codex"))';
