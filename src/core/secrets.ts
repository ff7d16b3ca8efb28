/**
 * Names of variables that hold credentials: GITHUB_TOKEN, GH_TOKEN, LINEAR_API_KEY,
 * ANTHROPIC_API_KEY, AWS_SECRET_ACCESS_KEY, …, by the words such names are made of.
 * SSH_AUTH_SOCK (a socket path) is not one.
 */
const SECRET_NAME = /(^|_)(TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIALS?|API_?KEY|ACCESS_KEY|PRIVATE_KEY)(_|$)/i;

/** The same rule as a case-insensitive expression's source, for bin/ao.js (services/look-ahead.ts). */
export const SECRET_NAME_SOURCE = SECRET_NAME.source;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** The environment without its credentials, for programs that must not keep them (tmux). */
export function withoutSecrets(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (!isSecretName(k)) out[k] = v;
  return out;
}
