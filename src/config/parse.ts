import path from "node:path";
import { isMap, isScalar, LineCounter, parseDocument, type Document } from "yaml";
import type { core } from "zod";
import { AoError, EXIT_USAGE } from "../core/errors.js";
import { parseDuration } from "../core/duration.js";
import { sshDestinationIsOption } from "../core/ssh.js";
import { configSchema, type RawConfig } from "./schema.js";
import { DEFAULT_HOST_ROOT, DEFAULT_MAX_SESSIONS, LOCAL_HOST } from "../core/placement.js";
import type { HostConfig, ProjectConfig, Reactions, WorkspaceConfig } from "./types.js";
import { DEFAULT_REACTIONS, type ReactionKind } from "../core/reactions.js";

export interface ParseContext {
  file: string;
  home: string;
  aoHome: string;
}

type Key = string | number;

function keyPath(p: readonly PropertyKey[]): string {
  return p.length === 0 ? "(top level)" : p.map(String).join(".");
}

/** The source offset of the value at `p`, or of the nearest ancestor that exists. */
function offsetOf(doc: Document, p: readonly Key[], unknownKey?: string): number {
  for (let n = p.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(p.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (!range) continue;
    if (unknownKey !== undefined && n === p.length && isMap(node)) {
      const pair = node.items.find((it) => isScalar(it.key) && String(it.key.value) === unknownKey);
      if (pair && isScalar(pair.key) && pair.key.range) return pair.key.range[0];
    }
    return range[0];
  }
  return 0;
}

function describe(issue: core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") return "unknown key";
  if (issue.code === "invalid_type" && issue.message.includes("received undefined")) {
    return `missing; expected ${issue.expected}`;
  }
  return issue.message.replace(/^Invalid input: /, "").replace(/^Invalid option: /, "");
}

function configError(ctx: ParseContext, lc: LineCounter, offset: number, what: string): AoError {
  const { line, col } = lc.linePos(offset);
  return new AoError(`${ctx.file}:${line}:${col}: ${what}`, EXIT_USAGE);
}

function expandPath(p: string, ctx: ParseContext): string {
  const expanded = p === "~" ? ctx.home : p.startsWith("~/") ? path.join(ctx.home, p.slice(2)) : p;
  return path.resolve(path.dirname(ctx.file), expanded);
}

/** The workspace's default name: the config folder's name, made safe for paths and tmux. */
export function defaultWorkspaceName(file: string): string {
  const base = path.basename(path.dirname(path.resolve(file))).replace(/^\.+/, "");
  const safe = base.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[-._]+/, "");
  return safe || "default";
}

type RawReactions = NonNullable<RawConfig["reactions"]>;

/** Defaults, then the workspace's reactions, then the project's, key by key. */
function resolveReactions(...layers: Array<RawReactions | undefined>): Reactions {
  const out = structuredClone(DEFAULT_REACTIONS);
  for (const layer of layers) {
    for (const [kind, r] of Object.entries(layer ?? {}) as Array<[ReactionKind, RawReactions[ReactionKind]]>) {
      if (!r) continue;
      const base = out[kind];
      out[kind] = {
        action: r.action,
        retries: r.retries ?? base.retries,
        escalateAfterMs: r.escalateAfter !== undefined ? parseDuration(r.escalateAfter) : base.escalateAfterMs,
        afterMs: r.after !== undefined ? parseDuration(r.after) : base.afterMs,
        priority: r.priority ?? base.priority,
      };
    }
  }
  return out;
}

/**
 * `local` is this machine: it may set its capacity, never an ssh destination. Every other host
 * needs one. `local` is always a host, listed first.
 */
