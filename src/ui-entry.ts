// The ES-module half of the CLI bundle (see scripts/bundle.mjs): `ao ui` and `ao ui --demo`,
// which need ink and React, both ES modules. The headless half loads this only for them.
export { ui } from "./commands/ui.js";
export { runDemo } from "../demo/run.js";
