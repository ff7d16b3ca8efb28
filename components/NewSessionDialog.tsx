import { Box, Text, useInput } from "ink";
import { issueOptions } from "../src/core/issue-pick.js";
import { inert } from "../src/core/sanitize.js";
import { useActions, useDashboard } from "../hooks/useDashboard.js";
import { useLiveState } from "../hooks/useLiveState.js";
import { clipText } from "./cells.js";

const FIELDS = ["project", "issue", "agent", "prompt"] as const;
type Field = (typeof FIELDS)[number];

/**
 * A new session: project and agent cycle with ←/→, the issue is searched as you type (↑/↓
 * pick), the prompt takes several lines (ctrl-n). Tab moves between fields; Enter starts.
 */
export function NewSessionDialog({ width }: { width: number }) {
  const dialog = useDashboard((s) => (s.dialog?.kind === "new" ? s.dialog : null));
  const actions = useActions();
  const form = useLiveState({ field: "project" as Field, project: 0, agent: -1, query: "", pick: 0, prompt: "" });
  const f = form.value;
  const projects = dialog?.projects ?? [];
  const project = projects[f.project];
  const agents = dialog?.agents ?? [];
  // -1 until chosen: the project's own agent.
  const agentName = f.agent >= 0 ? agents[f.agent] : project?.agent;
  const options = issueOptions(dialog?.issuesFor === project?.id ? (dialog?.issues ?? null) : null, f.query);

  useInput((input, key) => {
    if (!dialog) return;
    const cur = form.current();
    const step = (n: number) => form.set((v) => ({ ...v, field: FIELDS[(FIELDS.indexOf(v.field) + n + FIELDS.length) % FIELDS.length]! }));
    if (key.escape) return actions.closeDialog();
    if (key.tab) return step(key.shift ? -1 : 1);
    // Tabs pressed faster than the terminal reads arrive as one chunk: one step each.
    if (/^\t+$/.test(input)) return step(input.length);
    if (key.return) {
      const p = projects[cur.project];
      if (!p) return;
      const opts = issueOptions(dialog.issuesFor === p.id ? dialog.issues : null, cur.query);
      const issue = opts[Math.min(cur.pick, opts.length - 1)]?.id ?? null;
      const agent = cur.agent >= 0 ? agents[cur.agent] : undefined;
      return actions.submitNew({ project: p.id, ...(issue ? { issue } : {}), ...(agent ? { agent } : {}), ...(cur.prompt.trim() ? { prompt: cur.prompt } : {}) });
    }
    if (cur.field === "project" && (key.leftArrow || key.rightArrow)) {
      const next = (cur.project + (key.leftArrow ? -1 : 1) + projects.length) % projects.length;
      form.set((v) => ({ ...v, project: next, query: "", pick: 0 }));
      return actions.newSessionProject(projects[next]!.id);
    }
    if (cur.field === "agent" && (key.leftArrow || key.rightArrow)) {
      const at = cur.agent >= 0 ? cur.agent : Math.max(0, agents.indexOf(projects[cur.project]?.agent ?? ""));
      return form.set((v) => ({ ...v, agent: (at + (key.leftArrow ? -1 : 1) + agents.length) % agents.length }));
    }
    if (cur.field === "issue" && (key.upArrow || key.downArrow)) return form.set((v) => ({ ...v, pick: Math.max(0, v.pick + (key.upArrow ? -1 : 1)) }));
    if (key.ctrl && input === "n" && cur.field === "prompt") return form.set((v) => ({ ...v, prompt: `${v.prompt}\n` }));
    // Typed text keeps its line breaks (a paste); other control bytes are not text.
    // eslint-disable-next-line no-control-regex
    const typed = input.replace(/\r\n?/g, "\n").replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, "");
    const edit = (t: string) => (key.backspace || key.delete ? [...t].slice(0, -1).join("") : t + typed);
    if (key.ctrl || key.meta || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return;
    // Typing in the issue field searches: the first match is picked, (no issue) when cleared.
    if (cur.field === "issue") return form.set((v) => ({ ...v, query: edit(v.query).replace(/\n/g, " "), pick: edit(v.query).trim() ? 1 : 0 }));
    if (cur.field === "prompt") return form.set((v) => ({ ...v, prompt: edit(v.prompt) }));
  });
  if (!dialog) return null;
  const mark = (field: Field) => (f.field === field ? <Text color="cyan">› </Text> : "  ");
  // Issue titles come from the tracker: outside text, made inert before it reaches the terminal.
  const clip = (t: string) => clipText(inert(t), width - 8);
  const promptLines = f.prompt.split("\n");
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold>New session</Text>
      <Text wrap="truncate-end">
        {mark("project")}Project: ◂ {inert(project?.name ?? "-")} ▸
      </Text>
      <Text wrap="truncate-end">
        {mark("issue")}Issue: {f.field === "issue" ? f.query : clip(options[Math.min(f.pick, options.length - 1)]?.label ?? "")}
        {f.field === "issue" ? "█" : ""}
      </Text>
      {f.field === "issue" && (
        <>
          {options.map((o, i) => (
            <Text key={o.id ?? "none"} inverse={i === Math.min(f.pick, options.length - 1)} wrap="truncate-end">
              {/* A mark as well as the inverse: without colour (NO_COLOR) the inverse is gone too. */}
              {i === Math.min(f.pick, options.length - 1) ? "  ▸ " : "    "}
              {clip(o.label)}
            </Text>
          ))}
          {dialog.issuesFor === project?.id && dialog.issues === null && !dialog.issuesError && <Text dimColor>    loading issues…</Text>}
          {dialog.issuesError && <Text dimColor wrap="truncate-end">    {inert(dialog.issuesError)}</Text>}
        </>
      )}
      <Text wrap="truncate-end">
        {mark("agent")}Agent: ◂ {agentName ?? "-"} ▸
      </Text>
      {promptLines.map((l, i) => (
        <Text key={i} wrap="truncate-end">
          {i === 0 ? mark("prompt") : "  "}
          {i === 0 ? "Prompt: " : "        "}
          {l}
          {f.field === "prompt" && i === promptLines.length - 1 ? "█" : ""}
        </Text>
      ))}
      <Text dimColor wrap="truncate-end">[tab] next field  [←/→] choose  [ctrl-n] new line  [enter] start  [esc] cancel</Text>
    </Box>
  );
}
