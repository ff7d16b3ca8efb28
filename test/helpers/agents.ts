import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { ROOT } from "./ao.js";

/**
 * The real agent CLIs, installed as dev dependencies at the recorded versions; AO_TEST_AGENT_BIN
 * points the agent tests at others (`npm run test:agents-latest` installs the newest there).
 */
export const AGENT_BIN_DIR = process.env.AO_TEST_AGENT_BIN || path.join(ROOT, "node_modules/.bin");

export function agentInstalled(name: "claude" | "codex" | "gemini"): boolean {
  return existsSync(path.join(AGENT_BIN_DIR, name));
}

export interface FakeEndpoint {
  port: number;
  url: string;
  log: string;
  stop(): void;
}

/**
 * One of the scripted model endpoints of test/fixtures/captures/tools on a free port of
 * 127.0.0.1 (the agents run offline against it, as when the captures were recorded).
 */
export async function startFakeEndpoint(kind: "anthropic" | "openai" | "gemini", dir: string): Promise<FakeEndpoint> {
  const script = path.join(ROOT, `test/fixtures/captures/tools/fake-${kind}.mjs`);
  const log = path.join(dir, `fake-${kind}.log`);
  const child: ChildProcess = spawn(process.execPath, [script, "0", log], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fake-${kind} did not start within 20 s`)), 20_000);
    let out = "";
    child.stdout!.on("data", (b: Buffer) => {
      out += b.toString();
      const m = /^(\d+)\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.on("exit", (code) => reject(new Error(`fake-${kind} exited (${code})`)));
  });
  return { port, url: `http://127.0.0.1:${port}`, log, stop: () => void child.kill() };
}

/**
 * A HOME where Claude Code starts straight at its prompt: onboarding done, the test key
 * approved, and `folders` trusted. (What a person does once by hand; never the real ~.)
 */
export async function seedClaudeHome(home: string, key: string, folders: string[]): Promise<void> {
  await mkdir(home, { recursive: true });
  const projects = Object.fromEntries(folders.map((f) => [f, { hasTrustDialogAccepted: true }]));
  const config = {
    hasCompletedOnboarding: true,
    lastOnboardingVersion: "2.1.197",
    theme: "dark",
    numStartups: 1,
    customApiKeyResponses: { approved: [key.slice(-20)], rejected: [] },
    projects,
  };
  await writeFile(path.join(home, ".claude.json"), JSON.stringify(config, null, 2));
}

/** The environment that sends Claude Code to the scripted endpoint and keeps it from calling home. */
export function claudeEnv(endpoint: FakeEndpoint, key: string): NodeJS.ProcessEnv {
  return {
    ANTHROPIC_BASE_URL: endpoint.url,
    ANTHROPIC_API_KEY: key,
    DISABLE_AUTOUPDATER: "1",
    CLAUDE_CODE_MAX_RETRIES: "0",
    TERM: "xterm-256color",
    LANG: "C.UTF-8",
  };
}
