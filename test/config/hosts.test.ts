import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { AoError } from "../../src/core/errors.js";

let root: string;
let env: NodeJS.ProcessEnv;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "ao-config-"));
  env = { HOME: path.join(root, "home"), AO_HOME: path.join(root, "ao-home") };
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function load(text: string) {
  await writeFile(path.join(root, "agent-orchestrator.yaml"), text);
  return loadConfig({ cwd: root, env });
}

describe("hosts in config", () => {
  it("reads the issue's example: hosts, the ssh config, and where each project may run", async () => {
    const c = await load(`runtime: { sshConfig: ~/.ssh/config }
hosts:
  build-1: { ssh: build-1, maxSessions: 12 }
  build-2: { ssh: "ci@10.0.0.7", maxSessions: 8, projects: { api: /srv/src/api } }
projects:
  api: { repo: org/api, path: ~/code/api, hosts: [local, build-1, build-2] }
  web: { repo: org/web, path: ~/code/web }
`);
    expect(c.runtime.sshConfig).toBe(path.join(root, "home/.ssh/config"));
    expect(c.hosts).toEqual([
      { name: "local", ssh: null, maxSessions: 8, projects: {}, root: "" },
      { name: "build-1", ssh: "build-1", maxSessions: 12, projects: {}, root: "~/.ao-host" },
      { name: "build-2", ssh: "ci@10.0.0.7", maxSessions: 8, projects: { api: "/srv/src/api" }, root: "~/.ao-host" },
    ]);
    expect(c.projects.map((p) => [p.id, p.hosts])).toEqual([
      ["api", ["local", "build-1", "build-2"]],
      ["web", ["local"]],
    ]);
  });

  const errors: Array<[string, string, RegExp]> = [
    ["an unknown host in a project", "hosts:\n  b1: { ssh: b1 }\nprojects:\n  a: { repo: o/a, path: x, hosts: [local, b2] }\n", /:4:43: projects\.a\.hosts: "b2" is not a host; hosts: local, b1/],
    ["an ssh destination for local", "hosts:\n  local: { ssh: me@here }\n", /:2:17: hosts\.local\.ssh: "local" is this machine; it takes only maxSessions/],
    ["a host without ssh", "hosts:\n  b1: { maxSessions: 3 }\n", /:2:7: hosts\.b1\.ssh: missing/],
    ["an ssh destination that is an option", "hosts:\n  b1: { ssh: -oProxyCommand=x }\n", /hosts\.b1\.ssh: expected an ssh destination/],
    ["an option in brackets", "hosts:\n  b1: { ssh: \"[-oProxyCommand=x]\" }\n", /:2:14: hosts\.b1\.ssh: "\[-oProxyCommand=x\]" would reach ssh as an option; no part of a destination/],
    ["an option as the host after user@", "hosts:\n  b1: { ssh: ci@-oProxyCommand=x }\n", /hosts\.b1\.ssh: "ci@-oProxyCommand=x" would reach ssh as an option/],
    ["an option in brackets after user@, with a port", "hosts:\n  b1: { ssh: \"ci@[-oProxyCommand=x]:22\" }\n", /hosts\.b1\.ssh: .* would reach ssh as an option/],
    ["an option as the host of an ssh:// URL", "hosts:\n  b1: { ssh: \"ssh://-oProxyCommand=x\" }\n", /hosts\.b1\.ssh: .* would reach ssh as an option/],
    ["a host called Local beside local", "hosts:\n  local: { maxSessions: 2 }\n  Local: { ssh: b1 }\n", /:3:3: hosts\.Local: "Local" is not a name a host may take: "local" \(this machine\) is reserved in any case/],
    ["LOCAL alone", "hosts:\n  LOCAL: { ssh: b1 }\n", /:2:3: hosts\.LOCAL: "LOCAL" is not a name a host may take/],
    ["Local in a project's hosts", "projects:\n  a: { repo: o/a, path: x, hosts: [Local] }\n", /:2:36: projects\.a\.hosts: "Local" is not a name a host may take/],
    ["an ssh destination with shell words", "hosts:\n  b1: { ssh: \"b1;rm -rf ~\" }\n", /hosts\.b1\.ssh: expected an ssh destination/],
    ["a relative root", "hosts:\n  b1: { ssh: b1, root: srv/ao }\n", /hosts\.b1\.root: expected an absolute path or one under ~\//],
    ["a root for local", "hosts:\n  local: { root: /srv }\n", /hosts\.local\.root: "local" is this machine; it takes only maxSessions/],
    ["a zero capacity", "hosts:\n  b1: { ssh: b1, maxSessions: 0 }\n", /hosts\.b1\.maxSessions: /],
  ];
  it("lets local set its own capacity", async () => {
    const c = await load("hosts:\n  local: { maxSessions: 3 }\n");
    expect(c.hosts).toEqual([{ name: "local", ssh: null, maxSessions: 3, projects: {}, root: "" }]);
  });

  it.each(errors)("rejects %s, saying where", async (_n, text, expected) => {
    const err = await load(text).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(AoError);
    expect((err as AoError).message).toMatch(expected);
  });
});
