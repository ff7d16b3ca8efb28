import { describe, expect, it } from "vitest";
import { formatHosts, type HostRow } from "../../src/core/hosts-format.js";
import { makeStyle } from "../../src/core/style.js";

const now = new Date("2026-12-02T12:00:00Z");
const row = (over: Partial<HostRow>): HostRow => ({ name: "local", ssh: null, reachable: true, error: null, tmux: "3.3a", git: "2.39.5", load: [0.5, 0.4, 0.3], live: 1, capacity: 8, lastSeen: now.toISOString(), unreachableSince: null, ...over });

describe("ao hosts's table", () => {
  // With no tmux on the PATH, local read "ok" with a tmux of "-": fit to use, though no
  // session could start there.
  it("says a host that answers but lacks tmux or git is not ok, and what to install", () => {
    const out = formatHosts([row({}), row({ name: "nt", ssh: "nt", tmux: null }), row({ name: "ng", ssh: "ng", git: null })], makeStyle(false), now);
    const lines = out.split("\n");
    expect(lines.find((l) => l.startsWith("local"))).toMatch(/^local +- +ok /);
    expect(lines.find((l) => l.startsWith("nt"))).toMatch(/^nt +nt +no tmux /);
    expect(out).toContain("no tmux on the PATH its ssh commands get: install tmux 3.2 or newer, or add its folder to PATH");
    expect(lines.find((l) => l.startsWith("ng"))).toMatch(/^ng +ng +no git /);
  });
});
