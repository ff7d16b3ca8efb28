import { inert } from "../core/sanitize.js";
import { initWorkspace } from "../services/init.js";

/** `ao init` */
export async function init(): Promise<void> {
  const r = await initWorkspace(process.cwd(), process.env);
  // The path is the user's folder's name: outside text, shown inert.
  if (r.fromSubfolder) process.stdout.write(`Not in ${inert(r.fromSubfolder)}: a repository's config goes at its top level, where ao finds it from every folder of the clone.\n`);
  process.stdout.write(`Wrote ${inert(r.file)}\nProject ${r.projectId} → ${r.repo}. Edit it to add more projects; "ao status" lists their sessions.\n`);
  if (r.otherHost) process.stdout.write(`origin is on ${inert(r.otherHost)}, not GitHub: the project has scm: none (no PRs to follow).\n`);
}
