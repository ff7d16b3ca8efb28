import { ACTIONS, type ActionId } from "../core/actions.js";
import type { SessionView } from "../core/types.js";
import type { Kit } from "./kit.js";
import { selectedSession } from "./state.js";

/** Actions that work on the session under the cursor and wait for no other action on it. */
const EXCLUSIVE: ReadonlySet<ActionId> = new Set(["attach", "send", "kill", "forget", "restore", "merge"]);
/** Actions that act on every marked session when some are marked, else on the cursor's. */
const MANY: ReadonlySet<ActionId> = new Set(["send", "kill"]);

/** `targets`: the sessions the action is for (the marked ones, or the cursor's). */
type Handler = (session: SessionView | undefined, targets: string[]) => void;

/**
 * Key → action: the action table says whether the action applies now (disabledReason), and the
 * handler map says what it does. Every ActionId must have a handler, so the table and the
 * dispatch cannot drift apart. With sessions marked, send and kill go to each marked session
 * the action applies to, and say which they leave out and why.
 */
export function makeDispatch(kit: Kit, handlers: Record<ActionId, Handler>): (id: ActionId) => void {
  return (id) => {
    const s = kit.get();
    const def = ACTIONS.find((a) => a.id === id);
    const label = def?.label ?? id;
    if (MANY.has(id) && s.marked.length > 0) {
      const targets: string[] = [];
      for (const m of s.marked) {
        const v = s.sessions.find((x) => x.id === m);
        const why = !v ? "gone" : (def?.disabledReason?.(v) ?? (s.busy[m] ? `busy (${s.busy[m]})` : null));
        if (why) kit.toast("info", `${label}: leaving out ${m}: ${why}`);
        else targets.push(m);
      }
      if (targets.length === 0) return kit.toast("info", `${label}: none of the marked sessions can`);
      return handlers[id](selectedSession(s), targets);
    }
    const session = selectedSession(s);
    const why = def?.disabledReason?.(session) ?? null;
    if (why) return kit.toast("info", `${label}: ${why}`);
    if (session && s.busy[session.id] && EXCLUSIVE.has(id)) {
      return kit.toast("info", `${label}: ${session.id} is busy (${s.busy[session.id]})`);
    }
    handlers[id](session, session ? [session.id] : []);
  };
}
