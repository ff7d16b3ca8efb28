import path from "node:path";
import type { AppContext } from "../../src/app.js";
import type { Host } from "../../src/plugins/host/types.js";
import type { RuntimePlugin, WorkspacePlugin } from "../../src/plugins/types.js";
import { LocalEventLogs } from "../../src/services/agent-events.js";
import type { Machine } from "../../src/services/machines.js";
import { RuntimeFacts } from "../../src/services/runtime-facts.js";

/**
 * Make `ctx` see one machine named `name` with the given host and runtime (a test's fake), its
 * runtime facts kept in `cacheFile` under AO_HOME/cache. Local event logs; no workspace plugin.
 */
export function useMachine(ctx: AppContext, name: string, host: Host, runtime: RuntimePlugin, cacheFile: string): Machine {
  const m: Machine = {
    name,
    host,
    runtime,
    workspace: {} as WorkspacePlugin,
    facts: new RuntimeFacts(runtime, path.join(ctx.aoHome, "cache", cacheFile), ctx.config.readyThresholdMs, host, new LocalEventLogs()),
    root: async () => "/nowhere",
  };
  (ctx as unknown as { machines: Map<string, Machine> }).machines = new Map([[name, m]]);
  return m;
}
