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

/** Table keys → actions, while no dialog has the keyboard. */
export function useKeys(): void {
  const actions = useActions();
  const dialogOpen = useDashboard((s) => s.dialog !== null);
  useInput(
    (input, key) => {
      const def = actionForKey(keyName(input, key));
      if (def) actions.dispatch(def.id);
    },
    { isActive: !dialogOpen },
  );
}
