import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGitHub, type FakeGitHub } from "../../demo/fake-github.js";
import { parseMetadata, serializeMetadata } from "../../src/core/metadata-format.js";
import { AO_BIN, ROOT, requireBuild, runAo } from "../helpers/ao.js";
import { makeRepo } from "../helpers/git.js";
import { privateTmux, waitFor } from "../helpers/tmux.js";

// Outside text made hostile: an issue title, a branch name, a PR title, a check name and a review
// thread each carry a paste end, OSC 52 (clipboard), OSC 0 (window title), CSI 2J (clear), ^C and
// CR. The bytes ao status, --watch, session ls and ao ui write must act on nothing, and what the
// agent is sent must carry no key.
const ESC = "\u001b";
const BEL = "\u0007";
const hostile = (tag: string) => `${tag}A${ESC}[201~B${ESC}]52;c;cHduZWQ=${BEL}C${ESC}]0;PWNED${BEL}D${ESC}[2JE\u0003F\rG`;
const REPO = "org/app";
const SIM = path.join(ROOT, "demo/sim-agent.mjs");
const agents = privateTmux();
const ui = privateTmux();
let gh: FakeGitHub;
let root: string;
let env: NodeJS.ProcessEnv;
let id: string;
let agentLog: string;
let agentInput: string;

/** What outside text may never leave behind in output: its own sequences and control bytes. */
function expectNothingActs(bytes: string, where: string): void {
  const found = (s: string) => (bytes.includes(s) ? `${where}: ${JSON.stringify(s)}` : null);
  expect([found(`${ESC}]`), found(`${ESC}[201~`), found(`${ESC}[2JE`), found("\u0003"), found(BEL), found("F\rG"), found("F\r\nG")].filter(Boolean)).toEqual([]);
}

