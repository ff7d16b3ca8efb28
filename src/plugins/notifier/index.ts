import { inert, inertLines } from "../../core/sanitize.js";
import { run } from "../../exec.js";
import type { Notification, NotifierPlugin } from "../types.js";

/** The desktop's own notifications: notify-send on Linux, osascript on macOS; silent without them. */
export function desktopNotifier(): NotifierPlugin {
  return {
    name: "desktop",
    async notify(raw: Notification) {
      // Titles and bodies carry outside text (check names, issue titles, the agent's question).
      const n = { ...raw, title: inert(raw.title), body: inertLines(raw.body) };
      if (process.platform === "darwin") {
        const q = (s: string) => JSON.stringify(s);
        await run("osascript", ["-e", `display notification ${q(n.body)} with title ${q(n.title)}`]).catch(() => undefined);
        return;
      }
      // No notification daemon (a server, CI) is not an error worth stopping a reaction for.
      await run("notify-send", ["--app-name=ao", `--urgency=${n.priority === "urgent" ? "critical" : "normal"}`, n.title, n.body]).catch(() => undefined);
    },
  };
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

/** POST the notification as JSON: `text` suits a Slack incoming webhook; the rest is for others. */
export function webhookNotifier(url: string): NotifierPlugin {
  return {
    name: "webhook",
    async notify(n: Notification) {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text: `${n.title}: ${n.body}`, ...n }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`webhook ${new URL(url).host} answered ${res.status}`);
    },
  };
}
