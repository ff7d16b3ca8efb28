export interface StarterFacts {
  workspace: string;
  projectId: string;
  repo: string;
  path: string;
  prefix: string;
  defaultBranch: string;
  /** origin is a local or bare repository, not GitHub: the project gets `scm: none`. */
  localOrigin?: string;
}

/** The commented starter config that `ao init` writes. */
export function starterConfig(f: StarterFacts): string {
  return `# ao workspace config. Reference: the README's "Config" section.
name: ${f.workspace}            # workspace name: keeps sessions and tmux names apart from other workspaces

defaults:
  runtime: tmux
  agent: claude-code           # claude-code | codex | aider | gemini | generic (needs agentCommand)
  workspace: worktree
  terminal: tmux               # how \`ao open\` shows a session: tmux | iterm2 | command

github:
  baseUrl: https://api.github.com   # GitHub Enterprise: https://HOST/api/v3. The token comes from
                                    # GITHUB_TOKEN, GH_TOKEN or \`gh auth token\`, never from here.

# stuckAfter: 10m              # a quiet agent with nothing waiting on others is "stuck" after this

projects:
  ${f.projectId}:
    repo: ${f.repo}
    path: ${JSON.stringify(f.path)}
    sessionPrefix: ${f.prefix}             # session ids: ${f.prefix}-1, ${f.prefix}-2, ...
    defaultBranch: ${f.defaultBranch}
${f.localOrigin ? `    scm: none                  # origin is ${JSON.stringify(f.localOrigin)}, not GitHub: no PRs to follow
` : ""}    # postCreate: ["npm ci"]   # run in each new worktree
    # copy: [".env"]           # files copied from the clone into each new worktree
    # agentConfig: { permissions: skip }   # opt-in: start the agent without permission prompts
`;
}
