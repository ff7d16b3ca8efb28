// The demo's script for the world around the agents: when sessions start, and what CI and
// reviewers do to their pull requests on the fake GitHub. `at` is seconds of demo time at
// --speed 1; the driver divides by the speed. Each session's beats run in order, and a beat that
// needs a PR waits for its agent to open one (later beats of that session keep their spacing).
import { setTimeout as sleep } from "node:timers/promises";
import type { FailingInput, FakeGitHubState } from "./fake-github.js";

export type Move =
  | { spawn: true }
  | { ci: "pending" | "success" }
  | { ci: "failure"; failing: FailingInput[] }
  | { requestReview: string }
  | { requestChanges: { reviewer: string; threads: Array<{ path: string; line: number; body: string }> } }
  | { resolveThreads: true }
  | { approve: string }
  | { mergeable: boolean }
  | { merge: true }
  | { answer: string };

export interface Beat {
  at: number;
  session: string;
  moves: Move[];
  note: string;
}

const lint: FailingInput = { name: "lint", summary: "2 problems", log: "src/theme.ts:1:14  error  'themes' is never used\nsrc/settings/ThemeToggle.tsx:2:10  error  missing return type\n" };

export const TIMELINE: Beat[] = [
  { at: 0, session: "login", moves: [{ spawn: true }], note: "spawned: fix the login redirect loop" },
  { at: 0, session: "dark", moves: [{ spawn: true }], note: "spawned: dark mode toggle" },
  { at: 0, session: "settings", moves: [{ spawn: true }], note: "spawned: split the settings page" },
  { at: 0, session: "ratelimit", moves: [{ spawn: true }], note: "spawned: rate-limit /search" },
  { at: 0, session: "migration", moves: [{ spawn: true }], note: "spawned: email_verified migration" },
  { at: 16, session: "login", moves: [{ ci: "success" }, { requestReview: "bob" }], note: "CI green, review requested from @bob" },
  { at: 20, session: "dark", moves: [{ ci: "pending" }], note: "CI running" },
  { at: 34, session: "dark", moves: [{ ci: "failure", failing: [lint] }], note: "CI failed: lint" },
  {
    at: 36,
    session: "login",
    moves: [{ requestChanges: { reviewer: "bob", threads: [{ path: "src/auth/redirect.ts", line: 1, body: "Also guard against absolute URLs (open redirect)." }, { path: "src/auth/redirect.ts", line: 1, body: "Needs a test for next=/login." }] } }],
    note: "@bob requested changes (2 threads)",
  },
  { at: 50, session: "dark", moves: [{ ci: "success" }, { requestReview: "alice" }], note: "CI green after the fix, review requested from @alice" },
  { at: 55, session: "health", moves: [{ spawn: true }], note: "spawned: /healthz endpoint" },
  { at: 62, session: "login", moves: [{ resolveThreads: true }, { approve: "bob" }, { mergeable: false }], note: "threads resolved, @bob approved; merge conflict with main" },
  { at: 68, session: "dark", moves: [{ approve: "alice" }, { mergeable: true }], note: "@alice approved: ready to merge" },
  { at: 75, session: "ratelimit", moves: [{ answer: "y" }], note: "question answered: per API key" },
  { at: 84, session: "login", moves: [{ mergeable: true }], note: "conflict resolved: ready to merge" },
  { at: 100, session: "dark", moves: [{ merge: true }], note: "merged" },
  { at: 110, session: "ratelimit", moves: [{ ci: "pending" }], note: "CI running" },
];

/** Demo seconds a late-opened PR shows as just "open" before its next beat. */
const OPEN_PR_DWELL = 8;

/** Demo seconds at --speed 1 until the headless demo stops. */
export const TIMELINE_END = 125;

export interface TimelineHooks {
  state: FakeGitHubState;
  spawn(session: string): Promise<void>;
  /** The session's PR on the fake GitHub, once its agent has opened one. */
  pr(session: string): { repo: string; number: number } | undefined;
  answer(session: string, text: string): Promise<void>;
  log(session: string, note: string): void;
}

const needsPr = (b: Beat) => b.moves.some((m) => !("spawn" in m) && !("answer" in m));

async function apply(b: Beat, hooks: TimelineHooks, pr: { repo: string; number: number } | undefined): Promise<void> {
  const s = hooks.state;
  for (const m of b.moves) {
    if ("spawn" in m) await hooks.spawn(b.session);
    else if ("answer" in m) await hooks.answer(b.session, m.answer);
    else if (!pr) return;
    else if ("ci" in m) s.setCi(pr.repo, pr.number, m.ci, "failing" in m ? m.failing : []);
    else if ("requestReview" in m) s.requestReview(pr.repo, pr.number, m.requestReview);
    else if ("requestChanges" in m) s.requestChanges(pr.repo, pr.number, m.requestChanges);
    else if ("resolveThreads" in m) s.resolveThreads(pr.repo, pr.number);
    else if ("approve" in m) s.approve(pr.repo, pr.number, m.approve);
    else if ("mergeable" in m) s.setMergeable(pr.repo, pr.number, m.mergeable);
    else if ("merge" in m) s.merge(pr.repo, pr.number);
  }
}

/** Play the beats; resolves at the end of the timeline, rejects (AbortError) when `signal` aborts. */
export async function runTimeline(beats: Beat[], opts: { speed: number; hooks: TimelineHooks; signal: AbortSignal; end?: number }): Promise<void> {
  const { hooks, signal } = opts;
  const k = 1000 / opts.speed;
  const t0 = Date.now();
  const sessions = [...new Set(beats.map((b) => b.session))];
  const chain = async (session: string): Promise<number> => {
    let late = 0;
    for (const b of beats.filter((x) => x.session === session).sort((x, y) => x.at - y.at)) {
      await sleep(Math.max(0, t0 + b.at * k + late - Date.now()), undefined, { signal });
      let pr = needsPr(b) ? hooks.pr(session) : undefined;
      // An agent opens its PR in its own time; give it a minute of real time at most.
      let waited = 0;
      for (; needsPr(b) && !pr && waited < 60_000; waited += 200) {
        await sleep(200, undefined, { signal });
        pr = hooks.pr(session);
      }
      // A PR that just opened stays plainly open for a while before CI and reviewers arrive.
      if (waited > 0 && pr) await sleep(OPEN_PR_DWELL * k, undefined, { signal });
      try {
        if (needsPr(b) && !pr) hooks.log(session, `skipped "${b.note}": no PR was opened`);
        else {
          await apply(b, hooks, pr);
          hooks.log(session, b.note);
        }
      } catch (e) {
        hooks.log(session, `"${b.note}" failed: ${(e as Error).message}`);
      }
      late = Math.max(late, Date.now() - (t0 + b.at * k));
    }
    return late;
  };
  const late = Math.max(0, ...(await Promise.all(sessions.map(chain))));
  await sleep(Math.max(0, t0 + (opts.end ?? TIMELINE_END) * k + late - Date.now()), undefined, { signal });
}
