// sim-agent: a dependency-free stand-in for an AI coding agent CLI, for ao's tests and demo.
// It behaves like a full-screen terminal agent: raw-mode keys, bracketed paste, a spinner while
// "thinking", a queue for messages sent while busy, y/n questions, git commit/push.
//
//   node demo/sim-agent.mjs
//
// Screen (redrawn in place; `tmux capture-pane -p` shows the current state):
//   sim-agent — <cwd basename>
//   <transcript: "› <user message>", "● <reply>", "✗ Error: …">
//   …blank padding…
//   ⠋ Thinking… (<n>s)                 while busy
//   ? <question> (y/n)                 while a question waits for a y/n key
//   Queued: <text>                     one per queued message, then the hint line
//   Press up to edit queued messages
//   > <draft>                          the composer (continuation lines start with "  ")
//
//   <question>                         while a menu waits (no composer then):
//   ❯ 1. <option>                      the cursor; ↑/↓ or a digit move it, Enter chooses,
//     2. <option>                      Esc cancels
//   Enter to confirm · ↑/↓ to navigate · Esc to cancel
//
// Env: AO_SIM_LOG (JSON-lines log of processed messages), AO_SIM_INPUT_LOG (every raw input
// chunk, JSON-lines, to prove nothing was typed), AO_SIM_THINK_MS (default 1500),
// AO_PROMPT (first message), AO_SIM_SCRIPT (JSON array of steps run at start), AO_SIM_MODE
// (comma-separated: swallow-first-enter, never-read, slow-start=<ms>).
// Script steps: {say}, {think: ms}, {hang: true}, {edit: {file, content}}, {commit: msg}, {push: true},
// {ask: question}, {pr: {title, body?}}, {fail: message} (exit 1), {exit: code}. `pr` opens a
// pull request for the current branch at $AO_DEMO_GITHUB_API (REST base) on $AO_DEMO_REPO
// (owner/name), with $GITHUB_TOKEN. With a script, AO_PROMPT is shown as the task, not answered.
// Messages: /exit, ask <q>, menu <q> (a numbered permission menu), login (a sign-in picker),
// commit <msg>, push, fail, sleep <ms>; anything else → "● Done: …". A chosen menu option is
// logged as "chose <n>. <label>"; Esc as "cancelled".
import process from "node:process";
import path from "node:path";
import { Buffer } from "node:buffer";
import { setInterval, clearInterval } from "node:timers";
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";

const env = process.env;
const THINK_MS = Number(env.AO_SIM_THINK_MS ?? 1500) || 0;
const modes = (env.AO_SIM_MODE ?? "").split(",").map((m) => m.trim()).filter(Boolean);
const swallowFirstEnter = modes.includes("swallow-first-enter");
const neverRead = modes.includes("never-read");
const slowStart = Number(modes.find((m) => m.startsWith("slow-start="))?.slice("slow-start=".length) ?? 0) || 0;

const PASTE_START = "\x1b[200~";
const PASTE_END = "\x1b[201~";
const SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- state ----
let started = false; // false while "Starting…" (slow-start): raw input is kept in `early`
const early = [];
const transcript = []; // display lines
let draft = "";
const queue = []; // messages submitted while busy
let busy = false; // a message (or the start-up prompt/script) is being handled
let hung = false; // a {hang} step: no composer, nothing moves
let thinking = null; // { start, frame, timer } while the spinner shows
let question = null; // { text, resolve } while a y/n question is open
let menu = null; // { text, options, cursor, resolve } while a numbered menu is open
let enterSwallowed = false;
let input = ""; // unparsed input (an escape sequence or paste marker may be split across chunks)
let pasteBuf = null; // text of a bracketed paste in progress, else null
let escTimer = null;

// ---- terminal ----
function restoreTerminal() {
  process.stdout.write("\x1b[?2004l"); // bracketed paste off
  if (process.stdin.isTTY) process.stdin.setRawMode(false);
}

function exit(code) {
  if (thinking) clearInterval(thinking.timer);
  // Leave the transcript on screen without a composer, so a dead pane never looks ready.
  const keep = transcript.slice(-((process.stdout.rows || 24) - 2));
  process.stdout.write(["\x1b[H\x1b[2J" + header(), ...keep].join("\r\n") + "\r\n");
  restoreTerminal();
  process.exit(code);
}

