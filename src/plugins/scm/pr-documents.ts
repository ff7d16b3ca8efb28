import type { PrQuery } from "../types.js";

/**
 * PRs read per branch name, newest first: the session's own is usually the newest, but a fork's
 * PR from a branch of the same name, or a newer unrelated one, may sit above it.
 */
export const BRANCH_CANDIDATES = 5;
// Page sizes inside one PR; GitHub allows 1-100 per connection.
const CONTEXTS = 100;
const REVIEWS = 50;
const THREADS = 100;

export const PR_FIELDS = `number url state isDraft mergeable mergeStateStatus reviewDecision
  createdAt headRefOid isCrossRepository headRepository { nameWithOwner }
  commits(last: 1) { nodes { commit { statusCheckRollup { state contexts(first: ${CONTEXTS}) { nodes {
    __typename ... on CheckRun { name conclusion detailsUrl } ... on StatusContext { context state targetUrl } } } } } } }
  latestReviews(first: ${REVIEWS}) { nodes { state author { login } } }
  reviewThreads(first: ${THREADS}) { totalCount nodes { isResolved } pageInfo { hasNextPage endCursor } }`;

/**
 * GitHub refuses a document that could return more than 500,000 nodes: each connection's
 * `first`/`last` times the nodes above that could hold it, summed. One PR's fields may return
 * 1 commit, its 100 contexts, 50 reviews and 100 threads.
 */
export const NODE_LIMIT = 500_000;
const PR_NODES = 1 + 1 * CONTEXTS + REVIEWS + THREADS;
/** A session asked by number reads one PR; by branch, up to BRANCH_CANDIDATES of them. */
export const nodesOf = (q: PrQuery): number => (q.prNumber !== undefined ? PR_NODES : BRANCH_CANDIDATES * (1 + PR_NODES));

/**
 * The sessions of one repository in as few documents as GitHub's node limit allows: one, up to
 * about 400 sessions asked by branch (about 2,000 by number). The cost in rate-limit points is the same
 * however they are split; every extra document is another round trip.
 */
export function splitByNodes(queries: readonly PrQuery[]): PrQuery[][] {
  const out: PrQuery[][] = [];
  let current: PrQuery[] = [];
  let nodes = 0;
  for (const q of queries) {
    const n = nodesOf(q);
    if (current.length && nodes + n > NODE_LIMIT) {
      out.push(current);
      current = [];
      nodes = 0;
    }
    current.push(q);
    nodes += n;
  }
  if (current.length) out.push(current);
  return out;
}

/**
 * One document for a batch of one repository's sessions: an aliased `repository` sub-query per
 * session. Branch names and numbers travel as variables; nothing the user wrote is spliced in.
 */
export function prsDocument(queries: readonly PrQuery[]): { query: string; variables: Record<string, string | number> } {
  const params = ["$owner: String!", "$name: String!"];
  const parts: string[] = [];
  const variables: Record<string, string | number> = {};
  queries.forEach((q, i) => {
    if (q.prNumber !== undefined) {
      params.push(`$n${i}: Int!`);
      variables[`n${i}`] = q.prNumber;
      parts.push(`s${i}: repository(owner: $owner, name: $name) { pullRequest(number: $n${i}) { ...AoPr } }`);
    } else {
      params.push(`$b${i}: String!`);
      variables[`b${i}`] = q.branch;
      parts.push(
        `s${i}: repository(owner: $owner, name: $name) { pullRequests(headRefName: $b${i}, first: ${BRANCH_CANDIDATES}, ` +
          `orderBy: {field: CREATED_AT, direction: DESC}, states: [OPEN, MERGED, CLOSED]) { nodes { ...AoPr } } }`,
      );
    }
  });
  const query = `query AoPrs(${params.join(", ")}) {\n  ${parts.join("\n  ")}\n  rateLimit { cost remaining resetAt }\n}\nfragment AoPr on PullRequest { ${PR_FIELDS} }`;
  return { query, variables };
}
