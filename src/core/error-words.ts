import { inert } from "./sanitize.js";

/** An agent's error in a reason is one line, this long at most. */
const MAX = 300;

/*
 * When a limit resets, as agents and APIs write it for programs rather than people: Claude Code's
 * "usage limit reached|1764658620", a `resets_at` of epoch seconds (or milliseconds), an ISO
 * stamp. Epoch numbers count only beside a word about resetting or retrying (a bare number may be
 * anything); an ISO stamp is a time wherever it stands.
 */
const EPOCH_AFTER_WORD = /(\b(?:resets?|resets?_at|reset[_ ]time|retry[_ ]after|try again at|until)\b["':=\s]*)(\d{13}|\d{10})(?!\d)/gi;
const EPOCH_AFTER_PIPE = /(\|)(\d{13}|\d{10})(?!\d)/g;
const ISO = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})\b/g;

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const two = (n: number) => String(n).padStart(2, "0");

/** "14:05 (in 2h 5m)" in the person's own clock; a date other than today's is named ("Dec 3 14:05"). */
export function readableTime(at: Date, now: Date): string {
  const sameDay = at.getFullYear() === now.getFullYear() && at.getMonth() === now.getMonth() && at.getDate() === now.getDate();
  const clock = `${sameDay ? "" : `${MONTHS[at.getMonth()]} ${at.getDate()} `}${two(at.getHours())}:${two(at.getMinutes())}`;
  const mins = Math.round((at.getTime() - now.getTime()) / 60_000);
  if (mins <= 0) return clock;
  const h = Math.floor(mins / 60);
  const left = h >= 24 ? `${Math.floor(h / 24)}d ${h % 24}h` : h > 0 ? `${h}h ${mins % 60}m` : `${mins}m`;
  return `${clock} (in ${left})`;
}

function fromEpoch(digits: string): Date {
  return new Date(digits.length === 13 ? Number(digits) : Number(digits) * 1000);
}

/**
 * An agent's error as a reason shows it: inert (outside text), reset times a person can read,
 * one line of at most MAX characters.
 */
export function errorWords(text: string, now: Date): string {
  const words = inert(text)
    .replace(EPOCH_AFTER_WORD, (_m, word: string, digits: string) => `${word.replace(/["':=\s]+$/, "")} ${readableTime(fromEpoch(digits), now)}`)
    .replace(EPOCH_AFTER_PIPE, (_m, _pipe: string, digits: string) => ` · resets ${readableTime(fromEpoch(digits), now)}`)
    .replace(ISO, (stamp) => {
      const at = new Date(stamp);
      return Number.isNaN(at.getTime()) ? stamp : readableTime(at, now);
    })
    .replace(/\s+/g, " ")
    .trim();
  return words.length > MAX ? `${words.slice(0, MAX - 1)}…` : words;
}