// Display width: wide East Asian characters and most emoji take two cells.
const cpWidth = (cp) =>
  (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) ||
  (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
  (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) || (cp >= 0x20000 && cp <= 0x3fffd) ? 2 : 1;

// Control characters in pasted text are shown as ^X so they cannot move the cursor; tabs as 4 spaces.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const visible = (s) => s.replace(/\t/g, "    ").replace(/[\x00-\x1f\x7f]/g, (c) => (c === "\x7f" ? "^?" : "^" + String.fromCharCode(c.charCodeAt(0) + 64)));

// Hard-wrap one logical line into rows of at most `width` cells. We wrap at cols-1 ourselves so the
// terminal never auto-wraps (that would push rows off screen and break the layout).
function wrap(line, width) {
  const rows = [];
  let row = "", w = 0;
  for (const ch of visible(line)) {
    const cw = cpWidth(ch.codePointAt(0));
    if (w + cw > width) { rows.push(row); row = ""; w = 0; }
    row += ch; w += cw;
  }
  rows.push(row);
  return rows;
}
const clip = (line, width) => wrap(line, width)[0];
const oneLine = (s) => s.replace(/[\r\n\t]+/g, " ");

const header = () => `sim-agent — ${path.basename(process.cwd())}`;

function draw() {
  if (!started) return void process.stdout.write(`\x1b[H\x1b[2JStarting…`);
  const rows = process.stdout.rows || 24;
  const width = Math.max(10, (process.stdout.columns || 80) - 1);
  const status = [];
  if (thinking) status.push(`${SPINNER[thinking.frame % SPINNER.length]} Thinking… (${Math.floor((Date.now() - thinking.start) / 1000)}s)`);
  if (question) status.push(`? ${question.text} (y/n)`);
  if (menu) {
    status.push(menu.text, ...menu.options.map((o, i) => `${i === menu.cursor ? "❯" : " "} ${i + 1}. ${o}`));
    status.push("Enter to confirm · ↑/↓ to navigate · Esc to cancel");
  }
  for (const q of queue) status.push(`Queued: ${oneLine(q)}`);
  if (queue.length) status.push("Press up to edit queued messages");
  // A menu has the keyboard: like the real agents, it takes the composer's place.
  let composer = menu || hung ? [] : draft.split("\n").flatMap((l, i) => wrap((i === 0 ? "> " : "  ") + l, width));
  composer = composer.slice(-(rows - 1)); // a huge draft: keep its end (where the cursor is)
  const statusLines = status.map((s) => clip(s, width)).slice(0, Math.max(0, rows - 1 - composer.length));
  const room = rows - 1 - composer.length - statusLines.length;
  const body = room > 0 ? transcript.slice(-room).map((l) => clip(l, width)) : [];
  while (body.length < room) body.push(""); // pad so the composer sits on the bottom rows
  const lines = [clip(header(), width), ...body, ...statusLines, ...composer];
  // Home, then overwrite each row and erase its rest (\x1b[K): no full clear, so no flicker.
  // No newline after the last row, or the terminal would scroll.
  const last = composer[composer.length - 1] ?? "";
  const col = [...last].reduce((w, ch) => w + cpWidth(ch.codePointAt(0)), 0) + 1;
  process.stdout.write("\x1b[H" + lines.map((l) => l + "\x1b[K").join("\r\n") + `\x1b[J\x1b[${lines.length};${col}H`);
}

const say = (line) => { transcript.push(...line.split("\n")); draw(); };

function log(text) {
  if (env.AO_SIM_LOG) appendFileSync(env.AO_SIM_LOG, JSON.stringify({ time: new Date().toISOString(), text }) + "\n");
}

// ---- work ----
async function think(ms) {
  const t = { start: Date.now(), frame: 0, timer: null };
  t.timer = setInterval(() => { t.frame++; draw(); }, 100); // keeps the screen changing while busy
  thinking = t;
  draw();
  await sleep(ms);
  clearInterval(t.timer);
  thinking = null;
  draw();
}

function ask(text) {
  return new Promise((resolve) => { question = { text, resolve }; draw(); });
}

function choose(text, options) {
  return new Promise((resolve) => { menu = { text, options, cursor: 0, resolve }; draw(); });
}

async function menuAnswer(text, options) {
  const i = await choose(text, options);
  const a = i === null ? "cancelled" : `chose ${i + 1}. ${options[i]}`;
  log(a);
  say(`● ${a}`);
}

function git(...args) {
  return execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

function tryGit(fn) {
  try { fn(); } catch (e) { say(`✗ Error: ${oneLine(String(e.stderr || e.message).trim()).slice(0, 200)}`); }
}

function commit(message) {
  tryGit(() => {
    let n = 1;
    while (existsSync(`sim-${n}.txt`)) n++;
    writeFileSync(`sim-${n}.txt`, `simulated change ${n}\n${message}\n`);
    git("add", "-A");
    git("commit", "-q", "-m", message);
    say(`● Committed ${git("rev-parse", "--short", "HEAD")}`);
  });
}

function push() {
  tryGit(() => {
    const branch = git("rev-parse", "--abbrev-ref", "HEAD");
    git("push", "-q", "-u", "origin", "HEAD");
    say(`● Pushed ${branch}`);
  });
}

// The REST call an agent makes with `gh pr create`: head is the branch it pushed.
async function openPr({ title, body = "" }) {
  const api = env.AO_DEMO_GITHUB_API;
  const repo = env.AO_DEMO_REPO;
  if (!api || !repo) return say("✗ Error: cannot open a PR (AO_DEMO_GITHUB_API and AO_DEMO_REPO are not set)");
  try {
    const head = git("rev-parse", "--abbrev-ref", "HEAD");
    const res = await globalThis.fetch(`${api}/repos/${repo}/pulls`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/vnd.github+json", ...(env.GITHUB_TOKEN ? { authorization: `token ${env.GITHUB_TOKEN}` } : {}) },
      body: JSON.stringify({ title, body, head, base: env.AO_DEMO_BASE || "main" }),
    });
    const pr = await res.json();
    if (!res.ok) return say(`✗ Error: PR not opened (${res.status} ${pr.message ?? ""})`);
    say(`● Opened PR #${pr.number} ${pr.html_url}`);
  } catch (e) {
    say(`✗ Error: PR not opened (${oneLine(e.message)})`);
  }
}

async function answer(q) {
  const a = await ask(q);
  log(a);
  say(`● Answer: ${a}`);
}

// One submitted message: logged when processed (not when queued), echoed, then handled.
async function handle(text) {
  log(text);
  say(text.split("\n").map((l, i) => (i === 0 ? "› " : "  ") + l).join("\n"));
  const [cmd, ...rest] = text.trim().split(/\s+/);
  const arg = text.trim().slice((cmd ?? "").length).trim();
  if (cmd === "/exit" && !rest.length) return exit(0);
  if (cmd === "sleep" && rest.length === 1 && /^\d+$/.test(arg)) { await think(Number(arg)); return say(`● Slept ${arg}ms`); }
  await think(THINK_MS);
  if (cmd === "ask" && arg) return answer(arg);
  if (cmd === "menu" && arg) return menuAnswer(arg, ["Yes", "Yes, and don't ask again", "No"]);
  if (cmd === "login" && !rest.length) return menuAnswer("Select login method:", ["Sign in with a browser", "Paste an API key", "Exit"]);
  if (cmd === "commit" && arg) return commit(arg);
  if (cmd === "push" && !rest.length) return push();
  if (cmd === "fail" && !rest.length) { say("✗ Error: simulated failure"); return exit(1); }
  say(`● Done: ${oneLine([...text].slice(0, 60).join(""))}`);
}

async function runScript(file) {
  const steps = JSON.parse(readFileSync(file, "utf8"));
  for (const s of steps) {
    if ("say" in s) say(`● ${s.say}`);
    else if ("think" in s) await think(Number(s.think));
    else if ("edit" in s) {
      mkdirSync(path.dirname(path.resolve(s.edit.file)), { recursive: true });
      writeFileSync(s.edit.file, s.edit.content);
      say(`● Edited ${s.edit.file}`);
    } else if ("commit" in s) commit(s.commit);
    else if ("push" in s) push();
    else if ("ask" in s) await answer(s.ask);
    else if ("pr" in s) await openPr(s.pr);
    else if ("fail" in s) { say(`✗ Error: ${s.fail}`); exit(1); }
    else if ("exit" in s) exit(Number(s.exit));
    else if ("hang" in s) {
      // Frozen mid-task: the screen stops and no prompt comes back (a watch-mode test run).
      hung = true;
      draw();
      await new Promise(() => {});
    }
  }
}

// Handle queued messages one after another until the queue is empty.
async function pump() {
  if (busy) return;
  busy = true;
  while (queue.length) await handle(queue.shift());
  busy = false;
  draw();
}

function submit() {
  if (!draft.trim()) return; // Enter on an empty composer does nothing
  queue.push(draft);
  draft = "";
  if (busy) draw(); // shows "Queued: …"
  else pump().catch(fatal);
}

// ---- input ----
// One key (a whole code point) outside a paste.
function key(ch) {
  if (menu) {
    const m = menu;
    if (ch === "\r") { menu = null; return m.resolve(m.cursor); }
    if (/^[1-9]$/.test(ch) && Number(ch) <= m.options.length) m.cursor = Number(ch) - 1;
    return;
  }
  if (question && (ch === "y" || ch === "n")) {
    const q = question;
    question = null;
    return q.resolve(ch);
  }
  switch (ch) {
    case "\r": // Enter (tmux send-keys Enter sends CR)
      if (swallowFirstEnter && !enterSwallowed) { enterSwallowed = true; return; }
      return submit();
    case "\n": draft += "\n"; return; // Ctrl-J: newline in the draft, as in most agent CLIs
    case "\x7f": case "\x08": draft = [...draft].slice(0, -1).join(""); return;
    case "\x15": draft = ""; return; // Ctrl-U
    case "\x03": if (draft) { draft = ""; return; } return exit(130); // Ctrl-C
    case "\x04": if (!draft) exit(0); return; // Ctrl-D
  }
  if (ch < " ") return; // Tab and other control keys are ignored when typed
  if (question) return; // the y/n dialog has the keyboard
  draft += ch;
}

// Length of the complete escape sequence at the start of `s`, or 0 if it may still be incomplete.
function escapeLength(s) {
  if (s.length < 2) return 0;
  if (s[1] === "O") return s.length >= 3 ? 3 : 0; // SS3: arrows in application cursor mode
  if (s[1] !== "[") return 2; // Alt+key: ignored
  for (let i = 2; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x40 && c <= 0x7e) return i + 1; // CSI final byte
    if (c < 0x20 || c > 0x3f) return i; // malformed: drop what we have
  }
  return 0;
}

