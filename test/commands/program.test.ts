import { describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli.js";

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
