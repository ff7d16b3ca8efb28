import { Box, Text } from "ink";
import { inert, inertLines } from "../src/core/sanitize.js";
import { PANE_ROWS } from "../src/core/dashboard.js";
import { clipText } from "./cells.js";
import type { AgentView } from "../src/core/types.js";
import { useDashboard, useSelectedSession } from "../hooks/useDashboard.js";

/** What the agent itself reported: what it asks, what it last said, its newest events. */
function AgentLines({ agent, width }: { agent: AgentView; width: number }) {
  // The agent's words are outside text: no escape sequence or control byte of theirs acts.
  const fit = (s: string) => clipText(inert(s), width - 4);
  const events = agent.lastEvents.slice(-4).map((e) => `${e.time.slice(11, 19)} ${e.event}${e.detail ? ` ${e.detail}` : ""}`);
  return (
    <>
      {agent.question && <Text color="magenta">{fit(`Asks: ${agent.question.text}`)}</Text>}
      {agent.lastMessage && <Text>{fit(`Last said: ${agent.lastMessage.split("\n")[0] ?? ""}`)}</Text>}
      {events.length > 0 && <Text dimColor>{fit(`Events (${agent.source === "event" ? "status from these" : "screen checked"}): ${events.join(" · ")}`)}</Text>}
    </>
  );
}

/**
 * The selected session up close: why its status is what it is, its PR, and its pane. Nearly
 * everything here is outside text (GitHub, git, the agent's screen): each is made inert.
 */
export function DetailPane({ width }: { width: number }) {
  const v = useSelectedSession();
  const pane = useDashboard((s) => s.pane);
  const details = useDashboard((s) => s.details);
  const scroll = useDashboard((s) => s.paneScroll);
  if (!v) return null;
  const all = pane && pane.id === v.id ? inertLines(pane.text).split("\n").filter((l, i, list) => l.trim() !== "" || i < list.length - 1) : [];
  const end = Math.max(0, all.length - scroll);
  const lines = all.slice(Math.max(0, end - PANE_ROWS), end);
  return (
    <Box flexDirection="column" borderStyle="single" paddingX={1} width={width}>
      <Text>
        <Text bold>{inert(v.id)}</Text> {v.status} — {inert(v.statusReason)}
      </Text>
      <Text>PR: {v.prUrl ? inert(v.prUrl) : "none yet"}</Text>
      {v.failingChecks.length > 0 && <Text color="red">Failing: {inert(v.failingChecks.join(", "))}</Text>}
      {details?.id === v.id && details.checks.map((c, i) => <Text key={`c${i}`} color="red">{clipText(`  ${inert(c)}`, width - 4)}</Text>)}
      {v.pendingThreads !== null && v.pendingThreads > 0 && <Text color="yellow">{v.pendingThreads} unresolved review threads</Text>}
      {details?.id === v.id && details.threads.map((t, i) => <Text key={`t${i}`} color="yellow">{clipText(`  ${inert(t)}`, width - 4)}</Text>)}
      <Text>
        Branch: {inert(v.branch ?? "-")} · Worktree: {inert(v.worktree ?? "-")}
      </Text>
      {v.lastReaction && <Text color="cyan">Last reaction: {inert(v.lastReaction)}</Text>}
      {v.conflicts.map((c) => (
        <Text key={`x-${c.with}`} color="yellow" wrap="truncate-end">
          ⚠ would conflict with {inert(c.with)} in {inert(c.files.join(", "))}
        </Text>
      ))}
      {v.agent && <AgentLines agent={v.agent} width={width} />}
      <Text dimColor>
        {scroll > 0 ? `── the pane, lines ${end - lines.length + 1}–${end} of ${all.length} (PgDn: newer) ──` : `── last lines of the pane${all.length > PANE_ROWS ? " (PgUp: older)" : ""} ──`}
      </Text>
      {lines.length === 0 ? <Text dimColor>{pane ? "(empty)" : "(loading…)"}</Text> : lines.map((l, i) => <Text key={i}>{clipText(l, width - 4)}</Text>)}
    </Box>
  );
}
