export interface StarterFacts {
  workspace: string;
  projectId: string;
  repo: string;
  path: string;
  prefix: string;
  defaultBranch: string;
  /** origin is a local or bare repository, not GitHub: the project gets `scm: none`. */
  localOrigin?: string;
  /** origin is on a server that is not GitHub (GitLab, Bitbucket…): the project gets `scm: none`. */
  otherHost?: string;
  /** GitHub's API for origin's host, when not github.com's (GitHub Enterprise). */
  githubApi?: string;
}

/** A YAML scalar that reads back as this very string (a name like 123, true or 2024 would not). */
const q = (s: string) => JSON.stringify(s);

/** The commented starter config that `ao init` writes. */
export function starterConfig(f: StarterFacts): string {
  return `# ao workspace config. Reference: the README's "The config file" section.
name: ${q(f.workspace)}            # workspace name: keeps sessions and tmux names apart from other workspaces

defaults:
  runtime: tmux
  agent: claude-code           # claude-code | codex | aider | gemini | generic (needs agentCommand)
  workspace: worktree
  terminal: tmux               # how \`ao open\` shows a session: tmux | iterm2 | command

github:
  baseUrl: ${f.githubApi ?? "https://api.github.com"}   # GitHub Enterprise: https://HOST/api/v3. The token comes from
                                    # GITHUB_TOKEN, GH_TOKEN or \`gh auth token\`, never from here.

# stuckAfter: 10m              # a quiet agent with nothing waiting on others is "stuck" after this

projects:
  ${q(f.projectId)}:
    repo: ${q(f.repo)}
    path: ${q(f.path)}
    sessionPrefix: ${q(f.prefix)}             # session ids: ${f.prefix}-1, ${f.prefix}-2, ...
    defaultBranch: ${q(f.defaultBranch)}
${f.localOrigin || f.otherHost ? `    scm: none                  # origin is ${f.localOrigin ? q(f.localOrigin) : `on ${f.otherHost}`}, not GitHub: no PRs to follow
` : ""}    # postCreate: ["npm ci"]   # run in each new worktree
    # copy: [".env"]           # files copied from the clone into each new worktree
    # agentConfig: { permissions: skip }   # opt-in: start the agent without permission prompts
`;
}