function resolveHosts(raw: RawConfig, ctx: ParseContext, doc: Document, lc: LineCounter): HostConfig[] {
  const entries = Object.entries(raw.hosts ?? {});
  const local = raw.hosts?.[LOCAL_HOST];
  if (local?.ssh) {
    throw configError(ctx, lc, offsetOf(doc, ["hosts", LOCAL_HOST, "ssh"]), `hosts.local.ssh: "local" is this machine; it takes only maxSessions`);
  }
  if (local?.root) {
    throw configError(ctx, lc, offsetOf(doc, ["hosts", LOCAL_HOST, "root"]), `hosts.local.root: "local" is this machine; it takes only maxSessions (AO_HOME is its root)`);
  }
  const out: HostConfig[] = [{ name: LOCAL_HOST, ssh: null, maxSessions: local?.maxSessions ?? DEFAULT_MAX_SESSIONS, projects: {}, root: "" }];
  for (const [name, h] of entries) {
    if (name === LOCAL_HOST) continue;
    if (name.toLowerCase() === LOCAL_HOST) throw configError(ctx, lc, offsetOf(doc, ["hosts"], name), `hosts.${name}: ${reservedLocal(name)}`);
    if (!h.ssh) throw configError(ctx, lc, offsetOf(doc, ["hosts", name]), `hosts.${name}.ssh: missing; expected an ssh destination such as ${name} or user@host`);
    if (sshDestinationIsOption(h.ssh)) {
      throw configError(ctx, lc, offsetOf(doc, ["hosts", name, "ssh"]), `hosts.${name}.ssh: ${JSON.stringify(h.ssh)} would reach ssh as an option; no part of a destination (user, host, inside [ ]) may start with "-"`);
    }
    out.push({ name, ssh: h.ssh, maxSessions: h.maxSessions ?? DEFAULT_MAX_SESSIONS, projects: h.projects ?? {}, root: h.root ?? DEFAULT_HOST_ROOT });
  }
  return out;
}

/**
 * Host names are case-sensitive everywhere (config, records, --host), so "Local" beside "local"
 * would be a second host that reads as this machine: "local" is reserved in every case.
 */
function reservedLocal(name: string): string {
  return `"${name}" is not a name a host may take: "local" (this machine) is reserved in any case, and host names are case-sensitive; write local for this machine, or another name for a host`;
}

function projectHosts(id: string, names: string[] | undefined, hosts: HostConfig[], ctx: ParseContext, doc: Document, lc: LineCounter): string[] {
  const list = names ?? [LOCAL_HOST];
  list.forEach((n, i) => {
    if (n !== LOCAL_HOST && n.toLowerCase() === LOCAL_HOST) throw configError(ctx, lc, offsetOf(doc, ["projects", id, "hosts", i]), `projects.${id}.hosts: ${reservedLocal(n)}`);
    if (!hosts.some((h) => h.name === n)) {
      const known = hosts.map((h) => h.name).join(", ");
      throw configError(ctx, lc, offsetOf(doc, ["projects", id, "hosts", i]), `projects.${id}.hosts: "${n}" is not a host; hosts: ${known}`);
    }
  });
  return [...new Set(list)];
}

