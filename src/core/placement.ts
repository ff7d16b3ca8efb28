/** This machine, as a host name in config and metadata. */
export const LOCAL_HOST = "local";
export const DEFAULT_MAX_SESSIONS = 8;
/** Where ao keeps its files on another host, unless its config says otherwise. */
export const DEFAULT_HOST_ROOT = "~/.ao-host";

export interface HostLoad {
  name: string;
  maxSessions: number;
  /** Live sessions ao has there now. */
  live: number;
  /** false: it did not answer this time; undefined: not asked. */
  reachable?: boolean;
  /** What it answered that rules it out ("has no tmux"), if anything. */
  unfit?: string;
}

export type Placement =
  | { host: string; why: string }
  | { host: null; why: string };

/**
 * Where a new session goes: the allowed host with the most free places (maxSessions minus live
 * sessions). A host that did not answer is skipped, and so is a full one; ties go to the host
 * listed first, so `local` wins when it is listed first and has room. `why` says it in words.
 */
export function placeSession(hosts: HostLoad[]): Placement {
  const free = (h: HostLoad) => h.maxSessions - h.live;
  const candidates = hosts.filter((h) => h.reachable !== false && !h.unfit && free(h) > 0);
  const skipped = hosts
    .filter((h) => !candidates.includes(h))
    .map((h) => (h.reachable === false ? `${h.name} did not answer` : h.unfit ? `${h.name} ${h.unfit}` : `${h.name} is full (${h.live}/${h.maxSessions})`));
  const tail = skipped.length ? `; ${skipped.join(", ")}` : "";
  let best: HostLoad | undefined;
  for (const h of candidates) if (!best || free(h) > free(best)) best = h;
  if (!best) return { host: null, why: `no host has room${tail}` };
  return { host: best.name, why: `${best.name} has the most room (${free(best)} of ${best.maxSessions} free)${tail}` };
}
