import type { Octokit } from "@octokit/rest";

type OctokitOptions = ConstructorParameters<typeof Octokit>[0];

/**
 * An Octokit made on first use. @octokit/rest is an ES module only, and the headless CLI is a
 * CommonJS bundle (so V8 can cache its compiled code, see bin/ao.js): the package can only come
 * in through a dynamic import, which also spares every command that never asks GitHub its load.
 */
export function lazyOctokit(options: OctokitOptions): () => Promise<Octokit> {
  let made: Promise<Octokit> | undefined;
  return () => (made ??= import("@octokit/rest").then(({ Octokit: Client }) => new Client(options)));
}
