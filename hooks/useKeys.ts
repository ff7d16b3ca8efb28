import { useInput, type Key } from "ink";
import { actionForKey } from "../src/core/actions.js";
import { useActions, useDashboard } from "./useDashboard.js";

/** The name the action table uses for a key press. */
export function keyName(input: string, key: Key): string {
  if (key.upArrow) return "up";
  if (key.downArrow) return "down";
  if (key.return) return "return";
  if (key.tab) return "tab";
  if (key.escape) return "escape";
  if (key.pageUp) return "pageup";
  if (key.pageDown) return "pagedown";
  if (input === " ") return "space";
  return input;
}

/** Moves that open nothing and act on nothing: a run of them typed together is each in turn. */
const MOVES: ReadonlySet<string> = new Set(["up", "down", "top", "bottom", "mark", "paneUp", "paneDown"]);

/**
 * The keys of one input chunk. Keys typed fast, held down (key repeat) or while the process was
 * busy reach Ink as one chunk ("jjj"), which names no key: each printable character is a key.
 */
export function chunkKeys(input: string, key: Key): string[] {
  const chars = [...input];
  if (chars.length < 2 || key.ctrl || key.meta || chars.some((c) => c < " " || c === "\u007f")) return [keyName(input, key)];
  return chars.map((c) => (c === " " ? "space" : c));
}

/** Table keys → actions, while no dialog has the keyboard. */
export function useKeys(): void {
  const actions = useActions();
  const dialogOpen = useDashboard((s) => s.dialog !== null);
  useInput(
    (input, key) => {
      // A chunk's keys go in order up to the first that is more than a move: what follows it
      // may be meant for the dialog it opens, and is not guessed at (a fast "K y y" kills nothing).
      for (const name of chunkKeys(input, key)) {
        const def = actionForKey(name);
        if (def) actions.dispatch(def.id);
        if (!def || !MOVES.has(def.id)) break;
      }
    },
    { isActive: !dialogOpen },
  );
}
