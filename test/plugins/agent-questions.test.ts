import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { chooseOption, pendingQuestion } from "../../src/core/question.js";
import { describeQuestion } from "../../src/core/question-text.js";
import { aider } from "../../src/plugins/agent/aider.js";
import { claudeCode } from "../../src/plugins/agent/claude-code.js";
import { codex } from "../../src/plugins/agent/codex.js";
import { gemini } from "../../src/plugins/agent/gemini.js";
import { generic } from "../../src/plugins/agent/generic.js";
import type { AgentPlugin } from "../../src/plugins/types.js";

// Questions read off the recorded screens of the real CLIs (test/fixtures/captures).
const CAPTURES = join(dirname(fileURLToPath(import.meta.url)), "../fixtures/captures");
const AGENTS: Record<string, AgentPlugin> = { "claude-code": claudeCode, codex, gemini };
const screen = (agent: string, file: string) => readFileSync(join(CAPTURES, agent, file), "utf8");
const read = (agent: string, file: string) => AGENTS[agent]!.readQuestion!(screen(agent, file));

describe("questions on recorded screens", () => {
  it("Claude Code's permission prompt", () => {
    expect(read("claude-code", "permission.txt")).toEqual({
      kind: "permission",
      text: "Do you want to proceed?",
      options: [
        { key: "1", label: "Yes" },
        { key: "2", label: "Yes, and always allow access to rec-repo/ from this project" },
        { key: "3", label: "No" },
      ],
      // What is being allowed: the person sees the command before choosing.
      detail: ["Bash command", "touch x.txt", "Create an empty file x.txt"],
      source: "screen",
      answerWith: "arrows",
      cursor: 0,
    });
    expect(read("claude-code", "permission-write.txt")).toMatchObject({ kind: "permission", text: "Do you want to create hello.txt?", detail: ["Create file", "hello.txt", "1 hello from the fake endpoint"] });
  });

  it("Claude Code's folder trust dialog", () => {
    expect(read("claude-code", "trust-dialog.txt")).toMatchObject({
      kind: "trust",
      text: "Quick safety check: Is this a project you created or one you trust?",
      options: [
        { key: "1", label: "Yes, I trust this folder" },
        { key: "2", label: "No, exit" },
      ],
      cursor: 0,
    });
  });

  it("Claude Code's question (options split by a rule) and its API-key question (cursor on 2)", () => {
    const q = read("claude-code", "question.txt")!;
    expect(q).toMatchObject({ kind: "question", text: "Which colour should the button be?" });
    expect(q.options.map((o) => o.label)).toEqual(["Red", "Blue", "Type something.", "Chat about this"]);
    // Which key to sign in with: a start-up sign-in, as Codex's and Gemini's key screens are.
    expect(read("claude-code", "api-key.txt")).toMatchObject({ kind: "sign-in", text: "Do you want to use this API key?", cursor: 1 });
  });

  it("Codex's approval menu, trust dialog, question and sign-in pickers", () => {
    const approval = read("codex", "permission.txt")!;
    expect(approval).toMatchObject({ kind: "permission", text: "Would you like to run the following command?", command: "touch x.txt", cursor: 0 });
    expect(approval.detail).toEqual(["Environment: local", "Reason: Create x.txt in the repo (scripted test)", "$ touch x.txt"]);
    expect(approval.options.map((o) => o.key)).toEqual(["1", "2", "3"]);
    expect(approval.options[0]!.label).toBe("Yes, proceed (y)");
    expect(chooseOption(approval, "yes")?.key).toBe("1");
    expect(read("codex", "trust-dialog.txt")).toMatchObject({ kind: "trust", text: "Trust this folder?", options: [{ key: "1", label: "Trust and continue" }, { key: "2" }] });
    expect(read("codex", "question.txt")!.options.map((o) => o.label)).toEqual(["Red (Recommended)", "Blue", "None of the above"]);
    expect(read("codex", "login.txt")).toMatchObject({ kind: "sign-in", options: [{ label: "Sign in with ChatGPT" }, {}, {}] });
    expect(read("codex", "api-key.txt")).toMatchObject({ kind: "sign-in", options: [] });
  });

  it("Gemini's trust dialog, tool approvals, question and sign-in", () => {
    expect(read("gemini", "trust-dialog.txt")).toEqual({
      kind: "trust",
      text: "Do you trust the files in this folder?",
      options: [
        { key: "1", label: "Trust folder (rec-repo)" },
        { key: "2", label: "Trust parent folder (tmp)" },
        { key: "3", label: "Don't trust" },
      ],
      detail: expect.arrayContaining([expect.stringMatching(/^Trusting a folder allows Gemini CLI/)]) as unknown as string[],
      source: "screen",
      answerWith: "arrows",
      cursor: 0,
    });
    expect(read("gemini", "permission.txt")).toMatchObject({ kind: "permission", text: "Allow execution of [Shell]?", detail: ["? Shell  touch x.txt", "touch x.txt"] });
    expect(read("gemini", "permission-write.txt")!.options).toHaveLength(4);
    expect(read("gemini", "question.txt")).toMatchObject({ kind: "question", text: "Which colour should the button be?" });
    expect(read("gemini", "login.txt")).toMatchObject({ kind: "sign-in", options: [{ label: "Sign in with Google" }, {}, {}] });
  });

  it("Gemini's quota dialog is a usage limit: what was reached, its hints, its choices (ao picks none)", () => {
    for (const file of ["quota-dialog.txt", "quota-dialog-reset.txt"]) {
      expect(read("gemini", file), file).toEqual({
        kind: "limit",
        text: "Usage limit reached for all Pro models.",
        options: [
          { key: "1", label: "Keep trying" },
          { key: "2", label: "Stop" },
        ],
        detail: ["/stats model for usage details", "/model to switch models."],
        source: "screen",
        answerWith: "arrows",
        cursor: 0,
      });
    }
    // When the API said when, Gemini 0.61 adds "Access resets at …" under the first line (its source; not recorded).
    const s = screen("gemini", "quota-dialog.txt").replace(/(│ Usage limit reached for all Pro models\. *│\n)/, "$1│ Access resets at 3:45 PM UTC.   │\n");
    expect(gemini.readQuestion!(s)).toMatchObject({ kind: "limit", detail: ["Access resets at 3:45 PM UTC.", "/stats model for usage details", "/model to switch models."] });
  });

  it("every recorded screen: a question exactly where the agent waits on the person", () => {
    for (const [agent, plugin] of Object.entries(AGENTS)) {
      const meta = JSON.parse(readFileSync(join(CAPTURES, agent, "meta.json"), "utf8")) as { captures: Record<string, { state: string }> };
      for (const file of readdirSync(join(CAPTURES, agent)).filter((f) => f.endsWith(".txt"))) {
        const waits = ["waiting_input", "blocked"].includes(meta.captures[file]!.state);
        expect([agent, file, plugin.readQuestion!(screen(agent, file)) !== null]).toEqual([agent, file, waits]);
      }
    }
  });
});

