import { copyFile, mkdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { AppContext } from "../app.js";
import { inert } from "../core/sanitize.js";
import { AoError, EXIT_USAGE } from "../core/errors.js";
import type { ProjectConfig } from "../config/types.js";
import { SPAWN_FAILED } from "../core/cleanup.js";
import { compareIds } from "../core/format.js";
import { LOCAL_HOST } from "../core/placement.js";
import type { StoredSession } from "../metadata/store.js";
import { holdsPlace } from "./hosts.js";
import { branchBack } from "../core/branch-gone.js";
import { defaultBranchName, tmuxSessionName } from "../core/names.js";
import { shellQuote } from "../core/shell.js";
import { githubIssueNumber, sessionMark } from "../core/ids.js";
import { processStartTime, run } from "../exec.js";
import { monoStamp } from "../metadata/clock.js";
import { removeLaunchFiles } from "../plugins/runtime/tmux.js";
import { isValidBranch } from "../plugins/workspace/worktree.js";
import { pathExists, removePath, writePrivate } from "../plugins/host/files.js";
import { HostUnreachableError } from "../plugins/host/types.js";
import { BranchTakenError, IssueNotFoundError, type AgentPlugin } from "../plugins/types.js";
import { waitForAgent } from "./agent-start.js";
import { machine, sessionPlaces, type Machine } from "./machines.js";
import { chooseHost, ensureClone, requireProjectPath } from "./placement.js";
import { resolveProject } from "./sessions.js";
import { randomUUID } from "node:crypto";
import { wireAgentHooks } from "./agent-events.js";
import { fetchIssue, issuePrompt } from "./trackers.js";

export interface SpawnOptions {
  project: string;
  issue?: string;
  agent?: string;
  prompt?: string;
  branch?: string;
  /** The host to run on; by default the project's host with the most room. */
  host?: string;
  actor?: string;
  /** Told what ao decided for the person (where the session goes, a first clone there). */
  onInfo?: (text: string) => void;
  onWarning?: (text: string) => void;
  /** Told the id as soon as the session is recorded (as spawning), before the slow steps. */
  onCreated?: (id: string) => void;
}

export interface SpawnResult {
  id: string;
  branch: string;
  worktree: string;
  tmuxName: string;
  host: string;
}

/** The task in one line for the table: the issue's title, or the prompt's first line. */
export function taskLine(text: string): string {
  const line = text.trim().split("\n")[0]!.trim();
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}

/** Keep a relative path from escaping its root (`copy: ["../../etc/passwd"]`). */
function under(root: string, rel: string): string {
  const full = path.resolve(root, rel);
  if (full !== root && !full.startsWith(`${root}${path.sep}`)) throw new AoError(`copy: ${rel} is outside ${root}`, EXIT_USAGE);
  return full;
}

/**
 * The environment an agent starts with: ao's own (the user's), plus who it is. On another host
 * only who it is: the agent starts from that host's own login environment, and nothing of this
 * machine's (its PATH, its home, its credentials) travels there.
 */
export function agentEnv(ctx: AppContext, id: string, agent: AgentPlugin, prompt?: string, remote = false): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...(remote ? {} : ctx.env), ...sessionMark(ctx.config.name, id) };
  // ao's own knobs are not the agent's business (an agent running `ao` would act on ao's state).
  delete env.AO_VERBOSE;
  delete env.TMUX;
  delete env.TMUX_PANE;
  if (prompt && !agent.promptOnCommandLine) env.AO_PROMPT = prompt;
  return env;
}

/**
 * The default branch name, or the same with `-2`, `-3`… when a branch of that name exists
 * already (another workspace on the same clone has its own fe-1).
 */
async function freeBranchName(m: Machine, repo: string, wanted: string): Promise<string> {
  let name = wanted;
  for (let n = 2; await m.workspace.branchExists(repo, name); n++) name = `${wanted}-${n}`;
  return name;
}

/** How many names a spawn tries when others sharing its clone take each one first. */
const BRANCH_TRIES = 5;

const NOTHING: Record<string, string | null> = {};
const killedMeanwhile = (m: Record<string, string>) => m.status === "killed" || m.killRequestedAt !== undefined;

/**
 * An existing branch may be continued only when it is the branch of a killed session of this
 * project and nothing has it checked out: then the new session picks up that work. Any other
 * existing branch is someone's, and is refused with whose it is. Returns the killed session's id.
 */
