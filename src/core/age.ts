import { differenceInSeconds } from "date-fns/differenceInSeconds";
import { differenceInMinutes } from "date-fns/differenceInMinutes";
import { differenceInHours } from "date-fns/differenceInHours";
import { differenceInDays } from "date-fns/differenceInDays";

/** `45s`, `2m`, `1h`, `3d`: the short age used in every table. Future times count as 0s. */
export function shortAge(from: Date, now: Date): string {
  const s = Math.max(0, differenceInSeconds(now, from));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${differenceInMinutes(now, from)}m`;
  if (s < 86_400) return `${differenceInHours(now, from)}h`;
  return `${differenceInDays(now, from)}d`;
}

/** `2m ago`, or null when the timestamp is missing or not a date. */
export function agoFromIso(iso: string | null | undefined, now: Date): string | null {
  if (!iso) return null;
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? null : `${shortAge(t, now)} ago`;
}