describe("generic and aider prompts", () => {
  it("a y/n prompt, answered by its key; aider's (Y)es/(N)o by key and Enter", () => {
    expect(generic.readQuestion!("sim-agent\n● Done\n? Deploy to staging? (y/n)\n> \n")).toMatchObject({
      text: "Deploy to staging?",
      options: [{ key: "y" }, { key: "n" }],
      answerWith: "key",
    });
    const a = aider.readQuestion!("Add file.py to the chat? (Y)es/(N)o/(D)on't ask again [Yes]: ")!;
    expect(a.options.map((o) => o.key)).toEqual(["y", "n", "d"]);
    expect(a.answerWith).toBe("line");
  });

  it("a numbered menu under a cursor, or before a number prompt; a numbered list in a transcript is none", () => {
    expect(generic.readQuestion!("Pick one:\n❯ 1. alpha\n  2. beta\nEnter to confirm")).toMatchObject({ options: [{ label: "alpha" }, { label: "beta" }], cursor: 0 });
    expect(generic.readQuestion!("Which environment?\n1) staging\n2) production\n#? ")).toMatchObject({ text: "Which environment?", answerWith: "line" });
    expect(generic.readQuestion!("● Plan:\n1. read the code\n2. fix the bug\n3. push\n> ")).toBeNull();
    expect(generic.readQuestion!("● all done\n> ")).toBeNull();
  });
});

describe("the kind of a question read from its words (programs ao knows nothing about)", () => {
  const kind = (line: string) => generic.readQuestion!(`sim-agent\n? ${line} (y/n)\n> \n`)?.kind;
  it("a sign-in is asked for, not merely named", () => {
    for (const q of ["Sign in with Google?", "Do you want to sign in?", "You are not logged in. Log in now?", "Authenticate with GitHub?", "Enter your OpenAI API key?", "Paste a token?"]) expect(kind(q), q).toBe("sign-in");
    for (const q of ["Limit per API key rather than per IP address?", "Should the login page redirect home?", "Add a password field to the signup form?", "Rotate the session token now?", "Add logging in the retry loop?"]) expect(kind(q), q).toBe("question");
  });
  it("a menu whose options sign in is a sign-in, whatever its question says", () => {
    expect(generic.readQuestion!("Select login method:\n1) Sign in with a browser\n2) Paste an API key\n#? ")?.kind).toBe("sign-in");
    expect(generic.readQuestion!("Rate limit by:\n1) API key\n2) IP address\n#? ")?.kind).toBe("question");
  });

  it("a trust question names what is trusted; a permission names the act", () => {
    expect(kind("Do you trust the files in this folder?")).toBe("trust");
    expect(kind("Trust this workspace?")).toBe("trust");
    expect(kind("Add a trusted-proxy setting?")).toBe("question");
    expect(kind("Allow running npm install?")).toBe("permission");
  });
});

describe("what the person is told", () => {
  it("an agent that waits with nothing readable still waits", () => {
    expect(pendingQuestion("waiting_input", null)).toMatchObject({ kind: "question", options: [] });
    expect(pendingQuestion("blocked", null)).toMatchObject({ kind: "sign-in" });
    expect(pendingQuestion("ready", null)).toBeNull();
    expect(pendingQuestion("active", null)).toBeNull();
  });

  it("names the question, its options and both ways to answer, with hostile words made inert", () => {
    const text = describeQuestion("fe-1", { kind: "permission", text: "Run \u001b]0;x\u0007it?", options: [{ key: "1", label: "Yes\u001b[2J" }, { key: "2", label: "No" }], detail: ["$ make\rdeploy"], source: "screen" });
    expect(text).toBe(["fe-1 is waiting on a permission prompt, so nothing was typed:", "  | $ make deploy", "  Run it?", "    1. Yes", "    2. No", "Answer it: ao send fe-1 --answer <1-2>   or by hand: ao attach fe-1"].join("\n"));
  });
});
