import { Text } from "ink";
import { shortAge } from "../src/core/age.js";
import { needsYou, SORT_LABEL } from "../src/core/dashboard.js";
import { thousands } from "../src/core/format.js";
import { inert } from "../src/core/sanitize.js";
import { useDashboard } from "../hooks/useDashboard.js";

/** How long ago `ms` milliseconds is, in the short form every table uses. */
const ago = (ms: number) => shortAge(new Date(0), new Date(Math.max(0, ms)));

/** The config edit that is not in use, and where its error is; shown until the file is fixed. */
export function ConfigError() {
  const error = useDashboard((s) => s.configError);
  if (!error) return null;
  return (
    <Text color="red" wrap="truncate-end">
      config not reloaded: {error}
    </Text>
  );
}

export function Header() {
  const workspace = useDashboard((s) => s.workspace);
  const sessions = useDashboard((s) => s.sessions);
  const github = useDashboard((s) => s.github);
  // The text, not the times: a refresh that moves them but not what they read draws nothing.
  const updated = useDashboard((s) => (s.localUpdatedAt !== null ? ago(s.now - s.localUpdatedAt) : "-"));
  const now = useDashboard((s) => s.now);
  const localError = useDashboard((s) => s.localError);
  const sort = useDashboard((s) => s.sort);
  const all = useDashboard((s) => s.filter.all === true);
  const marked = useDashboard((s) => s.marked.length);
  const live = sessions.filter((v) => v.status !== "killed");
  const need = live.filter(needsYou).length;
  // Hosts that do not answer, once each, in the words their sessions carry.
  const down = [...new Set(live.filter((v) => v.statusCause === "host_unreachable").map((v) => v.statusReason))];
  const gh =
    github.state === "ok"
      ? `GitHub ok${github.remaining !== null ? ` (${thousands(github.remaining)} left)` : ""}`
      : github.state === "loading"
        ? "GitHub …"
        : github.state === "off"
          ? `GitHub off${github.error ? `: ${inert(github.error)}` : ""}`
          : `GitHub stale${github.fetchedAt ? ` (${ago(now - Date.parse(github.fetchedAt))} old)` : ""}${github.error ? `: ${inert(github.error)}` : ""}`;
  // One line at any width: the layout counts the header as one line, and a wrapped header
  // would push the table's last rows (and the cursor) off the screen.
  return (
    <Text wrap="truncate-end">
      <Text bold>AGENT ORCHESTRATOR </Text>
      <Text> {inert(workspace.length > 16 ? `${workspace.slice(0, 15)}…` : workspace)}   </Text>
      <Text>
        {live.length} session{live.length === 1 ? "" : "s"} · {need > 0 ? <Text color="yellow">{need} need you</Text> : "0 need you"} · {SORT_LABEL[sort]}
        {all ? " + killed" : ""}
        {marked > 0 ? <Text color="cyan"> · {marked} marked</Text> : ""} ·{" "}
        <Text color={github.state === "ok" ? undefined : "yellow"}>{gh}</Text> ·{" "}
        {down.length ? (
          <>
            <Text color="red">{inert(down.join(", "))}</Text> ·{" "}
          </>
        ) : null}
        {localError ? <Text color="red">local refresh failed: {inert(localError)}</Text> : `updated ${updated} ago`}
      </Text>
    </Text>
  );
}
