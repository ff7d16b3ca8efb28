// `npm run demo [-- --headless] [--speed N]`: the demo's command line. npm runs it from the
// dashboard's bundle (dist/bundle/demo.js), which loads in one piece what the unbundled build
// loaded as some 200 modules: its first frame came ~0.4 s sooner.
import { type DemoOptions, parseDemoArgs, runDemo } from "./run.js";

let opts: DemoOptions;
try {
  opts = parseDemoArgs(process.argv.slice(2));
} catch (e) {
  const help = (e as { help?: boolean }).help === true;
  process[help ? "stdout" : "stderr"].write(`${help ? "" : "demo: "}${(e as Error).message}\n`);
  process.exit(help ? 0 : 2);
}
process.exit(await runDemo(opts));