function resolve(raw: RawConfig, ctx: ParseContext, doc: Document, lc: LineCounter): WorkspaceConfig {
  const defaults = {
    runtime: raw.defaults?.runtime ?? "tmux",
    agent: raw.defaults?.agent ?? "claude-code",
    workspace: raw.defaults?.workspace ?? "worktree",
    terminal: raw.defaults?.terminal ?? (process.platform === "darwin" ? "iterm2" : "tmux"),
    ...(raw.defaults?.agentCommand ? { agentCommand: raw.defaults.agentCommand } : {}),
    ...(raw.defaults?.terminalCommand ? { terminalCommand: raw.defaults.terminalCommand } : {}),
  };
  const name = raw.name ?? defaultWorkspaceName(ctx.file);
  const hosts = resolveHosts(raw, ctx, doc, lc);
  const seen = new Map<string, string>();
  const projects: ProjectConfig[] = Object.entries(raw.projects ?? {}).map(([id, p]) => {
    const sessionPrefix = p.sessionPrefix ?? (id.toLowerCase().replace(/[^a-z0-9]/g, "").replace(/^[0-9]+/, "").slice(0, 16) || "s");
    const clash = seen.get(sessionPrefix);
    if (clash) {
      const at = offsetOf(doc, ["projects", id, "sessionPrefix"]);
      throw configError(ctx, lc, at, `projects.${id}.sessionPrefix: "${sessionPrefix}" is already used by project ${clash}; each project needs its own prefix`);
    }
    seen.set(sessionPrefix, id);
    const agent = p.agent ?? defaults.agent;
    const agentCommand = p.agentCommand ?? defaults.agentCommand;
    if (agent === "generic" && !agentCommand) {
      throw configError(ctx, lc, offsetOf(doc, ["projects", id]), `projects.${id}: agent "generic" needs agentCommand (the command line that starts the agent)`);
    }
    return {
      id,
      name: p.name ?? id,
      repo: p.repo,
      path: expandPath(p.path, ctx),
      sessionPrefix,
      defaultBranch: p.defaultBranch ?? "main",
      agent,
      runtime: p.runtime ?? defaults.runtime,
      workspace: p.workspace ?? defaults.workspace,
      terminal: p.terminal ?? defaults.terminal,
      ...(agentCommand ? { agentCommand } : {}),
      permissions: p.agentConfig?.permissions ?? "default",
      tracker: p.tracker ?? ((p.scm ?? "github") === "none" ? "none" : "github"),
      mergeMethod: p.mergeMethod ?? raw.defaults?.mergeMethod ?? "merge",
      scm: p.scm ?? "github",
      reactions: resolveReactions(raw.reactions, p.reactions),
      postCreate: p.postCreate ?? [],
      copy: p.copy ?? [],
      hosts: projectHosts(id, p.hosts, hosts, ctx, doc, lc),
    };
  });
  return {
    file: ctx.file,
    name,
    defaults,
    github: { baseUrl: raw.github?.baseUrl ?? "https://api.github.com" },
    runtime: {
      ...(raw.runtime?.tmuxSocket ? { tmuxSocket: raw.runtime.tmuxSocket } : {}),
      ...(raw.runtime?.sshConfig ? { sshConfig: expandPath(raw.runtime.sshConfig, ctx) } : {}),
    },
    hosts,
    worktreeDir: raw.worktreeDir ? expandPath(raw.worktreeDir, ctx) : path.join(ctx.aoHome, "worktrees", name),
    stuckAfterMs: parseDuration(raw.stuckAfter ?? "10m"),
    readyThresholdMs: parseDuration(raw.readyThreshold ?? "5m"),
    lifecycle: { pollIntervalMs: parseDuration(raw.lifecycle?.pollInterval ?? "30s") },
    notifiers: (raw.notifiers ?? [{ type: "desktop" as const }]).map((n) => ({
      type: n.type,
      ...("url" in n ? { url: n.url } : {}),
      priorities: n.priorities ?? ["urgent", "action", "info"],
    })),
    projects,
  };
}

/** Parse and validate a config file's text. Every error names file:line:col, the key and what was expected. */
export function parseConfig(text: string, ctx: ParseContext): WorkspaceConfig {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const msg = first.message.split("\n")[0] ?? first.message;
    throw configError(ctx, lc, first.pos[0], `YAML syntax: ${msg.replace(/ at line \d+, column \d+:?$/, "")}`);
  }
  const data: unknown = doc.toJS() ?? {};
  const result = configSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const p = issue.path.filter((k): k is Key => typeof k !== "symbol");
    const unknownKey = issue.code === "unrecognized_keys" ? issue.keys[0] : undefined;
    const at = offsetOf(doc, p, unknownKey);
    const shown = unknownKey !== undefined ? [...p, unknownKey] : p;
    throw configError(ctx, lc, at, `${keyPath(shown)}: ${describe(issue)}`);
  }
  return resolve(result.data, ctx, doc, lc);
}
