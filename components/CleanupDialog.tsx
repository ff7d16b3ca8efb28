import { Table } from "@alcalzone/ink-table";
import { Box, Text, useInput } from "ink";
import { inert } from "../src/core/sanitize.js";
import { clipText, textWidth } from "./cells.js";
import { useActions, useDashboard } from "../hooks/useDashboard.js";

/**
 * The cleanup dry run: what would go and why; y carries out exactly this plan. A table where it
 * fits; narrower, one line per session cut to the width, so the line that says what y does
 * stays on screen.
 */
export function CleanupDialog({ width }: { width: number }) {
  const dialog = useDashboard((s) => (s.dialog?.kind === "cleanup" ? s.dialog : null));
  const actions = useActions();
  const marked = useDashboard((s) => s.marked.length);
  useInput((input, key) => {
    if (!dialog) return;
    if (key.escape || input === "n" || (dialog.done && key.return)) return actions.closeDialog();
    if (input === "y" && !dialog.done) actions.runCleanup();
  });
  if (!dialog) return null;
  const toKill = dialog.plan?.filter((p) => p.action === "kill") ?? [];
  const rows = (dialog.plan ?? []).map((p) => ({
    session: p.id,
    why: inert(p.reason),
    action: p.action === "kill" ? (dialog.done?.includes(p.id) ? "killed" : "kill") : `skip: ${inert(p.skipReason ?? "")}`,
  }));
  // Inside the dialog's border and padding.
  const inner = width - 5;
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold>Cleanup{marked > 0 ? ` (the ${marked} marked session${marked === 1 ? "" : "s"} only)` : ""}</Text>
      {dialog.error && <Text color="red">{inert(dialog.error)}</Text>}
      {!dialog.plan && !dialog.error && <Text>Checking for completed sessions…</Text>}
      {dialog.plan && dialog.plan.length === 0 && <Text>Nothing to clean up.</Text>}
      {rows.length > 0 &&
        (tableWidth(rows) <= inner ? (
          <Table data={rows} />
        ) : (
          rows.map((r) => (
            <Text key={r.session} wrap="truncate-end">
              {clipText(`${r.session}: ${r.action} (${r.why})`, inner)}
            </Text>
          ))
        ))}
      {dialog.running && <Text color="yellow">Cleaning up…</Text>}
      <Text dimColor>
        {dialog.done
          ? `Done: ${dialog.done.length} killed. [enter/esc] close`
          : toKill.length
            ? `[y] kill ${toKill.length} session${toKill.length === 1 ? "" : "s"}  [n/esc] close`
            : "[esc] close"}
      </Text>
    </Box>
  );
}

/** How wide ink-table draws these rows: each column as wide as its widest cell, a space either side, a rule between. */
function tableWidth(rows: ReadonlyArray<Record<string, string>>): number {
  const keys = Object.keys(rows[0] ?? {});
  return 1 + keys.reduce((sum, k) => sum + 3 + Math.max(textWidth(k), ...rows.map((r) => textWidth(r[k] ?? ""))), 0);
}
