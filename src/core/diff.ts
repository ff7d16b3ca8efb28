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

const C_ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, "\\": 92 };

/**
 * A path as git quotes one with unusual characters: in double quotes, C escapes, and every byte
 * past ASCII as `\ooo` octal (UTF-8). Read back to the name itself ("\303\251" is "é"); shown,
 * it goes through inert() like any outside text.
 */
function unquote(p: string): string {
  if (!(p.startsWith('"') && p.endsWith('"') && p.length >= 2)) return p;
  const bytes: number[] = [];
  const body = p.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== "\\" || i + 1 >= body.length) {
      bytes.push(...Buffer.from(ch, "utf8"));
      continue;
    }
    const next = body[i + 1]!;
    const oct = /^[0-3][0-7]{2}/.exec(body.slice(i + 1, i + 4));
    if (oct) {
      bytes.push(parseInt(oct[0], 8));
      i += 3;
    } else {
      bytes.push(C_ESCAPES[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString("utf8");
}
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
      const m = /^diff --git (\S+|"(?:[^"\\]|\\.)*") (\S+|"(?:[^"\\]|\\.)*")$/.exec(line);
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
      else if (line.startsWith("+++ ") && line !== "+++ /dev/null") f.path = stripPrefix(line.slice(4).replace(/\t$/, ""));
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
