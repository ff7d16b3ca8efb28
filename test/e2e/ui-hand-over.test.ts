import { execFileSync } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, requireBuild, runAo } from "../helpers/ao.js";
import { makeRepo } from "../helpers/git.js";
import { privateTmux } from "../helpers/tmux.js";
import { rowOf, uiDriver } from "../helpers/ui-driver.js";

// The dashboard hands the terminal over (attach) and takes it back. Here what runs in the
// attach is a stand-in that the test controls: it takes the terminal as tmux does (raw, no
// echo), and reads nothing until the test lets it go, as a slow tmux would be. Then it reads
// one key of those typed meanwhile and, as its last act, leaves the alternate screen and clears
// the screen.
const SIM = path.join(ROOT, "demo/sim-agent.mjs");
const agents = privateTmux();
const ui = uiDriver({ columns: 120, rows: 35 });
let root: string;
let release: string;
let got: string;

beforeAll(async () => {
  requireBuild();
  root = await mkdtemp(path.join(tmpdir(), "ao-e2e-hand-over-"));
  const { clone } = await makeRepo(root);
  const config = path.join(root, "agent-orchestrator.yaml");
  await writeFile(
    config,
    `name: e2e\ngithub: { baseUrl: http://127.0.0.1:9/api/v3 }\nprojects:\n  frontend: { repo: org/app, path: ${JSON.stringify(clone)}, sessionPrefix: fe, agent: generic, agentCommand: ${JSON.stringify(`node ${SIM}`)} }\n`,
  );
  const env = { PATH: process.env.PATH, HOME: path.join(root, "home"), AO_HOME: path.join(root, "ao-home"), AO_CONFIG_PATH: config, AO_TMUX_SOCKET: agents.socket };
  expect((await runAo(["spawn", "frontend"], { env })).code).toBe(0);

  // A tmux that is the real one for everything but attach-session.
  const bin = path.join(root, "bin");
  await mkdir(bin);
  release = path.join(root, "release");
  got = path.join(root, "got");
  const realTmux = execFileSync("sh", ["-c", "command -v tmux"], { encoding: "utf8" }).trim();
  const fake = path.join(root, "fake-attach.sh");
  await writeFile(
    fake,
    [
      "stty raw -echo",
      `printf 'FAKE ATTACH\\r\\n'`,
      `while [ ! -e ${JSON.stringify(release)} ]; do sleep 0.05; done`,
      `dd bs=1 count=1 of=${JSON.stringify(got)} 2>/dev/null`,
      "stty -raw echo",
      `printf '\\033[?1049l\\033[H\\033[2J'`,
      "",
    ].join("\n"),
  );
  await writeFile(path.join(bin, "tmux"), `#!/bin/sh\nfor a in "$@"; do [ "$a" = attach-session ] && exec sh ${JSON.stringify(fake)}; done\nexec ${JSON.stringify(realTmux)} "$@"\n`);
  await chmod(path.join(bin, "tmux"), 0o755);

  // The stub tmux first on the PATH; kept once ao ui ends, with its exit code.
  ui.startKept(env, ["env", `PATH=${bin}:${process.env.PATH}`]);
}, 45_000);

afterAll(async () => {
  ui.kill();
  agents.kill();
  if (root) await rm(root, { recursive: true, force: true });
});

const dashboard = (x: string) => x.includes("AGENT ORCHESTRATOR") && !!rowOf(x, "fe-1") && !x.includes("[ao ui exited");

describe("ao ui hands the terminal over and takes it back", () => {
  it("keys typed to the attached program are not the dashboard's, and its last writes do not wipe the dashboard", async () => {
    await ui.see("the table", (x) => dashboard(x) && / ready /.test(rowOf(x, "fe-1") ?? ""));
    await ui.press("Enter", "the attached program", (x) => x.includes("FAKE ATTACH"), dashboard);
    // Typed to the program before it reads: the first is its own (a dashboard reading on would
    // take it, and the program would wait for it forever), the second it leaves unread, and a
    // dashboard taking that as its own key would quit.
    ui.typed("qq");
    await writeFile(release, "");
    await ui.see("the dashboard again", dashboard);
    expect(await readFile(got, "utf8")).toBe("q");
    // Alive and taking keys: the help opens, and closes again.
    await ui.press("?", "the help", (x) => x.includes("quit the dashboard") && !x.includes("[ao ui exited"), (x) => !x.includes("[ao ui exited"));
    await ui.press("Escape", "the help closed", (x) => dashboard(x) && !x.includes("quit the dashboard"));
    expect(ui.screen()).not.toContain("FAKE ATTACH");
  }, 90_000);
});
