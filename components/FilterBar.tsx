import { Text, useInput } from "ink";
import { inert } from "../src/core/sanitize.js";
import { useActions, useDashboard } from "../hooks/useDashboard.js";

/** `/` text filter: typing narrows the table as you go; enter keeps it, esc clears it. */
export function FilterBar() {
  const editing = useDashboard((s) => s.dialog?.kind === "filter");
  const filter = useDashboard((s) => s.filter);
  const projectName = useDashboard((s) => s.projects.find((p) => p.id === s.filter.project)?.name ?? s.filter.project);
  const actions = useActions();
  useInput(
    (input, key) => {
      if (key.escape) {
        actions.setFilterText("");
        return actions.closeDialog();
      }
      if (key.return) return actions.closeDialog();
      // Edits apply to the store's text, not this render's: keys can arrive faster than renders.
      if (key.backspace || key.delete) return actions.setFilterText((t) => [...t].slice(0, -1).join(""));
      if (!key.ctrl && !key.meta && input) actions.setFilterText((t) => t + input);
    },
    { isActive: editing },
  );
  if (!editing && !filter.text && filter.project === null) return null;
  return (
    <Text wrap="truncate-end">
      {filter.project !== null && <Text color="cyan">project: {inert(projectName ?? "")} </Text>}
      {(editing || filter.text) && (
        <Text>
          /{inert(filter.text)}
          {editing ? "█" : ""}
        </Text>
      )}
    </Text>
  );
}
