// `ao watch` looks poll after poll through one tmux control client (as `ao ui` does), attached
// with flags that leave the session's windows and panes alone, and lets it go when it stops.
import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAo, faultWorkspace, type FaultWorkspace } from "../faults/helpers.js";
import { runAo } from "../helpers/ao.js";
import { controlClients as clientsOf, privateTmux, waitFor } from "../helpers/tmux.js";

const tm = privateTmux();
let ws: FaultWorkspace;

const controlClients = () => clientsOf(tm);

beforeAll(async () => {
  ws = await faultWorkspace("watchctl", { socket: tm.socket });
});
afterAll(async () => {
  tm.kill();
  await rm(ws.root, { recursive: true, force: true });
});

describe("ao watch and its tmux client", () => {
  it("attaches one control client to ao's session while it watches, and none is left after", async () => {
    const r = await runAo(["spawn", "frontend"], { env: ws.env });
    expect(r.code).toBe(0);
    const id = r.stdout.trim();
    const watch = startAo(["watch", "--interval", "1"], ws.env);
    try {
      const clients = await waitFor("a control client", () => (controlClients().length ? controlClients() : null), 30_000);
      expect(clients).toHaveLength(1);
      expect(clients[0]).toMatch(new RegExp(`^ao-watchctl-${id} .*ignore-size.*no-output.*read-only`));
      // The session's window keeps the size ao made it with.
      expect(tm.tmux("display-message", "-p", "-t", `=ao-watchctl-${id}:`, "#{window_width}x#{window_height}").stdout.trim()).toBe("120x40");
    } finally {
      watch.proc.kill("SIGINT");
      await watch.done;
    }
    expect(controlClients()).toEqual([]);
    await runAo(["session", "kill", id, "--force"], { env: ws.env });
  });
});
