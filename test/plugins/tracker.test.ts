import { createServer } from "node:http";
import type { IncomingHttpHeaders, Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGitHub } from "../../demo/fake-github.js";
import type { FakeGitHub } from "../../demo/fake-github.js";
import { GitHubTracker } from "../../src/plugins/tracker/github.js";
import { IssueNotFoundError } from "../../src/plugins/types.js";
import { createLinearTracker, LinearTracker } from "../../src/plugins/tracker/linear.js";

describe("GitHub issues", () => {
  const TOKEN = "ghp_trackerToken0123456789abcdefgh";
  let gh: FakeGitHub;
  let tracker: GitHubTracker;
  beforeAll(async () => {
    gh = await startFakeGitHub({ token: TOKEN });
    tracker = new GitHubTracker({ token: TOKEN, baseUrl: gh.baseUrl });
  });
  afterAll(() => gh.close());

  it("reads title, state, labels, url and body", async () => {
    gh.state.addIssue({ repo: "org/app", number: 123, title: "Dark mode", body: "Add a toggle.\n", labels: ["ui", "good first issue"], state: "open" });
    expect(await tracker.getIssue("org/app", "#123")).toEqual({
      id: "123",
      title: "Dark mode",
      state: "open",
      labels: ["ui", "good first issue"],
      url: `${gh.url}/org/app/issues/123`,
      body: "Add a toggle.\n",
    });
    gh.state.closeIssue("org/app", 123);
    expect((await tracker.getIssue("org/app", "123")).state).toBe("closed");
  });

  it("lists open issues newest first, without pull requests or closed issues", async () => {
    gh.state.addIssue({ repo: "org/list", number: 1, title: "Old bug" });
    gh.state.addIssue({ repo: "org/list", number: 3, title: "New feature" });
    gh.state.addIssue({ repo: "org/list", number: 4, title: "Done", state: "closed" });
    gh.state.openPr({ repo: "org/list", branch: "feat/x", title: "A PR" });
    expect(await tracker.listIssues("org/list")).toEqual([
      { id: "3", title: "New feature" },
      { id: "1", title: "Old bug" },
    ]);
  });

  it("says clearly when an issue cannot be read, without the token", async () => {
    await expect(tracker.getIssue("org/app", "999")).rejects.toThrow("GitHub issue org/app#999: not found (HTTP 404)");
    await expect(tracker.getIssue("org/app", "abc")).rejects.toThrow(/not an issue number/);
    gh.state.failNext(1, 500, {}, `upstream saw ${TOKEN}`);
    const e = (await tracker.getIssue("org/app", "123").catch((err: unknown) => err)) as Error;
    expect(e.message).toContain("HTTP 500");
    expect(e.message).not.toContain(TOKEN);
  });

  it("says both things a 404 can mean: no such issue, or a private repository the asker cannot see", async () => {
    const e = (await tracker.getIssue("org/app", "999").catch((err: unknown) => err)) as Error;
    expect(e).toBeInstanceOf(IssueNotFoundError);
    expect(e.message).toBe("GitHub issue org/app#999: not found (HTTP 404): either there is no issue 999 in org/app, or org/app is private and the GitHub token ao uses has no access to it");
    // Anonymous: there is no token to blame, and the way to give one is said.
    const open = await startFakeGitHub();
    try {
      const anon = (await new GitHubTracker({ token: null, baseUrl: open.baseUrl }).getIssue("org/secret", "7").catch((err: unknown) => err)) as Error;
      expect(anon).toBeInstanceOf(IssueNotFoundError);
      expect(anon.message).toBe("GitHub issue org/secret#7: not found (HTTP 404): either there is no issue 7 in org/secret, or org/secret is private and ao has no GitHub token (set GITHUB_TOKEN, or run gh auth login)");
    } finally {
      await open.close();
    }
    // Anything else is a failure to read, not an answer that the issue is missing.
    gh.state.failNext(1, 500, {}, "boom");
    expect(await tracker.getIssue("org/app", "999").catch((err: unknown) => err)).not.toBeInstanceOf(IssueNotFoundError);
  });
});

