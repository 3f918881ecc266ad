import { randomBytes } from "node:crypto";
import { type FakeReply, type FakeRequest, HttpFake, header, parseJson, type Trouble } from "./http-fake";

/**
 * Slack's incoming webhooks and the Web API methods Clarion calls.
 * - Incoming webhooks (https://api.slack.com/messaging/webhooks and
 *   https://api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks): `200 ok`;
 *   plain-text errors 400 invalid_payload / no_text, 403 action_prohibited / invalid_token,
 *   404 channel_not_found / no_service, 410 channel_is_archived; 429 with Retry-After.
 * - Web API (https://docs.slack.dev/reference/methods/chat.postMessage, chat.getPermalink, auth.test;
 *   rate limits: https://docs.slack.dev/apis/web-api/rate-limits): bearer token, JSON or form body,
 *   always HTTP 200 with `{ok: true, …}` or `{ok: false, error}`, except 429 + Retry-After.
 */

export interface SlackPost {
  channel: string;
  ts: string;
  text: string;
  blocks?: unknown[];
  thread_ts?: string;
  via: "webhook" | "api";
}

interface Channel {
  id: string;
  name: string;
  archived: boolean;
  botIsMember: boolean;
}

export class SlackFake {
  readonly posts: SlackPost[] = [];
  readonly botToken = `xoxb-${randomBytes(12).toString("hex")}`;
  readonly hookSecret = randomBytes(12).toString("hex");
  readonly channels = new Map<string, Channel>([
    ["C0INCIDENT", { id: "C0INCIDENT", name: "incidents", archived: false, botIsMember: true }],
    ["C0PRIVATE", { id: "C0PRIVATE", name: "leadership", archived: false, botIsMember: false }],
    ["C0OLD", { id: "C0OLD", name: "old-incidents", archived: true, botIsMember: true }],
  ]);
  /** The channel the incoming webhook posts to; `null` once the webhook is removed. */
  hookChannel: string | null = "C0INCIDENT";
  private readonly http: HttpFake;
  private clock = 1_763_632_800;

  constructor() {
    this.http = new HttpFake(
      (request) => this.handle(request),
      (trouble, request) => {
        const api = request.path.startsWith("/api/");
        switch (trouble.kind) {
          case "unavailable":
            return {
              status: 503,
              body: api ? { ok: false, error: "service_unavailable" } : "service_unavailable",
            };
          case "rateLimited":
            return {
              status: 429,
              headers: { "retry-after": String(trouble.retryAfterSeconds) },
              body: api ? { ok: false, error: "ratelimited" } : "rate_limited",
            };
          case "unauthorized":
            return api
              ? { status: 200, body: { ok: false, error: "invalid_auth" } }
              : { status: 403, body: "invalid_token" };
          case "reply":
            return trouble.reply;
        }
      },
    );
  }

  get apiBaseUrl(): string {
    return `${this.http.url}/api`;
  }
  get webhookUrl(): string {
    return `${this.http.url}/services/T0CLARION/B0HOOK/${this.hookSecret}`;
  }
  get requests(): FakeRequest[] {
    return this.http.requests;
  }
  trouble(trouble: Trouble, times = 1): void {
    this.http.trouble(trouble, times);
  }
  /** The next `times` Web API calls answer HTTP 200 `{ok: false, error}` (with headers, if any). */
  apiError(error: string, times = 1, headers?: Record<string, string>): void {
    this.http.trouble({ kind: "reply", reply: { status: 200, headers, body: { ok: false, error } } }, times);
  }
  async start(): Promise<this> {
    await this.http.start();
    return this;
  }
  close(): Promise<void> {
    return this.http.close();
  }

  private nextTs(): string {
    this.clock += 1;
    return `${this.clock}.${String(this.posts.length + 1).padStart(6, "0")}`;
  }

  private handle(request: FakeRequest): FakeReply {
    if (request.path.startsWith("/services/")) return this.webhook(request);
    if (request.path.startsWith("/api/")) return this.api(request);
    return { status: 404, body: "not_found" };
  }

