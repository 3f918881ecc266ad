import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The part every provider fake shares: a real HTTP server on 127.0.0.1 (port 0), a log of every request,
 * and scripted trouble — the next requests answer an error status with given headers, or are acted on
 * and then answered only after a delay (a client timeout after the remote did the work).
 */

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  /** The status answered, or "hung" while a scripted delay holds the answer back. */
  status: number | "hung";
}

export interface FakeReply {
  status: number;
  headers?: Record<string, string>;
  /** Serialised as JSON (a string is sent as is). */
  body?: unknown;
}

export interface Trouble {
  /** Answer this status instead of acting on the request. */
  status?: number;
  headers?: Record<string, string>;
  /** The body to answer; by default the provider's own error body for the status. */
  body?: unknown;
  /**
   * Hold the answer back this long. The request is acted on first (the post exists) unless `act` is
   * false; the client is expected to give up before the answer comes.
   */
  hangMs?: number;
  act?: boolean;
  /** How many matching requests get this trouble (default 1). */
  times?: number;
  /** Let this many matching requests through first. */
  skip?: number;
  /** Only requests whose method and path match, e.g. "POST /2/tweets" or a RegExp on "METHOD /path". */
  match?: string | RegExp;
}

export interface FakeOptions {
  /** Act on one request (after trouble was checked). */
  handle(request: FakeRequest): FakeReply | Promise<FakeReply>;
  /** The provider's error body for a scripted status. */
  errorBody(status: number): unknown;
  /** Headers the provider adds to every answer (rate-limit counters). */
  commonHeaders?(request: FakeRequest): Record<string, string>;
}

export class FakeHttpServer {
  readonly requests: FakeRequest[] = [];
  private troubles: (Trouble & { times: number; skip: number })[] = [];
  private timers = new Set<NodeJS.Timeout>();
  private server = createServer((req, res) => {
    this.onRequest(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "text/plain" });
        res.end(`fake failed: ${String(error)}`);
      }
    });
  });
  url = "";

  constructor(private readonly options: FakeOptions) {}

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return this;
  }

  trouble(trouble: Trouble): this {
    this.troubles.push({ ...trouble, times: trouble.times ?? 1, skip: trouble.skip ?? 0 });
    return this;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private takeTrouble(request: FakeRequest): Trouble | null {
    const line = `${request.method} ${request.path}`;
    for (const trouble of this.troubles) {
      const { match } = trouble;
      const matches = !match || (typeof match === "string" ? line.startsWith(match) : match.test(line));
      if (!matches) continue;
      if (trouble.skip > 0) {
        trouble.skip--;
        return null;
      }
      trouble.times--;
      if (trouble.times <= 0) this.troubles.splice(this.troubles.indexOf(trouble), 1);
      return trouble;
    }
    return null;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const request: FakeRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString("utf8"),
      status: "hung",
    };
    this.requests.push(request);
    const trouble = this.takeTrouble(request);
    let reply: FakeReply | null = null;
    if (trouble?.status) {
      reply = { status: trouble.status, headers: trouble.headers, body: trouble.body };
      reply.body ??= this.options.errorBody(trouble.status);
    } else if (!trouble?.hangMs || trouble.act !== false) {
      reply = await this.options.handle(request);
    }
    const answer = () => {
      const final = reply ?? { status: 504, body: this.options.errorBody(504) };
      request.status = final.status;
      if (res.destroyed) return;
      const body = typeof final.body === "string" ? final.body : JSON.stringify(final.body ?? {});
      res.writeHead(final.status, {
        "content-type": "application/json; charset=utf-8",
        ...this.options.commonHeaders?.(request),
        ...final.headers,
      });
      res.end(body);
    };
    if (trouble?.hangMs) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        answer();
      }, trouble.hangMs);
      this.timers.add(timer);
      return;
    }
    answer();
  }
}

/** A JSON or form body as a plain object (form fields as strings); null when it is neither. */
export function parseBody(request: FakeRequest): Record<string, unknown> | null {
  const type = String(request.headers["content-type"] ?? "");
  if (type.includes("application/x-www-form-urlencoded")) {
    return Object.fromEntries(new URLSearchParams(request.body));
  }
  if (!request.body) return {};
  try {
    const parsed: unknown = JSON.parse(request.body);
    return parsed && typeof parsed === "object" && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** The token of an `Authorization: Bearer …` header. */
export function bearer(request: FakeRequest): string | null {
  const match = String(request.headers.authorization ?? "").match(/^Bearer\s+(.+)$/i);
  return match ? match[1].trim() : null;
}

/** A fixed-window request counter, as the providers' rate limiters keep per account. */
export class RateWindow {
  private used = 0;
  private resetAt = 0;
  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}
  /** Count one request; false when the window is used up. */
  take(now = Date.now()): boolean {
    if (now >= this.resetAt) {
      this.used = 0;
      this.resetAt = now + this.windowMs;
    }
    if (this.used >= this.limit) return false;
    this.used++;
    return true;
  }
  get remaining(): number {
    return Math.max(0, this.limit - this.used);
  }
  get reset(): number {
    return this.resetAt;
  }
}
