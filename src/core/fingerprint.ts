/** FNV-1a over UTF-16 code units, 32 bits, as an unsigned number. */
export function fnv1a(text: string, seed = 0x811c9dc5, prime = 0x01000193): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), prime) >>> 0;
  return h;
}

/** FNV-1a as hex: a short stable name for a text. */
export function fnv1a32(text: string, seed = 0x811c9dc5, prime = 0x01000193): string {
  return fnv1a(text, seed, prime).toString(16);
}

/**
 * Whether a text is the one seen before, in 16 hex characters instead of the text: two FNV-1a
 * runs with different seeds and primes. Not for anything an adversary picks; a screen that reads
 * the same as one with another fingerprint is, by chance, one in about 2^64.
 */
export function textFingerprint(text: string): string {
  return `${fnv1a32(text).padStart(8, "0")}${fnv1a32(text, 0x9e3779b9, 0x5bd1e995).padStart(8, "0")}`;
}
