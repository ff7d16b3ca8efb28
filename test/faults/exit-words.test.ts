// An agent that starts, then exits on an error: its status names what it said, not only
// "agent exited" (found by a user pass: an unseeded Claude Code exited with "Unable to connect",
// and ao said only that restoring would relaunch it).
import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAo, type StatusRow } from "../helpers/ao.js";
import { privateTmux, waitFor } from "../helpers/tmux.js";
import { faultWorkspace, type FaultWorkspace } from "./helpers.js";

const tm = privateTmux();
let ws: FaultWorkspace;

beforeAll(async () => {
  ws = await faultWorkspace("exitwords", { socket: tm.socket, agentCommand: `sh -c 'sleep 3; echo "Error: lost connection to the model"; exit 5'` });
});
afterAll(async () => {
  tm.kill();
  await rm(ws.root, { recursive: true, force: true });
});

describe("an agent that exits on an error after it started", () => {
  it("is errored in its own last words and exit status, in ao status and once recorded", async () => {
    const spawned = await runAo(["spawn", "frontend"], { env: ws.env });
    expect(spawned.code, spawned.stderr).toBe(0);
    const id = spawned.stdout.trim();
    const row = async () => (JSON.parse((await runAo(["status", "--json"], { env: ws.env })).stdout) as StatusRow[]).find((r) => r.name === id);
    const r = await waitFor("the exit seen", async () => ((await row())?.statusCause === "agent_exited" ? await row() : null), 30_000);
    expect(r.statusReason).toBe("agent exited (status 5: Error: lost connection to the model); restore to relaunch it");
    // Recorded so, and read back so by the next call.
    expect((await row())!.statusReason).toBe(r.statusReason);
  }, 60_000);
});