async function killedOwner(ctx: AppContext, m: Machine, repo: string, project: ProjectConfig, branch: string): Promise<string> {
  const owners = (await ctx.store.list()).filter((s) => s.meta?.projectId === project.id && s.meta.branch === branch && (s.meta.host || "local") === m.name);
  const live = owners.find((s) => s.meta?.status !== "killed");
  if (live) throw new AoError(`branch ${branch} belongs to session ${live.id} (${live.meta?.status ?? "?"}); pick another name or use that session`, EXIT_USAGE);
  if (owners.length === 0) throw new AoError(`branch ${branch} already exists in ${repo} and no killed session of ${project.id} owns it; pick another name`, EXIT_USAGE);
  const at = await m.workspace.checkedOutAt(repo, branch);
  if (at.length) throw new AoError(`branch ${branch} is checked out at ${at[0]}; remove that worktree (or restore its session) first`, EXIT_USAGE);
  return owners.map((s) => s.id).sort(compareIds).at(-1)!;
}

/**
 * A `--branch` that does not exist may have been deleted outside ao. Still checked out in a
 * worktree, it cannot be made anew (git's words were "already checked out"): refused, with what
 * it means. Once a killed session's, it starts afresh: said, as that session's commits are not in it.
 */
async function checkBranchGone(ctx: AppContext, m: Machine, repo: string, project: ProjectConfig, branch: string, warn?: (text: string) => void): Promise<void> {
  const where = (await m.workspace.checkedOutAt(repo, branch))[0];
  if (where !== undefined) {
    const work = await m.workspace.status(where).catch(() => null);
    throw new AoError(
      `branch ${inert(branch)} no longer exists (deleted outside ao), yet the worktree ${inert(where)} is still on it, on no commit; the commits the branch held are on no branch now. ` +
        `Bring it back (${branchBack(inert(where), branch, work?.branchGone === branch ? work.branchGoneAt : undefined)}) to continue it, or remove that worktree first`,
      EXIT_USAGE,
    );
  }
  const owner = (await ctx.store.list())
    .filter((s) => s.meta?.projectId === project.id && s.meta.branch === branch && s.meta.status === "killed" && (s.meta.host || LOCAL_HOST) === m.name)
    .sort((a, b) => compareIds(a.id, b.id))
    .at(-1);
  if (owner) warn?.(`branch ${inert(branch)} of ${owner.id} no longer exists: the new branch of that name starts from origin/${project.defaultBranch}, without any commit ${owner.id} made`);
}

/**
 * Copy the project's untracked files (`copy:`) from its clone into the new worktree. On another
 * host, from the clone there when it has the file (a clone of your own, mapped in config), else
 * from this machine's clone (ao's own clone there has no untracked files), sent byte for byte.
 */
async function copyFiles(m: Machine, project: ProjectConfig, repo: string, worktree: string): Promise<void> {
  for (const rel of project.copy) {
    const to = under(worktree, rel);
    const from = under(repo, rel);
    if (!m.host.remote) {
      await mkdir(path.dirname(to), { recursive: true });
      await copyFile(from, to);
      continue;
    }
    if (await pathExists(m.host, from)) {
      const r = await m.host.run("/bin/sh", ["-c", 'mkdir -p -- "$(dirname -- "$2")" && cp -- "$1" "$2"', "sh", from, to]);
      if (r.exitCode !== 0) throw new Error(`copy ${rel} on ${m.name}: ${r.stderr.trim()}`);
    } else {
      // Bytes as they are (a certificate, a database, a binary tool), not text: a file read as
      // UTF-8 arrived with every invalid byte turned into U+FFFD. An executable stays one.
      const source = under(project.path, rel);
      const [bytes, st] = await Promise.all([readFile(source), stat(source)]);
      await writePrivate(m.host, to, bytes);
      if (st.mode & 0o100) {
        const r = await m.host.run("chmod", ["u+x", to]);
        if (r.exitCode !== 0) throw new Error(`copy ${rel} on ${m.name}: ${r.stderr.trim()}`);
      }
    }
  }
}

