// Plain JavaScript (types in sshd.d.mts) so that `npm run bench` can start hosts as tests do.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

async function waitFor(what, check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/**
 * Real OpenSSH servers on this machine, each standing in for another host. As root each one runs
 * in a mount namespace of its own with a private /tmp and a private home, so what ao leaves "on
 * the host" (clones, worktrees, tmux sockets, the agent's files) is invisible here, exactly as on
 * another machine: a test that passes proves ao assumes no shared filesystem. Each listens on its
 * own loopback port with its own host key; one generated client key logs in to all of them.
 *
 * Files every host must see (the git origins standing in for GitHub) go under `shared`, outside
 * the private folders.
 */

/** This checkout, which every host must see where it is here (see startSshHosts). */
const REPO_ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");

export const sshdPath = ["/usr/sbin/sshd", "/usr/local/sbin/sshd"].find((p) => existsSync(p));

/** Why these tests cannot run here, or null. In CI a missing sshd is a failure, not a skip. */
export function sshUnavailable() {
  if (sshdPath && spawnSync("ssh", ["-V"]).status === 0) return null;
  const why = "OpenSSH (ssh and sshd) is not installed: apt-get install openssh-server openssh-client";
  if (process.env.CI) throw new Error(why);
  return why;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = srv.address().port;
      srv.close(() => resolve(port));
    });
  });
}

function mountNs(pid) {
  try {
    return readlinkSync(`/proc/${pid}/ns/mnt`);
  } catch {
    return null;
  }
}

/** Every process in the given mount namespace: all that runs "on" that host. */
function processesIn(ns) {
  const out = [];
  for (const d of readdirSync("/proc")) {
    if (/^\d+$/.test(d) && mountNs(Number(d)) === ns) out.push(Number(d));
  }
  return out;
}

function signalAll(pids, sig) {
  for (const p of pids) {
    try {
      process.kill(p, sig);
    } catch {
      /* gone */
    }
  }
}

export async function startSshHosts(names) {
  const isRoot = process.getuid?.() === 0;
  const canIsolate = isRoot && spawnSync("unshare", ["-m", "--propagation", "private", "true"]).status === 0;
  // The private folders are mounted over /tmp and the home, so the servers' own files live elsewhere.
  const base = mkdtempSync(path.join(canIsolate ? "/var/tmp" : os.tmpdir(), "ao-sshd-"));
  const shared = path.join(base, "shared");
  mkdirSync(shared);
  const user = os.userInfo().username;
  const home = os.userInfo().homedir;
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "ao-test", "-f", path.join(base, "id")]);
  writeFileSync(path.join(base, "authorized_keys"), readFileSync(path.join(base, "id.pub")));
  if (isRoot) mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });

  const children = [];
  const hosts = [];
  let knownHosts = "";
  let sshConfig = "";
  for (const name of names) {
    const dir = path.join(base, name);
    mkdirSync(dir);
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", path.join(dir, "host_key")]);
    const port = await freePort();
    writeFileSync(
      path.join(dir, "sshd_config"),
      [
        `Port ${port}`,
        "ListenAddress 127.0.0.1",
        `HostKey ${path.join(dir, "host_key")}`,
        "PidFile none",
        `AuthorizedKeysFile ${path.join(base, "authorized_keys")}`,
        "StrictModes no",
        "UsePAM no",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PermitRootLogin prohibit-password",
        "MaxSessions 200",
        "MaxStartups 200",
        "LogLevel ERROR",
      ].join("\n") + "\n",
    );
    // Software "installed" on every host at the same path as here (this checkout: the simulated
    // agent, the agent CLIs in node_modules) stays visible when it lives under /tmp or the home:
    // it is set aside before the private folders are mounted, and moved back on top of them.
    const keep = path.join(dir, "keep");
    mkdirSync(keep);
    const script = canIsolate
      ? [
          "keep=$1",
          'for p in $KEEP_PATHS; do case $p in /tmp/* | "$HOME_DIR"/*) mkdir -p "$keep/${p#/}" && mount --bind "$p" "$keep/${p#/}" ;; esac; done',
          'mount -t tmpfs -o mode=1777 tmpfs /tmp && mount -t tmpfs -o mode=700 tmpfs "$HOME_DIR"',
          'for p in $KEEP_PATHS; do case $p in /tmp/* | "$HOME_DIR"/*) mkdir -p "$p" && mount --move "$keep/${p#/}" "$p" ;; esac; done',
          'exec "$SSHD" -D -e -f "$CONFIG"',
        ].join("\n")
      : `exec "$0" -D -e -f "$1"`;
    const argv = canIsolate
      ? ["env", `KEEP_PATHS=${REPO_ROOT}`, `HOME_DIR=${home}`, `SSHD=${sshdPath}`, `CONFIG=${path.join(dir, "sshd_config")}`, "unshare", "-m", "--propagation", "private", "--", "/bin/sh", "-c", script, "sh", keep]
      : ["/bin/sh", "-c", script, sshdPath, path.join(dir, "sshd_config"), home];
    const child = spawn(argv[0], argv.slice(1), { stdio: ["ignore", "ignore", "pipe"], detached: true });
    children.push(child);
    const hostKey = readFileSync(path.join(dir, "host_key.pub"), "utf8").split(" ").slice(0, 2).join(" ");
    knownHosts += `[127.0.0.1]:${port} ${hostKey}\n`;
    sshConfig += [
      `Host ${name}`,
      "  HostName 127.0.0.1",
      `  Port ${port}`,
      `  User ${user}`,
      `  IdentityFile ${path.join(base, "id")}`,
      "  IdentitiesOnly yes",
      `  UserKnownHostsFile ${path.join(base, "known_hosts")}`,
      "  GlobalKnownHostsFile /dev/null",
      "  StrictHostKeyChecking yes",
      "",
    ].join("\n");
    const exec = (cmd) => {
      const r = spawnSync("ssh", ["-F", path.join(base, "ssh_config"), "-o", "BatchMode=yes", name, "--", cmd], { encoding: "utf8", timeout: 20_000 });
      return { code: r.status ?? 1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
    };
    const pids = () => {
      const ns = canIsolate && child.pid ? mountNs(child.pid) : null;
      return ns && ns !== mountNs(process.pid) ? processesIn(ns) : child.pid ? [child.pid] : [];
    };
    hosts.push({ name, port, isolated: canIsolate, exec, down: () => signalAll(pids(), "SIGSTOP"), up: () => signalAll(pids(), "SIGCONT") });
  }
  writeFileSync(path.join(base, "known_hosts"), knownHosts);
  writeFileSync(path.join(base, "ssh_config"), sshConfig, { mode: 0o600 });

  const stop = () => {
    for (const c of children) {
      const ns = canIsolate && c.pid ? mountNs(c.pid) : null;
      const all = ns && ns !== mountNs(process.pid) ? processesIn(ns) : [];
      signalAll(all, "SIGCONT");
      signalAll(all, "SIGKILL");
      try {
        if (c.pid) process.kill(-c.pid, "SIGKILL");
      } catch {
        /* gone */
      }
    }
    rmSync(base, { recursive: true, force: true });
  };
  try {
    for (const h of hosts) await waitFor(`sshd for ${h.name}`, () => h.exec("true").code === 0, 20_000);
  } catch (e) {
    const errs = children.map((c) => c.exitCode).join(",");
    stop();
    throw new Error(`${e.message} (sshd exit codes: ${errs})`, { cause: e });
  }
  return { hosts, sshConfig: path.join(base, "ssh_config"), shared, stop };
}
