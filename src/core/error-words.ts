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

/** A clock time with its zone, as Gemini writes a reset ("3:45 PM UTC", "15:45 GMT+2"): only zones that say their offset. */
const ZONED_CLOCK = /\b(\d{1,2}):(\d{2})(?:\s*([AP]M))?\s+(?:UTC|GMT)(?:([+-])(\d{1,2})(?::?(\d{2}))?)?\b/gi;

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

/** The next moment (from `now`) the clock shows h:mm in a zone `offsetMin` ahead of UTC. */
function nextZonedClock(h: number, m: number, offsetMin: number, now: Date): Date {
  const at = new Date(now);
  at.setUTCHours(h, m, 0, 0);
  at.setTime(at.getTime() - offsetMin * 60_000);
  while (at.getTime() < now.getTime() - 60_000) at.setTime(at.getTime() + 86_400_000);
  while (at.getTime() - 86_400_000 >= now.getTime() - 60_000) at.setTime(at.getTime() - 86_400_000);
  return at;
}

function fromEpoch(digits: string): Date {
  return new Date(digits.length === 13 ? Number(digits) : Number(digits) * 1000);
}

/**
 * An agent's error as a reason shows it: inert (outside text), reset times a person can read
 * (epoch numbers, ISO stamps, a clock time in UTC or GMT±n, all in the person's own clock),
 * one line of at most MAX characters.
 */
export function errorWords(text: string, now: Date): string {
  const words = inert(text)
    .replace(EPOCH_AFTER_WORD, (_m, word: string, digits: string) => `${word.replace(/["':=\s]+$/, "")} ${readableTime(fromEpoch(digits), now)}`)
    .replace(EPOCH_AFTER_PIPE, (_m, _pipe: string, digits: string) => ` · resets ${readableTime(fromEpoch(digits), now)}`)
    .replace(ZONED_CLOCK, (clock, hh: string, mm: string, ampm: string | undefined, sign: string | undefined, oh: string | undefined, om: string | undefined) => {
      let h = Number(hh);
      if (ampm) h = (h % 12) + (ampm.toUpperCase() === "PM" ? 12 : 0);
      if (h > 23 || Number(mm) > 59) return clock;
      const offset = sign ? (sign === "-" ? -1 : 1) * (Number(oh) * 60 + Number(om ?? 0)) : 0;
      return readableTime(nextZonedClock(h, Number(mm), offset, now), now);
    })
    .replace(ISO, (stamp) => {
      const at = new Date(stamp);
      return Number.isNaN(at.getTime()) ? stamp : readableTime(at, now);
    })
    .replace(/\s+/g, " ")
    .trim();
  return words.length > MAX ? `${words.slice(0, MAX - 1)}…` : words;
}