/** Create a session: id, worktree on a new branch, tmux running the agent. Undoes all of it on failure. */
export async function spawnSession(ctx: AppContext, opts: SpawnOptions): Promise<SpawnResult> {
  const project = resolveProject(ctx, opts.project);
  // A GitHub issue is a number: anything else is a mistyped argument, said as bad input before
  // anything is placed or asked (it read as a GitHub failure, exit 1, after a clone and a tmux check).
  if (opts.issue && project.tracker === "github" && githubIssueNumber(opts.issue) === null) {
    throw new AoError(`"${inert(opts.issue)}" is not an issue number; the issues of ${project.id} are GitHub's (ao spawn ${project.id} 12)`, EXIT_USAGE);
  }
  const agentName = opts.agent ?? project.agent;
  const agent = ctx.agent(agentName);
  if (agentName === "generic" && !project.agentCommand) {
    throw new AoError(`agent "generic" needs agentCommand in the config of project ${project.id}`, EXIT_USAGE);
  }
  if (opts.branch !== undefined && !(await isValidBranch(opts.branch))) {
    throw new AoError(`"${inert(opts.branch)}" is not a valid branch name (git check-ref-format)`, EXIT_USAGE);
  }
  // A local branch named origin/… shadows the remote branch of that name: git then calls
  // origin/<default> ambiguous, and every later session of the project, based on it, fails.
  if (opts.branch !== undefined && /^(?:origin|remotes)\//.test(opts.branch)) {
    throw new AoError(`"${inert(opts.branch)}" would shadow the remote branch of that name, which sessions start from; name the branch without "${opts.branch.split("/")[0]}/"`, EXIT_USAGE);
  }
  // A killed session's branch is continued where its commits are: the clone on the host it ran
  // on (another host's clone lacks them, and the new session started from an empty branch).
  let asked = opts.host;
  let why: string | null = null;
  if (opts.branch !== undefined && (project.hosts.length > 1 || project.hosts[0] !== LOCAL_HOST)) {
    const owner = (await ctx.store.list())
      .filter((s) => s.meta?.projectId === project.id && s.meta.branch === opts.branch && s.meta.status === "killed")
      .sort((a, b) => compareIds(a.id, b.id))
      .at(-1);
    const ownerHost = owner ? owner.meta!.host || LOCAL_HOST : null;
    if (owner && ownerHost && asked === undefined) {
      asked = ownerHost;
      why = `${owner.id} ran there, and its commits are in the clone there`;
    } else if (owner && ownerHost && asked !== ownerHost) {
      throw new AoError(
        `branch ${inert(opts.branch)} holds the commits of ${owner.id}, which ran on ${ownerHost}; its clone there has them, ${asked}'s does not. Continue it there: ao spawn ${project.id} --branch ${inert(opts.branch)} --host ${ownerHost}`,
        EXIT_USAGE,
      );
    }
  }
  const placed = await chooseHost(ctx, project, asked);
  if (placed.why || why) opts.onInfo?.(`on ${placed.host}: ${placed.why ?? why}`);
  const m = machine(ctx, placed.host);
  const remote = m.host.remote;
  if (!remote) await requireProjectPath(project);
  if (!remote && !(await ctx.workspace.exists(project.path))) {
    throw new AoError(`project ${project.id}: ${project.path} is not a git clone (set its path in the config)`, EXIT_USAGE);
  }
  const repo = await ensureClone(ctx, m, project, opts.onInfo);
  // No tmux here to run the agent in (not installed, not on this PATH): said before anything is
  // recorded. Found only at launch, each try left an errored record for cleanup to take.
  if (!remote) await m.runtime.exists(tmuxSessionName(ctx.config.name, `${project.sessionPrefix}-0`));
  const continues = opts.branch !== undefined && (await m.workspace.branchExists(repo, opts.branch)) ? await killedOwner(ctx, m, repo, project, opts.branch) : null;
  if (opts.branch !== undefined && continues === null) await checkBranchGone(ctx, m, repo, project, opts.branch, opts.onWarning);
  const actor = opts.actor ?? "cli";
  const skip = project.permissions === "skip";
  // With an issue: the branch is named from its title, and its text is the task when no prompt is given.
  let issueTitle: string | undefined;
  let prompt = opts.prompt;
  if (opts.issue) {
    try {
      const issue = await fetchIssue(ctx, project, opts.issue);
      issueTitle = issue.title;
      prompt ??= issuePrompt(issue);
      // Started all the same (reopened work, a follow-up), but said: cleanup takes a session
      // whose issue is closed for finished.
      if (issue.state === "closed") opts.onWarning?.(`issue ${opts.issue} is closed; the session starts all the same, and ao session cleanup will count it as done`);
    } catch (e) {
      // Without a prompt the issue was the task: the agent would start with none, its record saying
      // nothing of what it was for. One the tracker lacks is bad input (exit 2), as an unknown session is.
      if (prompt === undefined) {
        throw new AoError(`could not read issue ${opts.issue}: ${(e as Error).message}. Nothing was started; check the issue, or give the task with --prompt`, e instanceof IssueNotFoundError ? EXIT_USAGE : 1);
      }
      opts.onWarning?.(`could not read issue ${opts.issue} (${(e as Error).message}); the branch is named from its number`);
    }
  }
  const spawnStart = processStartTime(process.pid);
  const createdAt = ctx.now().toISOString();
  const id = await ctx.store.create(
    project.sessionPrefix,
    {
      projectId: project.id,
      status: "spawning",
      agent: agentName,
      createdAt,
      ...(remote ? { host: m.name } : {}),
      ...(opts.issue ? { issueId: opts.issue } : {}),
      ...(issueTitle || prompt ? { summary: taskLine(issueTitle ?? prompt!) } : {}),
      ...(skip ? { permissions: "skip" } : {}),
      ...(continues ? { continues } : {}),
      // Who is spawning, for good (pid and start time): a spawn whose process died is no
      // longer "spawning", whatever the record says.
      spawnPid: String(process.pid),
      ...(spawnStart ? { spawnStart } : {}),
    },
    actor,
  );
  const failed = async (reason: string) => {
    await ctx.store.update(id, (cur) => (killedMeanwhile(cur) ? NOTHING : { status: "errored", errorReason: `${SPAWN_FAILED}${reason}`, spawnPid: null, spawnStart: null }), actor, "spawn-failed");
  };
  // Placed by ao among several: spawns started together each saw the same free places. Counted
  // again now that every one of them is on record, those past the host's room give way (the
  // records made first keep their places), rather than fill it past maxSessions.
  const room = placed.why !== null && asked === undefined ? ctx.config.hosts.find((h) => h.name === placed.host)?.maxSessions : undefined;
  if (room !== undefined) {
    const before = (s: StoredSession) => (s.meta!.createdAt ?? "") < createdAt || ((s.meta!.createdAt ?? "") === createdAt && compareIds(s.id, id) < 0);
    const ahead = (await ctx.store.list()).filter((s) => s.id !== id && holdsPlace(s.meta) && (s.meta.host || LOCAL_HOST) === placed.host && before(s)).length;
    if (ahead >= room) {
      const full = `${placed.host} filled up meanwhile (${ahead} of ${room} taken by sessions started at the same time); run it again to place it elsewhere`;
      await failed(full);
      throw new AoError(`spawn of ${id} failed: ${full}`, 1);
    }
  }
  let places: Awaited<ReturnType<typeof sessionPlaces>>;
  let branch: string;
  const wanted = defaultBranchName(id, issueTitle ?? opts.issue);
  try {
    places = await sessionPlaces(ctx, m, project, id);
    branch = opts.branch ?? (await freeBranchName(m, repo, wanted));
  } catch (e) {
    // Nothing was made yet: the record says why, rather than "interrupted" once this process is gone.
    await failed((e as Error).message);
    throw new AoError(`spawn of ${id} failed: ${(e as Error).message}`, 1);
  }
  const { worktree, stateDir } = places;
  const tmuxName = tmuxSessionName(ctx.config.name, id);
  // A remote session's own folders there are recorded too: kill and restore find them without asking.
  await ctx.store.update(id, () => ({ branch, worktree, tmuxName, ...(remote ? { hostRepo: repo, hostStateDir: stateDir } : {}) }), actor);
  opts.onCreated?.(id);

  let created = { worktree: false, tmux: false };
  let madeAt: string | null = null;
  try {
    if (!(await isValidBranch(branch))) throw new Error(`"${branch}" is not a valid branch name`);
    for (let tries = 1; ; tries++) {
      try {
        madeAt = await m.workspace.create({ repoPath: repo, worktree, branch, base: `origin/${project.defaultBranch}`, remoteBranch: project.defaultBranch, reuse: continues !== null });
        break;
      } catch (e) {
        // Another ao sharing this clone took the name between the check and the make: the next
        // free one. A name the person chose is theirs to choose again.
        if (!(e instanceof BranchTakenError) || opts.branch !== undefined || tries >= BRANCH_TRIES) throw e;
        branch = await freeBranchName(m, repo, wanted);
        await ctx.store.update(id, () => ({ branch }), actor, "branch-taken");
      }
    }
    created = { ...created, worktree: true };
    // Seen made, at this commit: a spawn that does not finish lets go of it while it holds
    // nothing of its own (see killSession).
    if (madeAt) await ctx.store.update(id, () => ({ branchMadeAt: madeAt }), actor);
    await copyFiles(m, project, repo, worktree);
    for (const cmd of project.postCreate) {
      // The user wrote this command in their own config: it is theirs to run through a shell.
      const r = remote
        ? await m.host.run("/bin/sh", ["-lc", cmd], { cwd: worktree, timeoutMs: 30 * 60_000 })
        : await run("/bin/sh", ["-c", cmd], { cwd: worktree, env: ctx.env });
      if (r.exitCode !== 0) throw new Error(`postCreate "${cmd}" failed (exit ${r.exitCode}): ${r.stderr.trim().split("\n").slice(-2).join(" ")}`);
    }
    let promptShell: string | undefined;
    if (prompt && agent.promptOnCommandLine) {
      const file = path.join(stateDir, "prompt.txt");
      await writePrivate(m.host, file, prompt);
      promptShell = `"$(cat ${shellQuote(file)})"`;
    }
    const env = agentEnv(ctx, id, agent, prompt, remote);
    const wiring = await wireAgentHooks(agent, stateDir, env, { host: m.host, hookScript: places.hookScript });
    // The conversation's id, chosen here and recorded first, so restore resumes exactly it.
    const agentSessionId = agent.takesSessionId ? randomUUID() : undefined;
    if (agentSessionId || promptShell) {
      await ctx.store.update(id, () => ({ ...(agentSessionId ? { agentSessionId } : {}), ...(promptShell ? { promptOnLaunch: "1" } : {}) }), actor, "agent-identity");
    }
    const command = agent.launchCommand({
      skipPermissions: skip,
      ...(promptShell ? { promptShell } : {}),
      ...(project.agentCommand ? { agentCommand: project.agentCommand } : {}),
      ...(wiring ? { wiring } : {}),
      ...(agentSessionId ? { agentSessionId } : {}),
    });
    await m.runtime.create({ name: tmuxName, cwd: worktree, command, env: { ...env, ...wiring?.env }, stateDir, mark: sessionMark(ctx.config.name, id) });
    created = { ...created, tmux: true };
    await waitForAgent(m.runtime, tmuxName, agent);
    // A kill that came while the agent started wins: its record is not overwritten. The agent
    // was started, not seen: the record stays `spawning` until a look sees its first screen or
    // event (DESIGN §4), and then records what it sees.
    const startedAt = ctx.now().toISOString();
    await ctx.store.update(id, (cur) => (killedMeanwhile(cur) ? NOTHING : { agentStartedAt: startedAt, lastActivityAt: startedAt, lastActivityMono: monoStamp() ?? null, spawnPid: null, spawnStart: null }), actor, "spawned");
    return { id, branch, worktree, tmuxName, host: m.name };
  } catch (e) {
    const reason = (e as Error).message;
    // The record names only what this spawn made: a kill or cleanup of it later acts on what
    // it names, and a tmux session or folder of that name may be another's (another AO_HOME on
    // the same tmux server, a folder already there). Over an unreachable host, what was made
    // there is unknown: the names stay, for a kill once it answers.
    if (!(e instanceof HostUnreachableError) && (!created.tmux || !created.worktree)) {
      await ctx.store.update(id, () => ({ ...(created.tmux ? {} : { tmuxName: null }), ...(created.worktree ? {} : { worktree: null }) }), actor, "spawn-undone").catch(() => {});
    }
    // Undo what this spawn made; nothing in a brand-new worktree is the user's work yet.
    if (created.tmux) await m.runtime.destroy(tmuxName).catch(() => {});
    // The branch goes only if this spawn made it and it holds no commit of its own (a postCreate
    // may commit); a branch this spawn continued holds the killed session's commits: it stays.
    if (created.worktree) await m.workspace.remove(repo, worktree).catch(() => {});
    if (created.worktree && madeAt) await m.workspace.deleteBranchIfAt(repo, branch, madeAt).catch(() => false);
    await removePath(m.host, path.join(stateDir, "prompt.txt")).catch(() => {});
    await removeLaunchFiles(stateDir, m.host);
    await failed(reason);
    // Undoing needs the host too: when it stopped answering, what was made there stays for now.
    const left = e instanceof HostUnreachableError ? `; what it made on ${m.name} may remain there: once ${m.name} answers, ao session kill ${id} removes it` : "";
    throw new AoError(`spawn of ${id} failed: ${reason}${left}`, 1);
  }
}
