import { ageStableUntil, shortAge } from "../core/age.js";
import type { SessionView } from "../core/types.js";
import type { DashboardState } from "./state.js";

// Lists hold strings, or small objects (conflicts): those compare by their JSON.
const sameList = (a: readonly unknown[], b: readonly unknown[]) =>
  a.length === b.length && a.every((x, i) => x === b[i] || (typeof x === "object" && JSON.stringify(x) === JSON.stringify(b[i])));
/** Own keys counted in place: Object.keys made two arrays per view per refresh, 500 views every 2 s. */
function keyCount(o: object): number {
  let n = 0;
  for (const k in o) if (Object.hasOwn(o, k)) n++;
  return n;
}

const sameRecord = (a: Record<string, unknown>, b: Record<string, unknown>) => {
  if (keyCount(a) !== keyCount(b)) return false;
  for (const k in a) if (Object.hasOwn(a, k) && a[k] !== b[k]) return false;
  return true;
};

/** Field by field (a view is flat but for its lists and its metadata record): cheaper than JSON. */
export function sameView(a: SessionView, b: SessionView): boolean {
  if (keyCount(a) !== keyCount(b)) return false;
  for (const k in a) {
    if (!Object.hasOwn(a, k)) continue;
    const x = a[k as keyof SessionView];
    const v = b[k as keyof SessionView];
    if (x === v) continue;
    if (Array.isArray(x) && Array.isArray(v) && sameList(x, v)) continue;
    if (k === "meta" && sameRecord(a.meta, b.meta)) continue;
    return false;
  }
  return true;
}

/**
 * The new list with every unchanged view kept as the same object (memoised rows skip their
 * render); null when nothing changed at all.
 */
export function mergeSessions(prev: SessionView[], next: SessionView[]): SessionView[] | null {
  const before = new Map(prev.map((v) => [v.id, v]));
  let changed = prev.length !== next.length;
  const out = next.map((v, i) => {
    const old = before.get(v.id);
    if (old && sameView(old, v)) {
      if (prev[i] !== old) changed = true;
      return old;
    }
    changed = true;
    return v;
  });
  return changed ? out : null;
}

/**
 * Everything on screen that reads the clock: when none of it changes, a new `now` is no news.
 * The header's "updated … ago" is not in it: every refresh sets `now` and that time together,
 * so it reads the same after each; nor is GitHub's age while its facts are fresh (not shown).
 */
export function clockText(s: Pick<DashboardState, "sessions" | "github">, now: number): string {
  const at = new Date(now);
  const ages = s.sessions.map((v) => (v.createdAt ? shortAge(new Date(v.createdAt), at) : "")).join(",");
  // The header shows how old GitHub's facts are only when they are stale.
  return `${ages}|${s.github.state === "stale" && s.github.fetchedAt ? shortAge(new Date(s.github.fetchedAt), at) : ""}`;
}

/**
 * Until when `clockText` stays what it reads at `now`: the earliest moment any shown age may turn
 * over. A refresh before then needs no 500 ages worked out to know the clock changed nothing.
 */
export function clockStableUntil(s: Pick<DashboardState, "sessions" | "github">, now: number): number {
  const at = new Date(now);
  let until = Infinity;
  for (const v of s.sessions) if (v.createdAt) until = Math.min(until, ageStableUntil(new Date(v.createdAt), at));
  if (s.github.state === "stale" && s.github.fetchedAt) until = Math.min(until, ageStableUntil(new Date(s.github.fetchedAt), at));
  return until;
}
