/** Quote one word for a POSIX shell: the result is read back as exactly `s`. */
export function shellQuote(s: string): string {
  if (s !== "" && /^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function shellJoin(argv: readonly string[]): string {
  return argv.map(shellQuote).join(" ");
}

/** Names a POSIX shell accepts in `export NAME=…`; anything else (BASH_FUNC_x%%) is skipped. */
export function isEnvName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

/** The lines of an env file for `sh` to source: `export NAME='value'`. */
export function envFileText(env: NodeJS.ProcessEnv): string {
  let out = "";
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || !isEnvName(k)) continue;
    out += `export ${k}=${shellQuote(v)}\n`;
  }
  return out;
}
