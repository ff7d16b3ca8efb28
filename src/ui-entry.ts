// The ES-module half of the CLI bundle (see scripts/bundle.mjs): `ao ui` and `ao ui --demo`,
// which need ink and React, both ES modules. The headless half loads this only for them.
import type { DemoOptions } from "../demo/run.js";
import { preloadUi } from "./commands/ui.js";

export { ui } from "./commands/ui.js";

/** `ao ui --demo`, loaded when asked for: the demo's fake GitHub builds GitHub's whole schema. */
export async function runDemo(opts: DemoOptions): Promise<number> {
  return (await import("../demo/run.js")).runDemo(opts);
}

/**
 * The in-process bench (test/bench/ui.mjs) renders the dashboard with the very ink, React and App
 * this bundle gives `ao ui`, loaded as `ao ui` loads them (with its V8 memory settings), so it
 * measures the frame assembler the bundle puts into Ink.
 */
export async function dashboardModules() {
  const [[ink, React, app], store] = await Promise.all([preloadUi(), import("./store/dashboard.js")]);
  return { render: ink.render, React, App: app.App, createDashboard: store.createDashboard };
}
