import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildProgram, commanderError } from "../../src/cli.js";
import { runAo } from "../helpers/ao.js";
import { makeWorkspace, type TestWorkspace } from "../helpers/workspace.js";

const names = (argv: string[]) => buildProgram(["node", "ao", ...argv]).commands.map((c) => c.name());
const ALL = ["init", "ui", "watch", "status", "spawn", "send", "attach", "open", "hosts", "session"];

describe("the program a call builds", () => {
  it("holds only the command the call names", () => {
    expect(names(["session", "ls", "--json"])).toEqual(["session"]);
    expect(names(["--verbose", "status", "--json"])).toEqual(["status"]);
    expect(buildProgram(["node", "ao", "session", "ls"]).commands[0]!.commands.map((c) => c.name())).toEqual(["ls", "kill", "cleanup", "restore"]);
  });

  it("holds them all for help, no command, or one it does not know (so a typo gets its suggestion)", () => {
    expect(names([])).toEqual(ALL);
    expect(names(["--help"])).toEqual(ALL);
    expect(names(["help", "status"])).toEqual(ALL);
    expect(names(["sesion", "ls"])).toEqual(ALL);
    expect(buildProgram().commands.map((c) => c.name())).toEqual(ALL);
  });

  it("reads its version only when asked for it", () => {
    expect(buildProgram(["node", "ao", "session", "ls"]).version()).toBe("");
    // What it reads (from the build, package.json; from these sources, "unknown") is not left out.
    expect(buildProgram(["node", "ao", "-V"]).version()).not.toBe("");
    expect(buildProgram(["node", "ao", "--version"]).version()).not.toBe("");
  });
});

describe("commander's own complaints", () => {
  let ws: TestWorkspace;
  beforeAll(async () => {
    ws = await makeWorkspace();
  });
  afterAll(() => ws.cleanup());

  it("read as every ao error does (ao: …) and exit 2, bad input", async () => {
    const cases: Array<[string[], string]> = [
      [["status", "--jsno"], "ao: unknown option '--jsno'\n  (Did you mean --json?)\n"],
      [["spawn"], "ao: missing required argument 'project'\n"],
      [["frob"], "ao: unknown command 'frob'\n"],
      [["session", "kill"], "ao: missing required argument 'ids'\n"],
      [["status", "--interval"], "ao: option '--interval <seconds>' argument missing\n"],
    ];
    for (const [args, said] of cases) {
      const r = await runAo(args, { env: ws.env });
      expect({ args, code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ args, code: 2, stdout: "", stderr: `${said}(run with --help for usage)\n` });
    }
  });

  it("help shown because no command was named goes to stderr and exits 2; help asked for goes to stdout and exits 0", async () => {
    const unasked: string[][] = [[], ["session"], ["--verbose"]];
    for (const args of unasked) {
      const r = await runAo(args, { env: ws.env });
      expect({ args, code: r.code, stdout: r.stdout }).toEqual({ args, code: 2, stdout: "" });
      expect(r.stderr).toMatch(/^Usage: ao/);
    }
    const asked: string[][] = [["--help"], ["help"], ["-h"], ["session", "--help"], ["help", "session"], ["session", "ls", "--help"], ["session", "kill", "--help"], ["help", "spawn"]];
    for (const args of asked) {
      const r = await runAo(args, { env: ws.env });
      expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 0, stderr: "" });
      expect(r.stdout).toMatch(/^Usage: ao/);
    }
  });

  it("carry what was typed inert", () => {
    expect(commanderError("error: unknown option '--\u001b]52;c;aGk=\u0007x'\n")).toBe("ao: unknown option '--x'\n");
  });
});
