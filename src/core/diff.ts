/** One line of a file's diff as the diff view shows it. */
export interface DiffLine {
  kind: "hunk" | "add" | "del" | "ctx" | "meta";
  text: string;
}

export interface DiffFile {
  path: string;
  /** The path before a rename. */
  oldPath?: string;
  change: "added" | "deleted" | "modified" | "renamed" | "binary";
  added: number;
  removed: number;
  lines: DiffLine[];
}

const unquote = (p: string) => (p.startsWith('"') && p.endsWith('"') ? p.slice(1, -1).replace(/\\(.)/g, "$1") : p);
const stripPrefix = (p: string) => unquote(p).replace(/^[ab]\//, "");

/**
 * Files of a `git diff` (unified, no colour) with their +/− counts. Pure: the diff service runs
 * git and hands the text here.
 */
export function parseUnifiedDiff(text: string): DiffFile[] {
  const files: DiffFile[] = [];
  let f: DiffFile | null = null;
  let inHunk = false;
  for (const line of text.split("\n")) {
    if (line.startsWith("diff --git ")) {
      const m = /^diff --git (\S+|"[^"]*") (\S+|"[^"]*")$/.exec(line);
      f = { path: stripPrefix(m?.[2] ?? line.slice(11)), change: "modified", added: 0, removed: 0, lines: [] };
      files.push(f);
      inHunk = false;
      continue;
    }
    if (!f) continue;
    if (!inHunk) {
      if (line.startsWith("new file mode")) f.change = "added";
      else if (line.startsWith("deleted file mode")) f.change = "deleted";
      else if (line.startsWith("rename from ")) {
        f.change = "renamed";
        f.oldPath = unquote(line.slice(12));
      }
      else if (line.startsWith("rename to ")) f.path = unquote(line.slice(10));
      else if (line.startsWith("Binary files ")) f.change = "binary";
      else if (line.startsWith("+++ ") && line !== "+++ /dev/null") f.path = stripPrefix(line.slice(4));
    }
    if (line.startsWith("@@")) {
      inHunk = true;
      f.lines.push({ kind: "hunk", text: line });
    } else if (!inHunk) {
      if (line.startsWith("Binary files ")) f.lines.push({ kind: "meta", text: line });
    } else if (line.startsWith("+")) {
      f.added++;
      f.lines.push({ kind: "add", text: line });
    } else if (line.startsWith("-")) {
      f.removed++;
      f.lines.push({ kind: "del", text: line });
    } else if (line.startsWith("\\")) {
      f.lines.push({ kind: "meta", text: line });
    } else if (line !== "" || f.lines.length > 0) {
      f.lines.push({ kind: "ctx", text: line });
    }
  }
  // The split leaves one empty context line after the last hunk.
  for (const file of files) if (file.lines.at(-1)?.kind === "ctx" && file.lines.at(-1)?.text === "") file.lines.pop();
  return files;
}

/** A file git does not track yet, as the diff of adding it. */
export function addedFileDiff(path: string, content: string | null): DiffFile {
  if (content === null) return { path, change: "binary", added: 0, removed: 0, lines: [{ kind: "meta", text: "binary file (untracked)" }] };
  const body = content.endsWith("\n") ? content.slice(0, -1) : content;
  const lines = body === "" ? [] : body.split("\n");
  return {
    path,
    change: "added",
    added: lines.length,
    removed: 0,
    lines: [{ kind: "hunk", text: `@@ -0,0 +1,${lines.length} @@ (untracked)` }, ...lines.map((l): DiffLine => ({ kind: "add", text: `+${l}` }))],
  };
}

/** The index of the next line (after `from`, wrapping) whose text holds `query`; -1 when none does. */
export function findLine(lines: readonly DiffLine[], query: string, from: number, backwards = false): number {
  const q = query.toLowerCase();
  if (!q || lines.length === 0) return -1;
  for (let i = 1; i <= lines.length; i++) {
    const at = (((backwards ? from - i : from + i) % lines.length) + lines.length) % lines.length;
    if (lines[at]!.text.toLowerCase().includes(q)) return at;
  }
  return -1;
}

/** A diff line made safe to draw: tabs as spaces, control bytes (escape sequences) as �. */
export function displayText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\t/g, "    ").replace(/[\u0000-\u001f\u007f-\u009f]/g, "�");
}
