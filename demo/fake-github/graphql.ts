// Answers GraphQL documents from the fake's state the way GitHub does: the document is parsed,
// validated against GitHub's published schema (@octokit/graphql-schema) and executed with
// graphql-js, so the answer holds exactly the fields asked for. A field ao forgets to ask for
// is missing from the answer, as it would be on GitHub, and a field GitHub does not have is an
// error. The resolvers below only say where each object comes from in the state.
import { schema as published } from "@octokit/graphql-schema";
import type { GraphQLError } from "graphql";
import { buildClientSchema, execute, parse, validate, type GraphQLSchema, type IntrospectionQuery } from "graphql";
import type { FakeCheck, FakeGitHubState, FakePr, FakeThread } from "./state.js";

type Json = Record<string, unknown>;
type Vars = Record<string, unknown>;
interface GqlError { type?: string; path?: ReadonlyArray<string | number>; message: string; locations?: ReadonlyArray<{ line: number; column: number }> }

let github: GraphQLSchema | null = null;
/** GitHub's schema, built once per process (it is large: a few hundred ms). */
export function githubSchema(): GraphQLSchema {
  github ??= buildClientSchema(published.json as unknown as IntrospectionQuery);
  return github;
}

/** An error GitHub reports with a `type` (NOT_FOUND), its field answered null. */
class TypedError extends Error {
  constructor(readonly type: string, message: string) {
    super(message);
  }
}

const PAGE = 100;
const cursorOf = (i: number) => Buffer.from(`cursor:v2:${i}`).toString("base64");
const offsetOf = (cursor: unknown) => (typeof cursor === "string" ? Number(Buffer.from(cursor, "base64").toString().split(":")[2]) + 1 : 0);

function contextNode(state: FakeGitHubState, pr: FakePr, c: FakeCheck): Json {
  const url = `${state.webUrl()}/${pr.repo}/actions/runs/${c.id}/job/${c.id}`;
  if (c.type === "status") return { __typename: "StatusContext", context: c.name, state: c.conclusion ?? "PENDING", targetUrl: url };
  return {
    __typename: "CheckRun",
    databaseId: c.noDatabaseId ? null : c.id,
    name: c.name,
    status: c.conclusion ? "COMPLETED" : "IN_PROGRESS",
    conclusion: c.conclusion,
    detailsUrl: url,
    checkSuite: { app: { slug: c.app } },
  };
}

const user = (login: string) => ({ __typename: "User", login });

function threadNode(state: FakeGitHubState, pr: FakePr, t: FakeThread): Json {
  const url = `${state.prUrl(pr)}#discussion_r${t.commentId}`;
  return { id: t.id, isResolved: t.resolved, path: t.path, line: t.line, comments: { nodes: [{ author: user(t.author), body: t.body, url }] } };
}

function threadPage(state: FakeGitHubState, pr: FakePr, after: unknown, first = PAGE): Json {
  const start = offsetOf(after);
  const slice = pr.threads.slice(start, start + Math.min(first, PAGE));
  const end = start + slice.length;
  return {
    totalCount: pr.threads.length,
    nodes: slice.map((t) => threadNode(state, pr, t)),
    pageInfo: { hasNextPage: end < pr.threads.length, endCursor: slice.length ? cursorOf(end - 1) : null },
  };
}

function mergeStateStatus(pr: FakePr): string {
  if (pr.draft) return "DRAFT";
  if (pr.mergeable === false) return "DIRTY";
  if (pr.mergeable === null) return "UNKNOWN";
  if (pr.reviewDecision === "CHANGES_REQUESTED" || pr.reviewDecision === "REVIEW_REQUIRED") return "BLOCKED";
  return pr.rollupState === "FAILURE" || pr.rollupState === "ERROR" ? "UNSTABLE" : "CLEAN";
}

