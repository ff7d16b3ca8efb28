import { readFileSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { deriveActivity, stillCutoffSec } from "../core/activity.js";
import type { Activity } from "../core/types.js";
import { clockJumpMs, monoStamp } from "../metadata/clock.js";
import { mkdirPrivate, PRIVATE_FILE } from "../metadata/private.js";
import { processesInEach } from "../plugins/runtime/processes.js";
import type { AgentPlugin, PaneFacts, RuntimePlugin, StillActivity } from "../plugins/types.js";

export interface SessionRuntimeFacts {
  alive: boolean;
  /** tmux has no such session, yet processes run in the session's worktree: tmux is unreachable, not the agent gone. */
  unreachable?: string;
  activity?: Activity;
  pane?: PaneFacts;
  /** How long since the pane's last output, with any wall-clock jump since ao first saw it taken out. */
  quietMs?: number;
}

export interface RuntimeQuery {
  id: string;
  tmuxName: string;
  agent: AgentPlugin;
  /** Where the agent works: looked into when tmux does not know the session. */
  worktree?: string;
  /**
   * Whether the screen is worth reading when it goes still (default true). false when another
   * source (the agent's own events) already says what the agent does: the pane is still listed,
   * for liveness and output time, but never captured.
   */
  readScreen?: boolean;
}

interface CacheEntry {
  activityAt: number;
  /** What the still screen said; absent until it was read. */
  still?: StillActivity;
  /** When ao first saw the output time `seenFor`: wall ms and a monotonic stamp (metadata/clock.ts). */
  seenFor?: number;
  seenAt?: number;
  seenMono?: string;
}
type PaneCache = Record<string, CacheEntry>;

/**
 * Liveness and activity for many sessions in one runtime look: every pane, plus the screens of
 * panes that are still and whose last output time moved since the screen was last read, all in
 * one tmux process. What each still screen said is remembered (in memory, and in AO_HOME/cache
 * between CLI runs), so an unchanged pane is never captured twice.
 */
export class RuntimeFacts {
  private cache: PaneCache | null = null;

  constructor(
    private readonly runtime: RuntimePlugin,
    private readonly cacheFile: string,
    private readonly readyThresholdMs: number,
  ) {}

  private loadCache(): PaneCache {
    if (this.cache) return this.cache;
    try {
      // Synchronous: one small file, read once per process; the promise API costs more than the read.
      this.cache = JSON.parse(readFileSync(this.cacheFile, "utf8")) as PaneCache;
    } catch {
      this.cache = {};
    }
    return this.cache;
  }

  private async saveCache(cache: PaneCache): Promise<void> {
    try {
      await mkdirPrivate(path.dirname(this.cacheFile));
      const tmp = `${this.cacheFile}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify(cache), { mode: PRIVATE_FILE });
      await rename(tmp, this.cacheFile);
    } catch {
      /* a cache that cannot be written costs a capture next time, nothing more */
    }
  }

  async gather(queries: RuntimeQuery[], now = Date.now()): Promise<Map<string, SessionRuntimeFacts>> {
    const out = new Map<string, SessionRuntimeFacts>();
    if (queries.length === 0) return out;
    const cache = this.loadCache();
    const stillBefore = stillCutoffSec(now);
    const wants = queries
      .filter((q) => q.readScreen !== false)
      .map((q) => {
        const known = cache[q.tmuxName]?.activityAt;
        return { name: q.tmuxName, stillBefore, ...(known !== undefined ? { knownActivityAt: known } : {}) };
      });
    const look = await this.runtime.look(wants);
    const panes = new Map(look.panes.map((p) => [p.name, p]));
    // Sessions tmux does not know: one look at which processes still work in their worktrees.
    const missing = queries.filter((q) => !panes.has(q.tmuxName) && q.worktree).map((q) => q.worktree!);
    const inWorktree = missing.length ? await processesInEach(missing) : new Map<string, Array<{ pid: number }>>();
    let dirty = false;
    for (const q of queries) {
      const pane = panes.get(q.tmuxName);
      if (!pane) {
        // A tmux server whose socket file was deleted still runs its agents but answers no
        // one: "no session" then is not "the agent is gone".
        const procs = (q.worktree && inWorktree.get(q.worktree)) || [];
        const unreachable = procs.length
          ? `tmux does not know ${q.tmuxName}, yet ${procs.length} process${procs.length === 1 ? "" : "es"} run in its worktree (pid ${procs.map((p) => p.pid).slice(0, 5).join(", ")}): the tmux server may be unreachable (its socket deleted)`
          : undefined;
        out.set(q.id, { alive: false, ...(unreachable ? { unreachable } : {}) });
        continue;
      }
      const prev = cache[q.tmuxName];
      if (!prev || prev.seenFor !== pane.activityAt) {
        const mono = monoStamp();
        cache[q.tmuxName] = { ...(prev ?? { activityAt: pane.activityAt }), seenFor: pane.activityAt, seenAt: now, ...(mono ? { seenMono: mono } : {}) };
        dirty = true;
      }
      const screen = look.screens.get(q.tmuxName);
      if (screen && !pane.dead) {
        const still = q.agent.classifyStill({ capture: screen.text, dead: pane.dead, currentCommand: pane.currentCommand });
        cache[q.tmuxName] = { ...cache[q.tmuxName], activityAt: screen.activityAt, still };
        dirty = true;
      }
      const cached = cache[q.tmuxName];
      // tmux dates output by the wall clock: if that clock jumped since ao first saw this
      // output time, "quiet for 2 h" would be the jump, not the agent. Take the jump out.
      const at = now - (cached?.seenAt !== undefined ? clockJumpMs(cached.seenAt, cached.seenMono, now) : 0);
      const still = cached && cached.activityAt === pane.activityAt ? cached.still : undefined;
      const activity = deriveActivity({
        dead: pane.dead,
        activityAtSec: pane.activityAt,
        nowMs: at,
        readyThresholdMs: this.readyThresholdMs,
        // A still pane whose screen was not read (another source speaks for the agent, or tmux
        // saw output after ao's clock) counts as at its prompt until a read says otherwise.
        classifyStill: () => still ?? "ready",
      });
      out.set(q.id, { alive: true, activity, pane, quietMs: Math.max(0, at - pane.activityAt * 1000) });
    }
    if (dirty) await this.saveCache(cache);
    return out;
  }
}
