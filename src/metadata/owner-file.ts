import { readdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ownerAlive } from "../exec.js";
import { ownerLine, parseOwner } from "./lock.js";
import { PRIVATE_FILE } from "./private.js";
import { uniqueSuffix } from "./unique.js";

const PREFIX = ".owner-";

/**
 * One file per process holding its owner line, for its locks to hard-link as their owner file
 * rather than each create one (lock.ts, TakeOptions.ownerFile). It is removed when the process
 * exits; the links keep their content. One a crash left behind is removed by the next process
 * that makes its own, once its owner is gone.
 */
export class ProcessOwnerFile {
  private made: Promise<string | null> | undefined;

  constructor(private readonly folder: () => string) {}

  /** The file, made on first use; null when it cannot be (the locks then write their own). */
  path(): Promise<string | null> {
    this.made ??= Promise.resolve().then(() => this.make());
    return this.made;
  }

  private make(): string | null {
    const dir = this.folder();
    sweepDead(dir);
    const file = path.join(dir, `${PREFIX}${uniqueSuffix()}`);
    try {
      writeFileSync(file, ownerLine(), { mode: PRIVATE_FILE, flag: "wx" });
    } catch {
      return null;
    }
    process.once("exit", () => {
      try {
        unlinkSync(file);
      } catch {
        /* already gone */
      }
    });
    return file;
  }
}

function sweepDead(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(PREFIX)) continue;
    const file = path.join(dir, name);
    try {
      const owner = parseOwner(readFileSync(file, "utf8"));
      if (owner && !ownerAlive(owner.pid, owner.start)) unlinkSync(file);
    } catch {
      /* gone meanwhile, or unreadable: left as it is */
    }
  }
}