export function prNode(state: FakeGitHubState, pr: FakePr): Json {
  return {
    id: `PR_${pr.repo}#${pr.number}`,
    title: pr.title,
    body: pr.body,
    author: user(pr.author),
    createdAt: pr.createdAt,
    mergedAt: pr.mergedAt,
    closedAt: pr.closedAt,
    headRefName: pr.head,
    baseRefName: pr.base,
    isCrossRepository: pr.fork !== undefined,
    headRepository: { nameWithOwner: pr.fork ?? pr.repo, name: (pr.fork ?? pr.repo).split("/")[1], owner: user((pr.fork ?? pr.repo).split("/")[0] ?? "") },
    number: pr.number,
    url: state.prUrl(pr),
    state: pr.state,
    isDraft: pr.draft,
    mergeable: pr.mergeable === true ? "MERGEABLE" : pr.mergeable === false ? "CONFLICTING" : "UNKNOWN",
    mergeStateStatus: mergeStateStatus(pr),
    reviewDecision: pr.reviewDecision,
    headRefOid: pr.headSha,
    commits: {
      nodes: [
        {
          commit: {
            oid: pr.headSha,
            statusCheckRollup: pr.rollupState ? { state: pr.rollupState, contexts: { nodes: pr.checks.map((c) => contextNode(state, pr, c)) } } : null,
          },
        },
      ],
    },
    latestReviews: { nodes: [...pr.reviews].map(([login, s]) => ({ state: s, author: user(login) })) },
    // A field with arguments is a function: graphql-js calls it with them.
    reviewThreads: (args: { first?: number; after?: string | null }) => threadPage(state, pr, args.after ?? null, args.first),
  };
}

const REPO_ALIAS = /(\w+):\s*repository\(owner:\s*\$(\w+),\s*name:\s*\$(\w+)\)\s*\{\s*(pullRequests?)\((\w+):\s*\$(\w+)/g;

/** Which of ao's documents this is, for the request log. */
export function describe(query: string): { operation: string; aliases: number } {
  const operation = /^\s*query\s+(\w+)/.exec(query)?.[1] ?? "anonymous";
  return { operation, aliases: [...query.matchAll(REPO_ALIAS)].length };
}

// ---- query cost and node count, by GitHub's documented rules ----
// Every connection (a field with `first` or `last`) is one request per parent node that could
// hold it, assuming every connection above returns its full `first`/`last`; the document costs
// that sum / 100, rounded, and at least 1. Its nodes are each connection's `first`/`last` times
// those parents, summed; over 500,000 and GitHub refuses the document.

interface Selection { args: string[]; children: Selection[]; spread?: string }
const TOKEN = /\.\.\.|"(?:\\.|[^"\\])*"|\$?[A-Za-z_][A-Za-z0-9_]*|-?\d+(?:\.\d+)?|[{}():,[\]!=@]/g;

function parseSelections(tokens: string[], at: { i: number }): Selection[] {
  const out: Selection[] = [];
  at.i++; // "{"
  while (at.i < tokens.length && tokens[at.i] !== "}") {
    const sel: Selection = { args: [], children: [] };
    if (tokens[at.i] === "...") {
      at.i++;
      if (tokens[at.i] === "on") at.i += 2; // an inline fragment: `... on Type`
      else if (tokens[at.i] !== "{" && tokens[at.i] !== "@") sel.spread = tokens[at.i++];
    } else {
      at.i++; // the field's name, or its alias
      if (tokens[at.i] === ":") at.i += 2;
    }
    for (;;) {
      if (tokens[at.i] === "(") {
        let depth = 0;
        do {
          const t = tokens[at.i++] ?? ")";
          depth += t === "(" ? 1 : t === ")" ? -1 : 0;
          sel.args.push(t);
        } while (depth > 0 && at.i < tokens.length);
      } else if (tokens[at.i] === "@") at.i += 2; // a directive's name; its arguments come next
      else break;
    }
    if (tokens[at.i] === "{") sel.children = parseSelections(tokens, at);
    out.push(sel);
  }
  at.i++; // "}"
  return out;
}

/** The `first`/`last` a field asks for, literal or from a variable. */
function pageSize(args: string[], vars: Vars): number | undefined {
  for (let i = 0; i + 2 < args.length; i++) {
    const key = args[i];
    if ((key === "first" || key === "last") && args[i + 1] === ":") {
      const raw = args[i + 2] ?? "";
      const n = raw.startsWith("$") ? Number(vars[raw.slice(1)]) : Number(raw);
      return Number.isFinite(n) ? n : undefined;
    }
  }
  return undefined;
}

/** How a document weighs on GitHub: its rate-limit cost and the nodes it may return. */
export interface DocumentWeight {
  /** 1 point per 100 connection requests, at least 1. */
  cost: number;
  /** Every connection's `first`/`last` times the nodes that could hold it, summed. */
  nodes: number;
}

/** GitHub's published ceiling on the nodes one document may request. */
export const NODE_LIMIT = 500_000;

