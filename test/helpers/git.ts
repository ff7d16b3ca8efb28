import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

const GIT_ENV = { GIT_AUTHOR_NAME: "Test", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "Test", GIT_COMMITTER_EMAIL: "t@example.com" };

export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, env: { ...process.env, ...GIT_ENV }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** A clone with a bare `origin` beside it, one commit on `main`, pushed. */
export async function makeRepo(root: string, name = "app"): Promise<{ clone: string; origin: string }> {
  const origin = path.join(root, `${name}-origin.git`);
  const clone = path.join(root, name);
  await mkdir(clone, { recursive: true });
  git(root, "init", "-q", "--bare", "-b", "main", origin);
  git(clone, "init", "-q", "-b", "main");
  await writeFile(path.join(clone, "README.md"), `# ${name}\n`);
  await writeFile(path.join(clone, ".env"), "SECRET=local\n");
  await writeFile(path.join(clone, ".gitignore"), ".env\n");
  git(clone, "add", "README.md", ".gitignore");
  git(clone, "commit", "-q", "-m", "initial");
  git(clone, "remote", "add", "origin", origin);
  git(clone, "push", "-q", "-u", "origin", "main");
  return { clone, origin };
}
