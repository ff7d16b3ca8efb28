import type { Agent, IncomingMessage, OutgoingHttpHeaders } from "node:http";

/**
 * The part of `fetch` octokit uses, over node:http and node:https.
 *
 * Why not the global fetch: Node 20's fetch is undici, whose first request compiles a WebAssembly
 * HTTP parser (~300 ms here), and even touching its Headers or Response classes loads the whole
 * of it; `ao status` paid that on every run. node:https speaks TLS as the rest of node does (the
 * system's CAs plus NODE_EXTRA_CA_CERTS, certificates always verified). Like Node 20's own fetch,
 * it uses no proxy.
 */
export interface HttpFetchOptions {
  /** The whole exchange (connect, headers, body, redirects) must end within this. */
  timeoutMs: number;
  maxRedirects?: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Response headers as fetch shows them: lower-case names, iterable as [name, value]. */
class ResponseHeaders {
  constructor(private readonly map: Map<string, string>) {}
  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }
  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.map.entries();
  }
}

export interface HttpResponse {
  status: number;
  statusText: string;
  url: string;
  ok: boolean;
  redirected: boolean;
  headers: ResponseHeaders;
  /**
   * What octokit hands back as `data` when asked not to parse (`request: { parseSuccessResponseBody:
   * false }`): a JSON answer parsed by the native JSON.parse, else the text. Octokit 22 parses
   * with json-with-bigint, in JavaScript with a reviver for every value: ~60 ms of CPU for the
   * 200 KB answer of a 500-session PR refresh on Node 20, every 30 s in the dashboard.
   */
  readonly body: unknown;
  text(): Promise<string>;
  json(): Promise<unknown>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

function timeoutError(ms: number): Error {
  const e = new Error(`no answer within ${ms / 1000} s`);
  e.name = "TimeoutError";
  return e;
}

function headersOf(res: IncomingMessage): Map<string, string> {
  const map = new Map<string, string>();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined) map.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  return map;
}

async function decode(body: Buffer, encoding: string | undefined): Promise<Buffer> {
  if (!encoding || encoding === "identity") return body;
  const zlib = await import("node:zlib");
  if (encoding === "gzip" || encoding === "x-gzip") return zlib.gunzipSync(body);
  if (encoding === "deflate") return zlib.inflateSync(body);
  if (encoding === "br") return zlib.brotliDecompressSync(body);
  throw new TypeError(`unsupported content-encoding ${encoding}`);
}

function bodyOf(body: unknown): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string" || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError("request body must be a string or bytes");
}

interface Sent {
  res: IncomingMessage;
  body: Buffer;
}

function send(agent: Agent, url: URL, method: string, headers: OutgoingHttpHeaders, body: string | Uint8Array | undefined, signal: AbortSignal): Promise<Sent> {
  return new Promise((resolve, reject) => {
    void (url.protocol === "https:" ? import("node:https") : import("node:http")).then((mod) => {
      if (signal.aborted) return reject(signal.reason as Error);
      const req = mod.request(url, { method, headers, agent });
      const abort = () => req.destroy(signal.reason as Error);
      signal.addEventListener("abort", abort, { once: true });
      req.on("error", (e) => {
        signal.removeEventListener("abort", abort);
        reject(e);
      });
      req.on("response", (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("aborted", () => reject(signal.aborted ? (signal.reason as Error) : new Error("connection closed before the answer ended")));
        res.on("end", () => {
          signal.removeEventListener("abort", abort);
          resolve({ res, body: Buffer.concat(chunks) });
        });
      });
      req.end(body);
    }, reject);
  });
}

/** A fetch for octokit (`request: { fetch }`) with a deadline on every call. */
export function httpFetch(opts: HttpFetchOptions): (input: string | URL, init?: RequestInit) => Promise<HttpResponse> {
  const maxRedirects = opts.maxRedirects ?? 10;
  // Keep-alive: the GraphQL chunks of one refresh reuse a connection (and its TLS handshake).
  // Idle sockets are unref'd by node, so they never hold a finished command open.
  const agents = new Map<string, Agent>();
  const agentFor = async (url: URL): Promise<Agent> => {
    let agent = agents.get(url.protocol);
    if (!agent) {
      agent = url.protocol === "https:" ? new (await import("node:https")).Agent({ keepAlive: true }) : new (await import("node:http")).Agent({ keepAlive: true });
      agents.set(url.protocol, agent);
    }
    return agent;
  };

  return async (input, init = {}) => {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(timeoutError(opts.timeoutMs)), opts.timeoutMs);
    const outer = init.signal;
    const follow = () => deadline.abort(outer?.reason);
    if (outer?.aborted) follow();
    else outer?.addEventListener("abort", follow, { once: true });
    const signal = deadline.signal;
    let url = new URL(String(input));
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new TypeError(`fetch: unsupported protocol ${url.protocol}`);
    let method = (init.method ?? "GET").toUpperCase();
    let body = bodyOf(init.body);
    const headers: OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries((init.headers ?? {}) as Record<string, string>)) headers[k.toLowerCase()] = v;
    try {
      for (let hops = 0; ; hops++) {
        const { res, body: raw } = await send(await agentFor(url), url, method, headers, body, signal);
        const status = res.statusCode ?? 0;
        const location = res.headers.location;
        if (REDIRECTS.has(status) && location && init.redirect !== "manual") {
          if (init.redirect === "error") throw new TypeError(`fetch: redirected to ${location}`);
          if (hops >= maxRedirects) throw new TypeError("fetch: too many redirects");
          const next = new URL(location, url);
          if (next.protocol !== "http:" && next.protocol !== "https:") throw new TypeError(`fetch: redirect to ${next.protocol}`);
          // A credential is for the origin it was meant for, never for wherever a redirect points.
          if (next.origin !== url.origin) {
            delete headers.authorization;
            delete headers.cookie;
          }
          if (status === 303 || ((status === 301 || status === 302) && method === "POST")) {
            method = "GET";
            body = undefined;
            delete headers["content-type"];
            delete headers["content-length"];
          }
          url = next;
          continue;
        }
        const bytes = await decode(raw, res.headers["content-encoding"]);
        const text = () => Promise.resolve(bytes.toString("utf8"));
        const headersSeen = new ResponseHeaders(headersOf(res));
        let parsed: { value: unknown } | undefined;
        const bodyValue = (): unknown => {
          const raw = bytes.toString("utf8");
          if (!/^application\/(.+\+)?json\b/i.test(headersSeen.get("content-type") ?? "")) return raw;
          try {
            return JSON.parse(raw) as unknown;
          } catch {
            return raw; // as octokit does: a body that is not JSON comes back as its text
          }
        };
        return {
          status,
          statusText: res.statusMessage ?? "",
          url: url.href,
          ok: status >= 200 && status < 300,
          redirected: hops > 0,
          headers: headersSeen,
          // Parsed once, when first asked for (octokit asks only when told not to parse).
          get body() {
            return (parsed ??= { value: bodyValue() }).value;
          },
          text,
          json: async () => JSON.parse(await text()) as unknown,
          arrayBuffer: () => Promise.resolve(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer),
        };
      }
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener("abort", follow);
    }
  };
}
