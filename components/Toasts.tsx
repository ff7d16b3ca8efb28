import { Box, Text } from "ink";
import { inert } from "../src/core/sanitize.js";
import { useDashboard } from "../hooks/useDashboard.js";

export function Toasts() {
  const toasts = useDashboard((s) => s.toasts);
  if (toasts.length === 0) return null;
  return (
    <Box flexDirection="column">
      {toasts.map((t) => (
        <Text key={t.id} color={t.kind === "error" ? "red" : t.kind === "success" ? "green" : "yellow"}>
          {inert(t.text)}
        </Text>
      ))}
    </Box>
  );
}
