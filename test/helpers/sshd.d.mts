/** A real OpenSSH server standing in for another host (see sshd.mjs). */
export interface TestHost {
  name: string;
  port: number;
  /** Freeze every process of the host: connections hang, as with a host that stops answering. */
  down(): void;
  up(): void;
  /** Whether this host has a filesystem of its own (needs root and unshare). */
  isolated: boolean;
  /** Run a command on the host directly (not through ao), for checks. */
  exec(cmd: string): { code: number; stdout: string; stderr: string };
}

export interface TestHosts {
  hosts: TestHost[];
  /** ssh_config naming every host (for `runtime.sshConfig`). */
  sshConfig: string;
  /** A folder every host and this machine see alike. */
  shared: string;
  stop(): void;
}

export const sshdPath: string | undefined;
/** Why these tests cannot run here, or null. In CI a missing sshd is a failure, not a skip. */
export function sshUnavailable(): string | null;
export function startSshHosts(names: string[]): Promise<TestHosts>;
