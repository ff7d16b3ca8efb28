import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { requireBuild } from "../helpers/ao.js";
import { uiDriver } from "../helpers/ui-driver.js";

// The real `ao ui` in a real terminal (a private tmux), its screen read with its escape codes.
// Ink colours through chalk, which decides at load whether the terminal gets colour and does
// not itself read NO_COLOR.
const COLOUR = new RegExp(`${String.fromCharCode(27)}\\[(?:[0-9;]*;)?(?:3[0-79]|4[0-79]|9[0-7]|10[0-7]|38;|48;)[0-9;]*m`);

let root: string;
let env: NodeJS.ProcessEnv;
let ui: ReturnType<typeof uiDriver>;

beforeEach(async () => {
  requireBuild();
  root = await mkdtemp(path.join(tmpdir(), "ao-e2e-nocolour-"));
  const config = path.join(root, "agent-orchestrator.yaml");
  await writeFile(config, `name: nc\nprojects:\n  frontend: { repo: org/app, path: ${JSON.stringify(root)}, sessionPrefix: fe, scm: none }\n`);
  env = { PATH: process.env.PATH, HOME: path.join(root, "home"), AO_HOME: path.join(root, "ao-home"), AO_CONFIG_PATH: config, TERM: "xterm-256color" };
  ui = uiDriver({ columns: 100, rows: 20 });
});
afterEach(async () => {
  ui.kill();
  await rm(root, { recursive: true, force: true });
});

const drawn = async () => {
  await ui.see("the dashboard", (s) => s.includes("AGENT ORCHESTRATOR"));
  return ui.server.tmux("capture-pane", "-p", "-e", "-t", "=dash:").stdout;
};

describe("ao ui and NO_COLOR", () => {
  it("draws in colour in a colour terminal", async () => {
    ui.start(env);
    expect(await drawn()).toMatch(COLOUR);
  });

  it("draws no colour under NO_COLOR", async () => {
    ui.start({ ...env, NO_COLOR: "1" });
    const screen = await drawn();
    expect(screen).toContain("AGENT ORCHESTRATOR");
    expect(screen).not.toMatch(COLOUR);
  });
});
