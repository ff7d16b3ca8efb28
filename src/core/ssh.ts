import { shellJoin, shellQuote } from "./shell.js";

/**
 * An ssh destination as config writes it, split into what ssh takes: `user@host:port` and
 * `[v6]:port` become `-p port` and the host; an alias (resolved by ssh's own config) stays as is.
 * A bare IPv6 address has several colons and no port.
 */
export function sshTarget(dest: string): { host: string; port?: string } {
  // Checked by the config already; here too, as the last step before an argv: a destination that
  // reads as an option (`-oProxyCommand=…`) would run a command of its own choosing.
  if (sshDestinationIsOption(dest)) throw new Error(`ssh destination ${JSON.stringify(dest)} would reach ssh as an option`);
  const v6 = /^(?:([^@]+)@)?\[([^\]]+)\](?::(\d+))?$/.exec(dest);
  if (v6) return { host: `${v6[1] ? `${v6[1]}@` : ""}${v6[2]}`, ...(v6[3] ? { port: v6[3] } : {}) };
  const m = /^([^:]+):(\d+)$/.exec(dest);
  return m ? { host: m[1]!, port: m[2]! } : { host: dest };
}

/**
 * Whether any part of a destination starts with "-": the whole, the host or user within
 * `user@[host]:port` (the brackets come off before ssh sees it), or the host of an `ssh://` URL.
 * ssh reads an argument that starts with "-" as one of its options, and takes a user or host
 * starting with one no better, so none may.
 */
export function sshDestinationIsOption(dest: string): boolean {
  return /(?:^|[@[/])-/.test(dest);
}

/** A path on the remote side: `~/x` means the remote home, so it goes unquoted as "$HOME". */
export function remotePath(p: string): string {
  if (p === "~") return '"$HOME"';
  if (p.startsWith("~/")) return `"$HOME"/${shellQuote(p.slice(2))}`;
  return shellQuote(p);
}

/**
 * The one string ssh hands the remote shell for an argv: ssh joins its arguments with spaces and
 * the remote shell parses them again, so every word is quoted here, exactly once.
 */
export function remoteCommand(argv: readonly string[], cwd?: string): string {
  const cmd = `exec ${shellJoin(argv)}`;
  return cwd ? `cd -- ${remotePath(cwd)} && ${cmd}` : cmd;
}

const NEEDS_PERSON = /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed|No [A-Z0-9-]+ host key is known|Permission denied|Too many authentication failures/i;

/** Whether ssh failed on something only a person can mend: a host key to check, a login without a key. */
export function sshNeedsPerson(stderr: string): boolean {
  return NEEDS_PERSON.test(stderr);
}

/** What ssh said when it, not the remote command, failed (exit 255), as advice for a person. */
export function explainSshFailure(host: string, stderr: string, byHand = `ssh ${host}`): string {
  const said = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !/^Warning: Permanently added/.test(l))
    .pop() ?? "no answer";
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED/i.test(stderr)) {
    // Nothing to accept: the key known for it is another. Only the person can say which is right.
    return `${host}'s host key is not the one known for it (${said}); if the host was reinstalled, remove the old key (ssh-keygen -R with its name) and accept the new one by hand: ${byHand}`;
  }
  if (/Host key verification failed|No [A-Z0-9-]+ host key is known/i.test(stderr)) {
    return `ssh does not trust ${host}'s host key (${said}); check it and accept it once by hand: ${byHand}`;
  }
  if (/Permission denied|Too many authentication failures/i.test(stderr)) {
    return `ssh could not log in to ${host} without a prompt (${said}); ao never answers ssh's prompts: set up a key (ssh-copy-id) or an agent`;
  }
  return `${host} did not answer (${said})`;
}
