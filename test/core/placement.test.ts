import { describe, expect, it } from "vitest";
import { placeSession } from "../../src/core/placement.js";
import { explainSshFailure, remoteCommand, remotePath, sshTarget } from "../../src/core/ssh.js";

describe("placeSession", () => {
  it("picks the host with the most free places; ties go to the first listed", () => {
    const hosts = [
      { name: "local", maxSessions: 4, live: 2 },
      { name: "b1", maxSessions: 12, live: 3, reachable: true },
      { name: "b2", maxSessions: 8, live: 0, reachable: true },
    ];
    expect(placeSession(hosts)).toEqual({ host: "b1", why: "b1 has the most room (9 of 12 free)" });
    expect(placeSession([{ name: "local", maxSessions: 4, live: 0 }, { name: "b", maxSessions: 4, live: 0 }]).host).toBe("local");
  });

  it("skips a host that did not answer and a full one, and says so", () => {
    const p = placeSession([
      { name: "b1", maxSessions: 12, live: 0, reachable: false },
      { name: "b2", maxSessions: 2, live: 2, reachable: true },
      { name: "local", maxSessions: 2, live: 1 },
    ]);
    expect(p).toEqual({ host: "local", why: "local has the most room (1 of 2 free); b1 did not answer, b2 is full (2/2)" });
    expect(placeSession([{ name: "b1", maxSessions: 1, live: 0, reachable: false }])).toEqual({ host: null, why: "no host has room; b1 did not answer" });
  });

  it("skips a host that answered but cannot run a session (no tmux there), however much room it has", () => {
    const p = placeSession([
      { name: "nt", maxSessions: 9, live: 0, reachable: true, unfit: "has no tmux" },
      { name: "b1", maxSessions: 2, live: 1, reachable: true },
    ]);
    expect(p).toEqual({ host: "b1", why: "b1 has the most room (1 of 2 free); nt has no tmux" });
  });
});

describe("ssh words", () => {
  it("splits destinations as ssh takes them", () => {
    expect(sshTarget("build-1")).toEqual({ host: "build-1" });
    expect(sshTarget("ci@10.0.0.7")).toEqual({ host: "ci@10.0.0.7" });
    expect(sshTarget("ci@host:2222")).toEqual({ host: "ci@host", port: "2222" });
    expect(sshTarget("[::1]:22")).toEqual({ host: "::1", port: "22" });
    expect(sshTarget("me@[fe80::1]")).toEqual({ host: "me@fe80::1" });
    expect(sshTarget("fe80::1")).toEqual({ host: "fe80::1" });
    expect(sshTarget("ci-bot@build-1")).toEqual({ host: "ci-bot@build-1" });
  });

  it("never hands ssh a destination that reads as an option, wherever the '-' hides", () => {
    for (const dest of ["-oProxyCommand=x", "[-oProxyCommand=x]", "[-oProxyCommand=x]:22", "ci@-oProxyCommand=x", "ci@[-oProxyCommand=x]", "ssh://-oProxyCommand=x"]) {
      expect(() => sshTarget(dest), dest).toThrow(/would reach ssh as an option/);
    }
  });

  it("quotes every word once for the remote shell; ~ is the remote home", () => {
    expect(remoteCommand(["git", "commit", "-m", "it's $HOME"])).toBe(`exec git commit -m 'it'\\''s $HOME'`);
    expect(remoteCommand(["pwd"], "~/src/my app")).toBe(`cd -- "$HOME"/'src/my app' && exec pwd`);
    expect(remotePath("/srv/x")).toBe("/srv/x");
  });

  it("turns ssh's failures into advice, never an answer to its prompt", () => {
    expect(explainSshFailure("b1", "Host key verification failed.\n")).toMatch(/does not trust b1's host key.*ssh b1$/);
    // With the config file ao passes ssh (the alias lives there), and for a key that changed, the way out.
    expect(explainSshFailure("b1", "Host key verification failed.\n", "ssh -F /home/me/ao/ssh_config b1")).toMatch(/accept it once by hand: ssh -F \/home\/me\/ao\/ssh_config b1$/);
    expect(explainSshFailure("b1", "@@@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @@@\nHost key verification failed.\n")).toMatch(/not the one known for it.*ssh-keygen -R/);
    expect(explainSshFailure("b1", "root@x: Permission denied (publickey,password).\n")).toMatch(/could not log in to b1 without a prompt/);
    expect(explainSshFailure("b1", "ssh: connect to host x port 22: Connection refused\n")).toBe("b1 did not answer (ssh: connect to host x port 22: Connection refused)");
  });
});
