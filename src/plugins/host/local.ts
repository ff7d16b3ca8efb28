import { run } from "../../exec.js";
import { LOCAL_HOST } from "../../core/placement.js";
import type { Host } from "./types.js";

export const localHost: Host = {
  name: LOCAL_HOST,
  remote: false,
  timeoutMs: 0,
  run: (file, args, opts = {}) => run(file, args, opts),
  interactiveArgv: (argv) => argv,
};
