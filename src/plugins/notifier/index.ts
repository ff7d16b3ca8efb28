import { inert, inertLines } from "../../core/sanitize.js";
import { run } from "../../exec.js";
import { fetchWithDeadline } from "../deadline.js";
import type { Notification, NotifierPlugin } from "../types.js";

/**
 * The desktop's own notifications: notify-send on Linux, osascript on macOS. A missing program
 * or a failing one is an error, so that what is recorded is what happened; the lifecycle service
 * catches it and carries on with the other notifiers.
 */
export function desktopNotifier(env: NodeJS.ProcessEnv = process.env): NotifierPlugin {
  return {
    name: "desktop",
    async notify(raw: Notification) {
      // Titles and bodies carry outside text (check names, issue titles, the agent's question).
      // Most Linux notification servers read a body's <b>, <a href> and &…; as markup.
      const n = { ...raw, title: inert(raw.title), body: process.platform === "darwin" ? inertLines(raw.body) : asText(inertLines(raw.body)) };
      const [file, args] =
        process.platform === "darwin"
          ? ["osascript", ["-e", `display notification ${JSON.stringify(n.body)} with title ${JSON.stringify(n.title)}`]]
          : ["notify-send", ["--app-name=ao", `--urgency=${n.priority === "urgent" ? "critical" : "normal"}`, "--", n.title, n.body]];
      const r = await run(file, args, { env, timeoutMs: 10_000 });
      if (r.exitCode !== 0) throw new Error(`${file}: ${r.stderr.trim().split("\n")[0] || `exit ${r.exitCode}`}`);
    },
  };
}

/**
 * `&`, `<` and `>` as entities: text to what reads them as markup (a notify-send body on most
 * Linux notification servers; Slack's `text`, whose documentation asks for these escapes).
 */
function asText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The terminal bell, for whoever watches the dashboard or `ao watch`. */
export function bellNotifier(out: NodeJS.WritableStream = process.stdout): NotifierPlugin {
  return {
    name: "bell",
    async notify() {
      out.write("\u0007");
    },
  };
}

/**
 * POST the notification as JSON: `text` suits a Slack incoming webhook; the rest is for others.
 * Outside text in it is inert (a receiver may print it), and `text` has Slack's three control
 * characters escaped: `<!channel>` or `<https://…|Fix CI>` in a PR title would ping or link.
 */
export function webhookNotifier(url: string): NotifierPlugin {
  return {
    name: "webhook",
    async notify(raw: Notification) {
      const n = { ...raw, title: inert(raw.title), body: inertLines(raw.body) };
      const res = await fetchWithDeadline(10_000)(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text: asText(`${n.title}: ${n.body}`), ...n }),
      });
      if (!res.ok) throw new Error(`webhook ${new URL(url).host} answered ${res.status}`);
    },
  };
}
