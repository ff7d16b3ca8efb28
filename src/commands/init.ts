import { initWorkspace } from "../services/init.js";

/** `ao init` */
export async function init(): Promise<void> {
  const r = await initWorkspace(process.cwd(), process.env);
  process.stdout.write(`Wrote ${r.file}\nProject ${r.projectId} → ${r.repo}. Edit it to add more projects; "ao status" lists their sessions.\n`);
}
