import { execFileSync } from "node:child_process";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { httpFetch } from "../../src/plugins/scm/http-fetch.js";
import { ROOT } from "../helpers/ao.js";

const servers: Server[] = [];
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** A local server on a random port that records what it was sent. */
async function server(handle: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const s = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      handle(req, res, body);
    });
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, seen };
}

describe("httpFetch: the fetch octokit gets", () => {
  it("sends method, headers and body, and answers with status, lower-case headers and text", async () => {
    const srv = await server((_req, res, body) => {
      res.writeHead(201, { "Content-Type": "application/json", "X-RateLimit-Remaining": "42" });
      res.end(JSON.stringify({ echo: body }));
    });
    const f = httpFetch({ timeoutMs: 5000 });
    const res = await f(`${srv.url}/api/graphql`, { method: "POST", headers: { Authorization: "token t", "content-type": "application/json" }, body: '{"query":"{ x }"}' });
    expect(res.status).toBe(201);
    expect(res.url).toBe(`${srv.url}/api/graphql`);
    expect(res.headers.get("Content-Type")).toBe("application/json");
    expect(Object.fromEntries(res.headers)).toMatchObject({ "x-ratelimit-remaining": "42" });
    expect(await res.json()).toEqual({ echo: '{"query":"{ x }"}' });
    expect(srv.seen[0]).toMatchObject({ method: "POST", url: "/api/graphql", body: '{"query":"{ x }"}' });
    expect(srv.seen[0]!.headers.authorization).toBe("token t");
  });

  it("follows redirects, and never carries the token to another origin", async () => {
    const storage = await server((_req, res) => res.end("log line"));
    const api = await server((req, res) => {
      if (req.url === "/same") return res.writeHead(302, { location: "/other" }).end();
      if (req.url === "/other") return res.writeHead(302, { location: `${storage.url}/blob.txt` }).end();
      res.writeHead(404).end();
    });
    const res = await httpFetch({ timeoutMs: 5000 })(`${api.url}/same`, { headers: { authorization: "token secret", cookie: "c=1" } });
    expect(await res.text()).toBe("log line");
    expect(res.url).toBe(`${storage.url}/blob.txt`);
    expect(api.seen.map((s) => s.headers.authorization)).toEqual(["token secret", "token secret"]);
    expect(storage.seen[0]!.headers.authorization).toBeUndefined();
    expect(storage.seen[0]!.headers.cookie).toBeUndefined();
  });

  it("gives up at its deadline with a TimeoutError when the server never answers", async () => {
    const hang = await server(() => {});
    const err = await httpFetch({ timeoutMs: 300 })(`${hang.url}/slow`).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe("TimeoutError");
  });

  it("honours the caller's abort signal", async () => {
    const hang = await server(() => {});
    const ctl = new AbortController();
    const pending = httpFetch({ timeoutMs: 60_000 })(`${hang.url}/slow`, { signal: ctl.signal });
    ctl.abort(new Error("stop"));
    await expect(pending).rejects.toThrow("stop");
  });

  it("offers a JSON answer parsed by the native parser as its body, and anything else as text", async () => {
    const { url } = await server((req, res) => {
      const type = req.url === "/json" || req.url === "/bad" ? "application/json; charset=utf-8" : "text/plain";
      res.writeHead(200, { "content-type": type });
      res.end(req.url === "/bad" ? "{not json" : req.url === "/json" ? '{"data":{"n":9007199254740993}}' : "plain");
    });
    const fetch = httpFetch({ timeoutMs: 5000 });
    // The native parser: a number past 2^53 is a number (octokit's own parser makes it a BigInt).
    expect((await fetch(`${url}/json`)).body).toEqual({ data: { n: 9007199254740992 } });
    expect((await fetch(`${url}/bad`)).body).toBe("{not json");
    expect((await fetch(`${url}/text`)).body).toBe("plain");
  });

  it("decodes a compressed answer", async () => {
    const srv = await server((_req, res) => res.writeHead(200, { "content-encoding": "gzip", "content-type": "text/plain" }).end(gzipSync("zipped")));
    expect(await (await httpFetch({ timeoutMs: 5000 })(srv.url)).text()).toBe("zipped");
  });

  it("keeps `ao status` off Node's fetch: a refresh through octokit never loads undici", () => {
    // Loading undici and compiling its WebAssembly parser was ~300 ms of every status run.
    const script = `
      const { startFakeGitHub } = await import(${JSON.stringify(path.join(ROOT, "dist/demo/fake-github.js"))});
      const { GitHubScm } = await import(${JSON.stringify(path.join(ROOT, "dist/src/plugins/scm/github.js"))});
      const gh = await startFakeGitHub({ token: "t0ken" });
      const n = gh.state.openPr({ repo: "org/app", branch: "ao/fe-1" });
      const scm = new GitHubScm({ token: "t0ken", baseUrl: gh.baseUrl });
      const { prs } = await scm.fetchPrs("org/app", [{ id: "fe-1", branch: "ao/fe-1" }]);
      await gh.close();
      console.log(JSON.stringify({ number: prs.get("fe-1")?.number === n, undici: process.moduleLoadList.some((m) => m.includes("undici")) }));`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 60_000 });
    expect(JSON.parse(out)).toEqual({ number: true, undici: false });
  });
});
