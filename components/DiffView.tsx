import { Box, Text, useInput } from "ink";
import { displayText, findLine, type DiffLine } from "../src/core/diff.js";
import { useActions, useDashboard } from "../hooks/useDashboard.js";
import { chunkKeys } from "../hooks/useKeys.js";
import { useLiveState } from "../hooks/useLiveState.js";
import { clipText } from "./cells.js";

const COLOR: Record<DiffLine["kind"], string | undefined> = { add: "green", del: "red", hunk: "cyan", ctx: undefined, meta: "gray" };

/**
 * What a session changed: the files with +/− counts, then one file's diff. Only the lines that
 * fit are rendered, so a diff of any size costs a screenful. List: j/k, enter opens, esc/q
 * closes. File: j/k a line, PgUp/PgDn a page, n/p the next or previous file, / searches,
 * esc back to the list.
 */
/** The keys that move through the list or the file, one line each way. */
const STEP: Record<string, number> = { j: 1, down: 1, k: -1, up: -1 };

export function DiffView({ width, height }: { width: number; height: number }) {
  const dialog = useDashboard((s) => (s.dialog?.kind === "diff" ? s.dialog : null));
  const actions = useActions();
  const view = useLiveState({ file: null as number | null, pick: 0, top: 0, search: null as string | null, query: "", notFound: false });
  const v = view.value;
  const files = dialog?.diff?.files ?? [];
  const body = Math.max(3, height - 3);

  useInput((input, key) => {
    if (!dialog) return;
    const cur = view.current();
    const n = files.length;
    if (cur.search !== null) {
      if (key.escape) return view.set((x) => ({ ...x, search: null }));
      if (key.return) {
        const lines = files[cur.file ?? 0]?.lines ?? [];
        const at = findLine(lines, cur.search, cur.top);
        return view.set((x) => ({ ...x, search: null, query: cur.search ?? "", notFound: at < 0, top: at < 0 ? x.top : at }));
      }
      if (key.backspace || key.delete) return view.set((x) => ({ ...x, search: [...(x.search ?? "")].slice(0, -1).join("") }));
      if (!key.ctrl && !key.meta && input) view.set((x) => ({ ...x, search: (x.search ?? "") + input }));
      return;
    }
    // j and k typed fast (or held) arrive as one chunk ("jjj"): each is a step.
    const names = chunkKeys(input, key);
    const steps = names.every((k) => k in STEP) ? names.reduce((d, k) => d + STEP[k]!, 0) : null;
    if (cur.file === null) {
      if (key.escape || input === "q") return actions.closeDialog();
      if (steps !== null) return view.set((x) => ({ ...x, pick: Math.min(Math.max(0, n - 1), Math.max(0, x.pick + steps)) }));
      if (key.return && n > 0) return view.set((x) => ({ ...x, file: x.pick, top: 0, notFound: false }));
      return;
    }
    const lines = files[cur.file]?.lines.length ?? 0;
    const maxTop = Math.max(0, lines - body);
    const scroll = (d: number) => view.set((x) => ({ ...x, top: Math.min(maxTop, Math.max(0, x.top + d)) }));
    const open = (f: number) => view.set((x) => ({ ...x, file: f, pick: f, top: 0, notFound: false }));
    if (input === "q") return actions.closeDialog();
    if (key.escape) return view.set((x) => ({ ...x, file: null }));
    if (steps !== null) return scroll(steps);
    if (key.pageDown || input === " ") return scroll(body - 1);
    if (key.pageUp) return scroll(-(body - 1));
    if (input === "g") return view.set((x) => ({ ...x, top: 0 }));
    if (input === "G") return view.set((x) => ({ ...x, top: maxTop }));
    if (input === "n" && cur.file < n - 1) return open(cur.file + 1);
    if (input === "p" && cur.file > 0) return open(cur.file - 1);
    if (input === "/") return view.set((x) => ({ ...x, search: "" }));
  });
  if (!dialog) return null;
  const clip = (t: string, w = width - 2) => clipText(displayText(t), w);
  const title = <Text bold wrap="truncate-end">{clip(`Diff of ${dialog.id}${dialog.diff ? ` against ${dialog.diff.base}` : ""}`)}</Text>;
  if (dialog.error) return (<Box flexDirection="column">{title}<Text color="red">{clip(dialog.error)}</Text><Text dimColor>[esc] close</Text></Box>);
  if (!dialog.diff) return (<Box flexDirection="column">{title}<Text>Reading the worktree…</Text></Box>);
  if (v.file === null) {
    const start = Math.max(0, Math.min(v.pick - body + 1, files.length - body));
    const total = files.reduce((a, f) => [a[0]! + f.added, a[1]! + f.removed], [0, 0]);
    return (
      <Box flexDirection="column">
        {title}
        {files.length === 0 && <Text dimColor>No changes against the base.</Text>}
        {files.slice(start, start + body).map((f, i) => (
          <Text key={f.path} inverse={start + i === v.pick} wrap="truncate-end">
            {/* A mark as well as the inverse: without colour (NO_COLOR) the inverse is gone too. */}
            {start + i === v.pick ? "▸ " : "  "}
            <Text color="green">{`+${f.added}`.padStart(6)}</Text> <Text color="red">{`−${f.removed}`.padStart(6)}</Text> {clip(`${f.oldPath ? `${f.oldPath} → ` : ""}${f.path}${f.change === "added" ? " (new)" : f.change === "deleted" ? " (deleted)" : f.change === "binary" ? " (binary)" : ""}`, width - 18)}
          </Text>
        ))}
        <Text dimColor wrap="truncate-end">
          {files.length} file{files.length === 1 ? "" : "s"}, +{total[0]} −{total[1]} · [j/k] move [enter] open [esc] close
        </Text>
      </Box>
    );
  }
  const file = files[v.file]!;
  const shown = file.lines.slice(v.top, v.top + body);
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        {clip(`${file.path}  +${file.added} −${file.removed}  (${v.file + 1}/${files.length}, lines ${file.lines.length ? v.top + 1 : 0}–${v.top + shown.length} of ${file.lines.length})`)}
      </Text>
      {shown.map((l, i) => (
        <Text key={v.top + i} color={COLOR[l.kind]} dimColor={l.kind === "meta"} wrap="truncate-end">
          {clip(l.text)}
        </Text>
      ))}
      <Text dimColor wrap="truncate-end">
        {v.search !== null ? `/${v.search}█` : `${v.notFound ? `"${v.query}" not found · ` : ""}[j/k] line [PgUp/PgDn] page [n/p] file [/] search [esc] files [q] close`}
      </Text>
    </Box>
  );
}
