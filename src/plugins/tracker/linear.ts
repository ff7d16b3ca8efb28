import { fetchWithDeadline, isTimeout, NETWORK_TIMEOUT_MS } from "../deadline.js";
import { IssueNotFoundError, type TrackerIssue, type TrackerPlugin } from "../types.js";

export interface LinearTrackerOptions {
  /** A Linear personal API key (`LINEAR_API_KEY`); sent as the Authorization header as is. */
  apiKey: string;
  /** GraphQL endpoint; default https://api.linear.app/graphql. */
  url?: string;
  /** For the whole request, answer included; NETWORK_TIMEOUT_MS unless given. */
  timeoutMs?: number;
}

const ISSUE = `query AoIssue($id: String!) {
  issue(id: $id) { identifier title url description state { type } labels { nodes { name } } }
}`;

/** The open issues assigned to the key's owner: Linear keeps issues by team, not by repository. */
const MY_OPEN_ISSUES = `query AoMyIssues($first: Int!) {
  viewer { assignedIssues(first: $first, filter: { state: { type: { nin: ["completed", "canceled"] } } }) { nodes { identifier title } } }
}`;

interface IssueData {
  issue: { identifier: string; title: string; url: string; description: string | null; state: { type: string } | null; labels: { nodes: Array<{ name: string }> } } | null;
}

interface ListData {
  viewer: { assignedIssues: { nodes: Array<{ identifier: string; title: string }> } } | null;
}

/** Issues from Linear, by identifier (`ENG-123`). Completed and canceled issues are closed. */
export class LinearTracker implements TrackerPlugin {
  readonly name = "linear";

  constructor(private readonly opts: LinearTrackerOptions) {}

  /** An error whose message never holds the key (an answer may echo what was sent). */
  private error(message: string): Error {
    return new Error(message.split(this.opts.apiKey).join("***"));
  }

  /** One GraphQL exchange within the deadline; errors name `what` and never hold the key. */
  private async ask<T>(what: string, query: string, variables: Record<string, unknown>): Promise<T | null | undefined> {
    const fail = (why: string) => this.error(`${what}: ${why}`);
    const timeoutMs = this.opts.timeoutMs ?? NETWORK_TIMEOUT_MS;
    const late = () => fail(`no answer within ${timeoutMs / 1000} s`);
    // One deadline for the exchange: it also ends a body that starts and never finishes.
    const timed = fetchWithDeadline(timeoutMs);
    let res: Response;
    try {
      res = await timed(this.opts.url ?? "https://api.linear.app/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: this.opts.apiKey },
        body: JSON.stringify({ query, variables }),
      });
    } catch (e) {
      if (isTimeout(e)) throw late();
      throw fail(`cannot reach Linear (${e instanceof Error ? e.message : String(e)})`);
    }
    let answer: { data?: T | null; errors?: Array<{ message: string }> };
    try {
      answer = (await res.json()) as typeof answer;
    } catch (e) {
      if (isTimeout(e)) throw late();
      throw fail(`unexpected answer (HTTP ${res.status})`);
    }
    if (answer.errors?.length) {
      const error = fail(`${answer.errors.map((e) => e.message).join("; ")} (HTTP ${res.status})`);
      // Linear answers an id it has no issue for with "Entity not found: Issue": bad input, as
      // GitHub's 404 is, not a failure to reach it.
      throw answer.errors.every((e) => /^Entity not found\b/.test(e.message)) ? new IssueNotFoundError(error.message) : error;
    }
    if (!res.ok) throw fail(`HTTP ${res.status}`);
    return answer.data;
  }

  async getIssue(_repo: string, id: string): Promise<TrackerIssue> {
    const issue = (await this.ask<IssueData>(`Linear issue ${id}`, ISSUE, { id }))?.issue;
    if (!issue) throw new IssueNotFoundError(this.error(`Linear issue ${id}: not found`).message);
    const type = issue.state?.type;
    return {
      id: issue.identifier,
      title: issue.title,
      state: type === "completed" || type === "canceled" ? "closed" : "open",
      labels: issue.labels.nodes.map((l) => l.name),
      url: issue.url,
      body: issue.description ?? "",
    };
  }

  /** The open issues assigned to you (the first 100), for the new-session picker. */
  async listIssues(): Promise<Array<{ id: string; title: string }>> {
    const viewer = (await this.ask<ListData>("Linear issues assigned to you", MY_OPEN_ISSUES, { first: 100 }))?.viewer;
    if (!viewer) throw new Error("Linear issues assigned to you: unexpected answer");
    return viewer.assignedIssues.nodes.map((i) => ({ id: i.identifier, title: i.title }));
  }
}

/** The Linear tracker with the key from `LINEAR_API_KEY`; throws when it is not set. */
export function createLinearTracker(env: NodeJS.ProcessEnv, url?: string): LinearTracker {
  const apiKey = env.LINEAR_API_KEY?.trim();
  if (!apiKey) throw new Error("Linear: LINEAR_API_KEY is not set (create a personal API key in Linear's settings)");
  return new LinearTracker({ apiKey, ...(url ? { url } : {}) });
}
