/** `https://github.com/o/r/pull/42` → 42; anything else → null. */
export function prNumberFromUrl(url: string | undefined): number | null {
  if (!url) return null;
  const m = /\/pull\/(\d+)(?:[/?#].*)?$/.exec(url);
  return m ? Number(m[1]) : null;
}