  private webhook(request: FakeRequest): FakeReply {
    if (request.method !== "POST") return { status: 405, body: "invalid_method" };
    if (request.path !== `/services/T0CLARION/B0HOOK/${this.hookSecret}`)
      return { status: 403, body: "invalid_token" };
    if (!this.hookChannel) return { status: 404, body: "no_service" };
    const channel = this.channels.get(this.hookChannel);
    if (!channel) return { status: 404, body: "channel_not_found" };
    if (channel.archived) return { status: 410, body: "channel_is_archived" };
    const body = parseJson(request.body) as { text?: unknown; blocks?: unknown } | undefined;
    if (!body || typeof body !== "object" || !(header(request, "content-type") ?? "").includes("json"))
      return { status: 400, body: "invalid_payload" };
    if (typeof body.text !== "string" && !Array.isArray(body.blocks)) return { status: 400, body: "no_text" };
    if (body.blocks !== undefined && !Array.isArray(body.blocks))
      return { status: 400, body: "invalid_blocks" };
    this.posts.push({
      channel: channel.id,
      ts: this.nextTs(),
      text: String(body.text ?? ""),
      blocks: body.blocks as unknown[] | undefined,
      via: "webhook",
    });
    return { status: 200, headers: { "content-type": "text/html" }, body: "ok" };
  }

  /** Web API arguments come as JSON or form fields; the token in the Authorization header. */
  private api(request: FakeRequest): FakeReply {
    const fail = (error: string): FakeReply => ({ status: 200, body: { ok: false, error } });
    const type = header(request, "content-type") ?? "";
    const args: Record<string, unknown> = type.startsWith("application/json")
      ? ((parseJson(request.body) as Record<string, unknown> | undefined) ?? {})
      : Object.fromEntries(new URLSearchParams(request.body || request.query.toString()));
    if (type.startsWith("application/json") && request.body && parseJson(request.body) === undefined)
      return fail("invalid_json");
    const auth = /^Bearer\s+(\S+)$/.exec(header(request, "authorization") ?? "")?.[1];
    if (!auth) return fail("not_authed");
    if (auth !== this.botToken) return fail("invalid_auth");
    switch (request.path) {
      case "/api/auth.test":
        return {
          status: 200,
          body: {
            ok: true,
            url: "https://clarion-test.slack.com/",
            team: "Clarion Test",
            user: "clarion",
            team_id: "T0CLARION",
            user_id: "U0CLARION",
            bot_id: "B0CLARION",
          },
        };
      case "/api/chat.postMessage":
        return this.postMessage(args, fail);
      case "/api/chat.getPermalink": {
        const post = this.posts.find((p) => p.channel === args.channel && p.ts === args.message_ts);
        if (!this.channels.has(String(args.channel))) return fail("channel_not_found");
        if (!post) return fail("message_not_found");
        const link = `https://clarion-test.slack.com/archives/${post.channel}/p${post.ts.replace(".", "")}`;
        return {
          status: 200,
          body: {
            ok: true,
            channel: post.channel,
            permalink: post.thread_ts ? `${link}?thread_ts=${post.thread_ts}&cid=${post.channel}` : link,
          },
        };
      }
      default:
        return { status: 404, body: { ok: false, error: "unknown_method" } };
    }
  }

  private postMessage(args: Record<string, unknown>, fail: (error: string) => FakeReply): FakeReply {
    const channel = [...this.channels.values()].find(
      (c) => c.id === args.channel || `#${c.name}` === args.channel,
    );
    if (!channel) return fail("channel_not_found");
    if (!channel.botIsMember) return fail("not_in_channel");
    if (channel.archived) return fail("is_archived");
    let blocks = args.blocks;
    if (typeof blocks === "string") blocks = parseJson(blocks);
    if (blocks !== undefined && !Array.isArray(blocks)) return fail("invalid_blocks");
    const text = typeof args.text === "string" ? args.text : "";
    if (!text && !(Array.isArray(blocks) && blocks.length)) return fail("no_text");
    if (text.length > 40_000) return fail("msg_too_long");
    const threadTs = typeof args.thread_ts === "string" ? args.thread_ts : undefined;
    const post: SlackPost = {
      channel: channel.id,
      ts: this.nextTs(),
      text,
      blocks: blocks as unknown[] | undefined,
      ...(threadTs && { thread_ts: threadTs }),
      via: "api",
    };
    this.posts.push(post);
    return {
      status: 200,
      body: {
        ok: true,
        channel: post.channel,
        ts: post.ts,
        message: {
          type: "message",
          user: "U0CLARION",
          bot_id: "B0CLARION",
          text,
          ts: post.ts,
          thread_ts: threadTs,
        },
      },
    };
  }
}
