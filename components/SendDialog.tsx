import { Box, Text, useInput } from "ink";
import { useRef, useState } from "react";
import { inert } from "../src/core/sanitize.js";
import { useActions, useDashboard } from "../hooks/useDashboard.js";

/**
 * A message box: typed keys edit, a paste arrives whole (newlines included), Enter sends,
 * Ctrl-N starts a new line, Esc closes. The outcome stays on screen until Esc.
 */
export function SendDialog() {
  const dialog = useDashboard((s) => (s.dialog?.kind === "send" ? s.dialog : null));
  const actions = useActions();
  const [text, setTextState] = useState("");
  // Ink re-binds this input handler in an effect after each render; keys that arrive before
  // that (a paste then Enter) would see a stale `text`. The ref is always current.
  const current = useRef("");
  const setText = (next: string | ((t: string) => string)) => {
    current.current = typeof next === "function" ? next(current.current) : next;
    setTextState(current.current);
  };
  useInput((input, key) => {
    if (!dialog) return;
    if (key.escape) return actions.closeDialog();
    if (dialog.sending) return;
    if (key.return) {
      if (dialog.outcome) return actions.closeDialog();
      return actions.submitSend(current.current);
    }
    if (key.ctrl && input === "n") return setText((t) => `${t}\n`);
    if (key.ctrl && input === "u") return setText("");
    if (key.backspace || key.delete) return setText((t) => [...t].slice(0, -1).join(""));
    if (key.ctrl || key.meta || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.tab) return;
    // A paste comes as one chunk; its line breaks are the message's.
    setText((t) => t + input.replace(/\r\n?/g, "\n"));
  });
  if (!dialog) return null;
  const lines = text.split("\n");
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold wrap="truncate-end">
        Send to {dialog.ids.length === 1 ? dialog.ids[0] : `${dialog.ids.length} sessions: ${dialog.ids.join(", ")}`}
      </Text>
      {lines.map((l, i) => (
        <Text key={i}>
          {i === 0 ? "> " : "  "}
          {inert(l)}
          {i === lines.length - 1 && !dialog.sending && !dialog.outcome ? "█" : ""}
        </Text>
      ))}
      {dialog.sending && <Text color="yellow">Sending… (waiting for the agent to be ready)</Text>}
      {dialog.outcome?.split("\n").map((line, i) => (
        <Text key={`o${i}`} color={/^(\S+: )?✓/.test(line) ? "green" : "red"}>
          {inert(line)}
        </Text>
      ))}
      <Text dimColor>{dialog.outcome ? "[enter/esc] close" : "[enter] send  [ctrl-n] new line  [esc] cancel"}</Text>
    </Box>
  );
}
