import { differenceInDays } from "date-fns/differenceInDays";

/**
 * `45s`, `2m`, `1h`, `3d`: the short age used in every table. Future times count as 0s; a date
 * that is not one (a hand-edited record's createdAt) reads "-", not "NaNd".
 */
export function shortAge(from: Date, now: Date): string {
  // Seconds, minutes and hours are whole units of elapsed time, truncated (as date-fns counts
  // them), done here in arithmetic: `ao session ls` asks this of every session. Days are
  // calendar days, across daylight-saving changes: date-fns.
  const ms = Math.max(0, now.getTime() - from.getTime());
  if (Number.isNaN(ms)) return "-";
  if (ms < 60_000) return `${Math.trunc(ms / 1000)}s`;
  if (ms < 3_600_000) return `${Math.trunc(ms / 60_000)}m`;
  if (ms < 86_400_000) return `${Math.trunc(ms / 3_600_000)}h`;
  return `${differenceInDays(now, from)}d`;
}

/**
 * The first time (ms) at which `shortAge(from, t)` may read differently from `shortAge(from, now)`:
 * the next whole second, minute or hour of the age; an hour ahead at most for days, whose
 * length the calendar decides. Infinity for a date that is not one.
 */
export function ageStableUntil(from: Date, now: Date): number {
  const f = from.getTime();
  const n = now.getTime();
  if (Number.isNaN(f) || Number.isNaN(n)) return Infinity;
  const s = Math.max(0, Math.trunc((n - f) / 1000));
  const unit = s < 60 ? 1000 : s < 3600 ? 60_000 : s < 86_400 ? 3_600_000 : 0;
  if (unit === 0) return n + 3_600_000;
  return f + (Math.floor(Math.max(0, n - f) / unit) + 1) * unit;
}

/** `2m ago`, or null when the timestamp is missing or not a date. */
export function agoFromIso(iso: string | null | undefined, now: Date): string | null {
  if (!iso) return null;
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? null : `${shortAge(t, now)} ago`;
}

/**
 * A recorded time as ISO 8601 for scripts, or null when it is missing or not a date: a record's
 * times may be edited by hand, and text that is no date is not passed on as one (the tables
 * show "-" for it).
 */
export function isoOrNull(value: string | null | undefined): string | null {
  if (!value) return null;
  const t = new Date(value);
  return Number.isNaN(t.getTime()) ? null : t.toISOString();
}