// Longest suffix of `s` that is a proper prefix of `marker` (a marker split across chunks).
function partialSuffix(s, marker) {
  for (let k = Math.min(marker.length - 1, s.length); k > 0; k--) if (s.endsWith(marker.slice(0, k))) return k;
  return 0;
}

function parse() {
  clearTimeout(escTimer);
  while (input) {
    if (pasteBuf !== null) {
      // Inside a bracketed paste everything is literal until the end marker.
      const end = input.indexOf(PASTE_END);
      const take = end >= 0 ? end : input.length - partialSuffix(input, PASTE_END);
      pasteBuf += input.slice(0, take);
      input = input.slice(end >= 0 ? end + PASTE_END.length : take);
      if (end < 0) break;
      // tmux paste-buffer turns LF into CR (unless -r): make both plain newlines again.
      draft += pasteBuf.replace(/\r\n?/g, "\n");
      pasteBuf = null;
    } else if (input[0] === "\x1b") {
      const n = escapeLength(input);
      if (!n) {
        // A lone Escape, or a sequence cut between chunks: wait briefly for the rest.
        escTimer = setTimeout(() => {
          input = input.slice(1);
          if (menu) { const m = menu; menu = null; m.resolve(null); }
          parse();
          draw();
        }, 50);
        break;
      }
      const seq = input.slice(0, n);
      input = input.slice(n);
      if (menu && (seq === "\x1b[A" || seq === "\x1bOA")) menu.cursor = Math.max(0, menu.cursor - 1);
      else if (menu && (seq === "\x1b[B" || seq === "\x1bOB")) menu.cursor = Math.min(menu.options.length - 1, menu.cursor + 1);
      else if (seq === PASTE_START) pasteBuf = "";
      else if ((seq === "\x1b[A" || seq === "\x1bOA") && queue.length && !question) {
        draft = [...queue.splice(0), ...(draft ? [draft] : [])].join("\n"); // up: edit queued messages
      }
    } else {
      const ch = String.fromCodePoint(input.codePointAt(0));
      input = input.slice(ch.length);
      key(ch);
    }
  }
}

