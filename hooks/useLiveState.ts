import { useRef, useState } from "react";

/**
 * State whose current value is readable at once. Ink re-binds input handlers in an effect after
 * each render; keys that arrive before that (a paste then Enter, fast typing) would see a stale
 * value, so handlers read `.current` and write through `set`.
 */
export function useLiveState<T>(initial: T): { current: () => T; value: T; set: (next: T | ((v: T) => T)) => void } {
  const [value, setValue] = useState(initial);
  const ref = useRef(initial);
  return {
    value,
    current: () => ref.current,
    set: (next) => {
      ref.current = typeof next === "function" ? (next as (v: T) => T)(ref.current) : next;
      setValue(ref.current);
    },
  };
}