describe("Linear", () => {
  let server: Server;
  let url: string;
  const seen: Array<{ headers: IncomingHttpHeaders; body: { query: string; variables: { id: string } } }> = [];
  const issues: Record<string, unknown> = {
    "ENG-123": { identifier: "ENG-123", title: "Fix login", url: "https://linear.app/acme/issue/ENG-123", description: "It breaks.", state: { type: "completed" }, labels: { nodes: [{ name: "bug" }] } },
    "ENG-7": { identifier: "ENG-7", title: "Plan", url: "https://linear.app/acme/issue/ENG-7", description: null, state: { type: "started" }, labels: { nodes: [] } },
    "ENG-8": { identifier: "ENG-8", title: "Dropped", url: "https://linear.app/acme/issue/ENG-8", description: "", state: { type: "canceled" }, labels: { nodes: [] } },
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let text = "";
      req.on("data", (c: Buffer) => (text += c.toString()));
      req.on("end", () => {
        const body = JSON.parse(text) as { query: string; variables: { id: string } };
        seen.push({ headers: req.headers, body });
        res.setHeader("content-type", "application/json");
        if (req.headers.authorization !== "lin_api_test") {
          res.writeHead(400).end(JSON.stringify({ errors: [{ message: "Authentication required, not authenticated" }] }));
          return;
        }
        if (body.query.includes("assignedIssues")) {
          // Assigned to the key's owner: ENG-7, ENG-8 and ENG-123; the query's filter on the state's type applies.
          const open = body.query.includes('state: { type: { nin: ["completed", "canceled"] } }');
          const mine = ["ENG-123", "ENG-7", "ENG-8"].map((id) => issues[id] as { identifier: string; title: string; state: { type: string } });
          const nodes = mine.filter((i) => !open || !["completed", "canceled"].includes(i.state.type)).slice(0, (body.variables as unknown as { first: number }).first);
          res.end(JSON.stringify({ data: { viewer: { assignedIssues: { nodes: nodes.map(({ identifier, title }) => ({ identifier, title })) } } } }));
          return;
        }
        const issue = issues[body.variables.id];
        res.end(JSON.stringify(issue ? { data: { issue } } : { data: null, errors: [{ message: "Entity not found: Issue" }] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("sends the API key and maps the issue; completed and canceled are closed", async () => {
    const linear = createLinearTracker({ LINEAR_API_KEY: "lin_api_test" }, url);
    expect(await linear.getIssue("", "ENG-123")).toEqual({
      id: "ENG-123",
      title: "Fix login",
      state: "closed",
      labels: ["bug"],
      url: "https://linear.app/acme/issue/ENG-123",
      body: "It breaks.",
    });
    const last = seen.at(-1);
    expect(last?.headers.authorization).toBe("lin_api_test");
    expect(last?.body.variables).toEqual({ id: "ENG-123" });
    expect(last?.body.query).toMatch(/issue\(id: \$id\)/);
    expect((await linear.getIssue("", "ENG-7")).state).toBe("open");
    expect(await linear.getIssue("", "ENG-7")).toMatchObject({ body: "" });
    expect((await linear.getIssue("", "ENG-8")).state).toBe("closed");
  });

  it("lists the open issues assigned to you for the new-session picker", async () => {
    const linear = createLinearTracker({ LINEAR_API_KEY: "lin_api_test" }, url);
    expect(await linear.listIssues()).toEqual([{ id: "ENG-7", title: "Plan" }]);
    expect(seen.at(-1)?.body.variables).toEqual({ first: 100 });
    await expect(new LinearTracker({ apiKey: "lin_api_wrong", url }).listIssues()).rejects.toThrow(/^Linear issues assigned to you: Authentication required.*HTTP 400/);
  });

  it("errors say what failed", async () => {
    await expect(new LinearTracker({ apiKey: "lin_api_test", url }).getIssue("", "ENG-404")).rejects.toThrow("Linear issue ENG-404: Entity not found: Issue");
    // No such issue is bad input (ao spawn exits 2), as GitHub's 404 is; a wrong key is not.
    await expect(new LinearTracker({ apiKey: "lin_api_test", url }).getIssue("", "ENG-404")).rejects.toBeInstanceOf(IssueNotFoundError);
    await expect(new LinearTracker({ apiKey: "lin_api_wrong", url }).getIssue("", "ENG-123")).rejects.not.toBeInstanceOf(IssueNotFoundError);
    await expect(new LinearTracker({ apiKey: "lin_api_wrong", url }).getIssue("", "ENG-123")).rejects.toThrow(/Authentication required.*HTTP 400/);
    expect(() => createLinearTracker({})).toThrow(/LINEAR_API_KEY/);
  });
});