function onData(chunk) {
  if (env.AO_SIM_INPUT_LOG) appendFileSync(env.AO_SIM_INPUT_LOG, JSON.stringify(chunk) + "\n");
  if (neverRead) return; // never-read mode: input is swallowed unseen
  if (!started) return void early.push(chunk);
  input += chunk;
  parse();
  draw();
}

// ---- start ----
process.on("SIGTERM", () => exit(143));
process.on("SIGHUP", () => { restoreTerminal(); process.exit(129); });
const fatal = (e) => { say(`✗ Error: ${e.message}`); exit(1); };
process.on("uncaughtException", fatal);
process.stdout.on("resize", draw); // SIGWINCH
process.stdout.on("error", () => process.exit(0)); // the pane went away

if (process.stdin.isTTY) process.stdin.setRawMode(true);
process.stdin.setEncoding("utf8"); // a decoder: multi-byte characters split across chunks stay whole
process.stdin.on("data", (c) => onData(typeof c === "string" ? c : Buffer.from(c).toString("utf8")));
process.stdout.write("\x1b[?2004h"); // bracketed paste on

async function main() {
  draw();
  if (slowStart) await sleep(slowStart);
  started = true;
  busy = true; // input is live from now on; Enter queues until the start-up work is done
  input += early.splice(0).join(""); // keys typed during "Starting…"
  parse();
  draw();
  if (env.AO_PROMPT && env.AO_SIM_SCRIPT) {
    // The script is the agent's answer to its task: show the task, not a canned "Done".
    log(env.AO_PROMPT);
    say(`› ${oneLine(env.AO_PROMPT.split("\n")[0])}`);
  } else if (env.AO_PROMPT) await handle(env.AO_PROMPT);
  if (env.AO_SIM_SCRIPT) await runScript(env.AO_SIM_SCRIPT);
  busy = false;
  await pump();
}
main().catch(fatal);