/** With colour: every ESC starts one of ao's own SGR colour codes. */
function expectOnlyColour(bytes: string): void {
  // eslint-disable-next-line no-control-regex -- control bytes are what is checked
  const stripped = bytes.replace(/\u001b\[[0-9;]*m/g, "");
  expect(stripped).not.toContain(ESC);
}

beforeAll(async () => {
  requireBuild();
  gh = await startFakeGitHub({ token: "fake-token" });
  root = await mkdtemp(path.join(tmpdir(), "ao-hostile-"));
  const { clone } = await makeRepo(root);
  const config = path.join(root, "ao.yaml");
  await writeFile(
    config,
    `name: hostilews\ngithub: { baseUrl: ${gh.baseUrl} }\nreactions:\n  ci-failed: { action: send-to-agent, retries: 0 }\nprojects:\n  frontend: { repo: ${REPO}, path: ${JSON.stringify(clone)}, sessionPrefix: fe, tracker: github, agent: generic, agentCommand: ${JSON.stringify(`node ${SIM}`)} }\n`,
  );
  agentLog = path.join(root, "agent.log");
  agentInput = path.join(root, "agent.input");
  env = { PATH: process.env.PATH, HOME: path.join(root, "home"), AO_HOME: path.join(root, "ao-home"), AO_CONFIG_PATH: config, AO_TMUX_SOCKET: agents.socket, GITHUB_TOKEN: "fake-token", AO_SIM_THINK_MS: "200" };

  const issue = gh.state.addIssue({ repo: REPO, title: hostile("issue"), body: "the body" });
  const r = await runAo(["spawn", "frontend", String(issue)], { env: { ...env, AO_SIM_LOG: agentLog, AO_SIM_INPUT_LOG: agentInput } });
  expect(r.stderr).toBe("");
  id = r.stdout.trim();
  await waitFor(`${id} ready`, async () => (JSON.parse((await runAo(["session", "ls", "--json"], { env })).stdout) as Array<{ name: string; activity: string }>)[0]?.activity === "ready");
  // A branch name as metadata may hold it (edited by hand, or from elsewhere).
  const metaFile = path.join(root, `ao-home/sessions/hostilews/${id}/metadata`);
  const meta = parseMetadata(await readFile(metaFile, "utf8"));
  const branch = hostile("branch");
  await writeFile(metaFile, serializeMetadata({ ...meta, branch }));
  const n = gh.state.openPr({ repo: REPO, branch, title: hostile("prtitle"), body: hostile("prbody") });
  gh.state.setCi(REPO, n, "failure", [{ name: hostile("check"), conclusion: "failure", log: hostile("log") }]);
  gh.state.requestChanges(REPO, n, { reviewer: "eve", threads: [{ path: "src/a.ts", line: 1, body: hostile("thread") }] });
}, 60_000);

afterAll(async () => {
  ui.kill();
  agents.kill();
  await gh?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

describe("hostile outside text", () => {
  it("ao status and ao session ls print it inert, with and without colour", async () => {
    const plain = await runAo(["status"], { env });
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain("issueABCDEF G"); // the issue title, as the summary
    expect(plain.stdout).toContain("branchABCDEF G");
    expect(plain.stdout).not.toContain(ESC);
    expectNothingActs(plain.stdout, "ao status");
    // Without a summary the row shows its status reason, which names the failing check.
    const metaFile = path.join(root, `ao-home/sessions/hostilews/${id}/metadata`);
    const meta = parseMetadata(await readFile(metaFile, "utf8"));
    await writeFile(metaFile, serializeMetadata({ ...meta, summary: "" }));
    const reason = await runAo(["status"], { env });
    expect(reason.stdout).toContain("checkABCDEF G");
    expect(reason.stdout).not.toContain(ESC);
    expectNothingActs(reason.stdout, "ao status (reason)");
    const colour = await runAo(["status"], { env: { ...env, FORCE_COLOR: "1" } });
    expect(colour.stdout).toContain(`${ESC}[`);
    expectOnlyColour(colour.stdout);
    expectNothingActs(colour.stdout, "ao status (colour)");
    const ls = await runAo(["session", "ls"], { env: { ...env, FORCE_COLOR: "1" } });
    expect(ls.stdout).toContain("branchABCDEF G");
    expectOnlyColour(ls.stdout);
    expectNothingActs(ls.stdout, "ao session ls");
  });

  it("ao status --watch writes inert frames", async () => {
    const child = spawn(process.execPath, [AO_BIN, "status", "--watch", "--interval", "0.5"], { env: { ...env, FORCE_COLOR: "1" } });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString("utf8")));
    try {
      await waitFor("two frames", () => out.split("active session").length > 2, 30_000);
    } finally {
      child.kill();
    }
    expect(out).toContain("checkABCDEF G");
    expectOnlyColour(out);
    expectNothingActs(out, "--watch");
  });

  it("the agent is told about the failing check with no key in the message", async () => {
    const typedBefore = (await readFile(agentInput, "utf8").catch(() => "")).length;
    expect((await runAo(["watch", "--once"], { env })).stdout).toMatch(/ci-failed → told the agent \(delivered\)/);
    const texts = (await readFile(agentLog, "utf8")).trim().split("\n").map((l) => (JSON.parse(l) as { text: string }).text);
    const message = texts.at(-1)!;
    // A check's name is one line in the message (a line break in it would start an entry).
    expect(message).toContain("- checkABCDEF G: failure");
    // eslint-disable-next-line no-control-regex
    expect(message).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    const bytes = (await readFile(agentInput, "utf8")).slice(typedBefore).trim().split("\n").map((l) => JSON.parse(l) as string).join("");
    // C-u, then exactly one paste in ao's own markers, then Enter: nothing else acts. (Inside
    // the paste tmux sends each newline as CR; a bracketed paste keeps it text.)
    const [before, rest] = bytes.split(`${ESC}[200~`) as [string, string];
    const [body, after] = rest.split(`${ESC}[201~`) as [string, string];
    expect(bytes.split(`${ESC}[200~`)).toHaveLength(2);
    expect(rest.split(`${ESC}[201~`)).toHaveLength(2);
    expect(before).toBe("\u0015");
    expect(after).toMatch(/^\r+$/);
    expect(body).toContain("checkABCDEF G");
    // eslint-disable-next-line no-control-regex -- control bytes are what is checked
    expect(body).not.toMatch(/[\u001b\u0003\u0007]/);
  }, 60_000);

  it("ao ui renders the table and the detail pane (check, thread, pane lines) inert", async () => {
    const dash = "=dash:";
    const rawFile = path.join(root, "ui.bytes");
    const pass = Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
    expect(ui.tmux("new-session", "-d", "-s", "dash", "-x", "160", "-y", "40", ...pass, "--", process.execPath, AO_BIN, "ui", "--interval", "1").code).toBe(0);
    // Every byte the dashboard writes to its terminal.
    expect(ui.tmux("pipe-pane", "-o", "-t", dash, `cat >> ${rawFile}`).code).toBe(0);
    const screen = () => ui.tmux("capture-pane", "-p", "-t", dash).stdout;
    await waitFor("the row", () => screen().includes("branchABCDEF G"), 30_000);
    let last = 0;
    await waitFor(
      "the detail pane with the thread",
      () => {
        const now = screen();
        if (now.includes("src/a.ts:1 @eve: thread")) return true;
        if (Date.now() - last > 2000) {
          ui.tmux("send-keys", "-t", dash, "Tab");
          last = Date.now();
        }
        throw new Error(`the screen was:\n${now}`);
      },
      30_000,
    );
    expect(screen()).toContain("checkABCDEF G");
    // q, again if a redraw swallowed it (a known Ink quirk), until the dashboard is gone.
    last = 0;
    await waitFor(
      "ao ui to quit",
      () => {
        if (ui.tmux("has-session", "-t", "=dash").code !== 0) return true;
        if (Date.now() - last > 2000) {
          ui.tmux("send-keys", "-t", dash, "q");
          last = Date.now();
        }
        throw new Error(`the screen was:\n${screen()}`);
      },
      30_000,
    );
    const bytes = await readFile(rawFile, "utf8");
    expect(bytes).toContain("branchABCDEF G");
    expect(bytes).toContain("threadABCDEF G");
    expectNothingActs(bytes, "ao ui");
  }, 90_000);
});