export function queryWeight(query: string, vars: Vars = {}): DocumentWeight {
  const tokens = query.replace(/#[^\n]*/g, "").match(TOKEN) ?? [];
  const operations: Selection[][] = [];
  const fragments = new Map<string, Selection[]>();
  for (const at = { i: 0 }; at.i < tokens.length; ) {
    if (tokens[at.i] === "fragment") {
      const name = tokens[at.i + 1] ?? "";
      while (at.i < tokens.length && tokens[at.i] !== "{") at.i++;
      fragments.set(name, parseSelections(tokens, at));
    } else if (tokens[at.i] === "{") operations.push(parseSelections(tokens, at));
    else at.i++;
  }
  let requests = 0;
  let nodes = 0;
  const walk = (set: Selection[], parents: number, depth: number): void => {
    if (depth > 50) return; // a fragment cycle; GitHub would reject the document anyway
    for (const sel of set) {
      if (sel.spread !== undefined) {
        walk(fragments.get(sel.spread) ?? [], parents, depth + 1);
        continue;
      }
      const size = pageSize(sel.args, vars);
      if (size !== undefined) {
        requests += parents;
        nodes += parents * size;
      }
      walk(sel.children, parents * (size ?? 1), depth + 1);
    }
  };
  for (const op of operations) walk(op, 1, 0);
  return { cost: Math.max(1, Math.round(requests / 100)), nodes };
}

/** GitHub's rate-limit cost of a document: 1 point per 100 connection requests, at least 1. */
export function queryCost(query: string, vars: Vars = {}): number {
  return queryWeight(query, vars).cost;
}

/** The answer to one document: GitHub's JSON, `data` and/or `errors`. */
export function answerGraphql(state: FakeGitHubState, query: string, vars: Vars): { data?: Json | null; errors?: GqlError[] } {
  const schema = githubSchema();
  let document;
  try {
    document = parse(query);
  } catch (e) {
    return { errors: [{ message: (e as GraphQLError).message, ...((e as GraphQLError).locations ? { locations: (e as GraphQLError).locations! } : {}) }] };
  }
  const invalid = validate(schema, document);
  if (invalid.length) return { errors: invalid.map((e) => ({ message: e.message, ...(e.locations ? { locations: e.locations } : {}) })) };
  // As GitHub does, before anything runs: a document that could return too many nodes is refused whole.
  const weight = queryWeight(query, vars);
  if (weight.nodes > NODE_LIMIT) {
    return { errors: [{ type: "MAX_NODE_LIMIT_EXCEEDED", message: `This query requests up to ${weight.nodes.toLocaleString("en-US")} possible nodes which exceeds the maximum limit of ${NODE_LIMIT.toLocaleString("en-US")}.` }] };
  }

  const newestFor = (repo: string, branch: unknown, states: unknown) =>
    state.prs
      .filter((p) => p.repo === repo && p.head === branch && (!Array.isArray(states) || states.includes(p.state)))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.number - a.number);
  const repository = (args: { owner: string; name: string }) => {
    const repo = `${args.owner}/${args.name}`;
    return {
      nameWithOwner: repo,
      pullRequests: (a: { headRefName?: string; first?: number; last?: number; states?: string[] }) => {
        const all = newestFor(repo, a.headRefName, a.states);
        return { totalCount: all.length, nodes: all.slice(0, a.first ?? a.last ?? PAGE).map((p) => prNode(state, p)) };
      },
      pullRequest: (a: { number: number }) => {
        const pr = state.prs.find((p) => p.repo === repo && p.number === a.number);
        if (!pr) throw new TypedError("NOT_FOUND", `Could not resolve to a PullRequest with the number of ${a.number}.`);
        return prNode(state, pr);
      },
    };
  };
  const rootValue = {
    repository,
    rateLimit: () => ({
      cost: weight.cost,
      remaining: state.rateRemaining,
      resetAt: new Date(state.rateResetAt * 1000).toISOString(),
      limit: state.rateLimit,
      used: state.rateLimit - state.rateRemaining,
      nodeCount: weight.nodes,
    }),
  };
  const result = execute({ schema, document, rootValue, variableValues: vars }) as { data?: Json | null; errors?: readonly GraphQLError[] };
  if (result instanceof Promise) throw new Error("fake GitHub: resolvers must be synchronous");
  const errors = result.errors?.map((e) => {
    const type = e.originalError instanceof TypedError ? e.originalError.type : undefined;
    return { ...(type ? { type } : {}), ...(e.path ? { path: e.path } : {}), message: e.message, ...(e.locations ? { locations: e.locations } : {}) };
  });
  return errors?.length ? { data: result.data ?? null, errors } : { data: result.data ?? null };
}
