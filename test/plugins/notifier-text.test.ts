import http from "node:http";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { desktopNotifier, webhookNotifier } from "../../src/plugins/notifier/index.js";
import { issuePrompt } from "../../src/services/trackers.js";

// Notifications and an issue's task carry outside text: a PR title, an issue's words.
const ESC = "\u001b";
const HOSTILE_TITLE = `Fix <!channel> & <https://evil.example|login> ${ESC}]0;PWN\u0007\u202Eevil\u200B\u2028x`;

describe("a webhook's payload", () => {
  let server: http.Server;
  const got: string[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        got.push(body);
        res.end("ok");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  });
  afterAll(() => server.close());

  it("holds outside text inert, and its Slack text escapes Slack's markup", async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    await webhookNotifier(url).notify({ title: "ao: fe-1 needs you", body: `${HOSTILE_TITLE}\n\u009b2Jsecond line`, priority: "action", sessionId: "fe-1" });
    const raw = got.at(-1)!;
    // No escape or control in the bytes, whether JSON-escaped or not.
    expect(raw).not.toMatch(/\\u001b|\\u0007|\\u009b|\u009b|\u202e|\u200b/i);
    const p = JSON.parse(raw) as { text: string; body: string; title: string };
    expect(p.text).toBe("ao: fe-1 needs you: Fix &lt;!channel&gt; &amp; &lt;https://evil.example|login&gt; evil\nx\nsecond line");
    expect(p.body).toBe("Fix <!channel> & <https://evil.example|login> evil\nx\nsecond line");
  });
});

describe("a desktop notification's body", () => {
  it("is text to notify-send's markup-reading servers, and inert", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ao-notify-"));
    try {
      const log = path.join(dir, "args");
      writeFileSync(path.join(dir, "notify-send"), `#!/bin/sh\nfor a in "$@"; do printf '%s\\n--\\n' "$a" >> '${log}'; done\n`);
      chmodSync(path.join(dir, "notify-send"), 0o755);
      await desktopNotifier({ PATH: `${dir}:${process.env.PATH}` }).notify({ title: "ao: fe-1", body: `<b>bold</b> & <a href="https://evil">x</a> ${ESC}[2J\u202Eok`, priority: "info" });
      const args = readFileSync(log, "utf8").split("\n--\n");
      if (process.platform !== "darwin") expect(args).toContain('&lt;b&gt;bold&lt;/b&gt; &amp; &lt;a href="https://evil"&gt;x&lt;/a&gt; ok');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("an issue's task for the agent", () => {
  it("reaches the agent with no escape, control or bidi character, its lines kept", () => {
    const prompt = issuePrompt({ id: "42", title: `Login ${ESC}]0;PWN\u0007loop\u202E`, body: `Steps:\r\n1. open ${ESC}[2J\u009b2J\n2. \u0008\u0008done\u2066`, url: "https://github.com/org/app/issues/42", state: "open" } as Parameters<typeof issuePrompt>[0]);
    expect(prompt).toBe("Login loop (42)\n\nSteps:\n1. open \n2. done\n\nhttps://github.com/org/app/issues/42");
  });
});
