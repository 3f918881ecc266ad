import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The shared shell of every HTTP stand-in: a real server on 127.0.0.1 (port 0) that records each
 * request, hands it to the provider's handler, and can be told to misbehave for the next N requests.
 * Each provider fake renders trouble the way that provider does (its status codes and error bodies).
 */

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FakeReply {
  status: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as it is. */
  body?: string | object;
}

/**
 * - `unavailable`: the provider's 503, nothing done;
 * - `rateLimited`: the provider's rate-limit answer with `Retry-After`, nothing done;
 * - `unauthorized`: the provider's "credentials refused", nothing done;
 * - `hang`: the request is handled (the remote acted on it) but no answer ever comes back;
 * - `reply`: a given answer, nothing done;
 * - `pass`: no trouble for this one (to reach a later request in a sequence).
 */
export type Trouble =
  | { kind: "pass" }
  | { kind: "unavailable" }
  | { kind: "rateLimited"; retryAfterSeconds: number }
  | { kind: "unauthorized" }
  | { kind: "hang" }
  | { kind: "reply"; reply: FakeReply };

export type TroubleRenderer = (
  trouble: Exclude<Trouble, { kind: "hang" | "pass" }>,
  request: FakeRequest,
) => FakeReply;

export class HttpFake {
  readonly requests: FakeRequest[] = [];
  /** Requests answered with scripted trouble (or left hanging). */
  troubled = 0;
  private readonly scripted: Trouble[] = [];
  private server: Server | null = null;
  private base = "";

  constructor(
    private readonly handle: (request: FakeRequest) => FakeReply,
    private readonly renderTrouble: TroubleRenderer,
  ) {}

  get url(): string {
    if (!this.base) throw new Error("The fake is not started");
    return this.base;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const url = new URL(req.url ?? "/", "http://127.0.0.1");
        const request: FakeRequest = {
          method: req.method ?? "GET",
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        };
        this.requests.push(request);
        const next = this.scripted.shift();
        const trouble = next?.kind === "pass" ? undefined : next;
        let reply: FakeReply;
        if (trouble?.kind === "hang") {
          this.troubled++;
          this.handle(request);
          return; // the socket stays open until the client gives up or the fake closes
        }
        if (trouble) {
          this.troubled++;
          reply = this.renderTrouble(trouble, request);
        } else {
          reply = this.handle(request);
        }
        const json = typeof reply.body === "object";
        const body = json ? JSON.stringify(reply.body) : (reply.body ?? "");
        res.writeHead(reply.status, {
          ...(body ? { "content-type": json ? "application/json; charset=utf-8" : "text/plain" } : {}),
          ...reply.headers,
        });
        res.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.server = server;
    this.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  /** Misbehave for the next `times` requests, in order, after whatever is already scripted. */
  trouble(trouble: Trouble, times = 1): void {
    for (let i = 0; i < times; i++) this.scripted.push(trouble);
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export function header(request: FakeRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** `user:password` of an HTTP Basic Authorization header, or null. */
export function basicAuth(request: FakeRequest): { user: string; password: string } | null {
  const match = /^Basic\s+(.+)$/i.exec(header(request, "authorization") ?? "");
  if (!match) return null;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
