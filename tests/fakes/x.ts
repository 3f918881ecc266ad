import { STATUS_CODES } from "node:http";
import { hmacSignature, signatureBaseString } from "~/channels/oauth1.server";
import { FakeHttpServer, type FakeReply, type FakeRequest, parseBody, RateWindow } from "./fake-http";

/**
 * A local stand-in for the X API v2, for the calls Clarion makes:
 * - `POST /2/tweets` — https://docs.x.com/x-api/posts/creation-of-a-post (body `text`,
 *   `reply.in_reply_to_tweet_id`; 201 `{"data":{"id","text","edit_history_tweet_ids"}}`);
 * - `GET /2/users/me` — https://docs.x.com/x-api/users/user-lookup-me (`{"data":{"id","name","username"}}`);
 * - OAuth 1.0a user context, verified by recomputing the HMAC-SHA1 signature —
 *   https://developer.x.com/en/docs/authentication/oauth-1-0a/creating-a-signature;
 * - errors as RFC 7807 problems `{"title","detail","type","status"}` (invalid requests add `errors`) —
 *   https://docs.x.com/x-api/fundamentals/response-codes-and-errors; 403 for a duplicate text or a reply
 *   to a post that is not visible;
 * - `x-rate-limit-limit/-remaining/-reset` (epoch seconds) on every answer, 429 when the window is used
 *   up — https://docs.x.com/fundamentals/rate-limits.
 */

export interface FakeXAccount {
  id: string;
  username: string;
  name: string;
  token: string;
  tokenSecret: string;
}

export interface FakeTweet {
  id: string;
  text: string;
  authorId: string;
  inReplyTo: string | null;
}

const INVALID = "https://api.twitter.com/2/problems/invalid-request";
const ALLOWED_FIELDS = new Set([
  "text",
  "reply",
  "quote_tweet_id",
  "media",
  "poll",
  "reply_settings",
  "for_super_followers_only",
  "nullcast",
  "geo",
  "direct_message_deep_link",
  "card_uri",
  "community_id",
]);

function problem(status: number, detail = STATUS_CODES[status] ?? "Error", title = STATUS_CODES[status]) {
  return { title: title ?? "Error", detail, type: "about:blank", status };
}

export class FakeX {
  readonly app = { consumerKey: "fake-consumer-key", consumerSecret: "fake-consumer-secret" };
  readonly account: FakeXAccount = {
    id: "1500000000000000001",
    username: "clarion_status",
    name: "Clarion Status",
    token: "1500000000000000001-faketoken",
    tokenSecret: "fake-token-secret",
  };
  /** Every post created through the API, in order (not the seeded ones). */
  readonly posts: FakeTweet[] = [];
  private readonly tweets = new Map<string, FakeTweet>();
  private readonly nonces = new Set<string>();
  private nextId = 1800000000000000000n;
  readonly postWindow: RateWindow;
  readonly http: FakeHttpServer;

  constructor(options: { postsPer15Min?: number } = {}) {
    this.postWindow = new RateWindow(options.postsPer15Min ?? 100, 15 * 60_000);
    this.http = new FakeHttpServer({
      handle: (request) => this.handle(request),
      errorBody: (status) => problem(status),
      commonHeaders: (request): Record<string, string> =>
        request.method !== "POST"
          ? {}
          : {
              "x-rate-limit-limit": String(this.postWindow.limit),
              "x-rate-limit-remaining": String(this.postWindow.remaining),
              "x-rate-limit-reset": String(Math.ceil(this.postWindow.reset / 1000)),
            },
    });
  }

  static async start(options?: { postsPer15Min?: number }): Promise<FakeX> {
    const fake = new FakeX(options);
    await fake.http.start();
    return fake;
  }

  get url() {
    return this.http.url;
  }
  get requests() {
    return this.http.requests;
  }
  trouble(...args: Parameters<FakeHttpServer["trouble"]>) {
    this.http.trouble(...args);
    return this;
  }
  close() {
    return this.http.close();
  }

  /** The credentials an adapter needs, as settings would hold them. */
  credentials() {
    return {
      consumerKey: this.app.consumerKey,
      consumerSecret: this.app.consumerSecret,
      accessToken: this.account.token,
      accessTokenSecret: this.account.tokenSecret,
    };
  }

  /** A post by someone else (a complaint), to reply to. */
  seedTweet(text: string, authorId = "99"): FakeTweet {
    const tweet: FakeTweet = { id: this.newId(), text, authorId, inReplyTo: null };
    this.tweets.set(tweet.id, tweet);
    return tweet;
  }

  private newId(): string {
    this.nextId += 1000n + BigInt(this.tweets.size);
    return this.nextId.toString();
  }

  private handle(request: FakeRequest): FakeReply {
    if (!this.authenticated(request))
      return { status: 401, body: problem(401, "Unauthorized", "Unauthorized") };
    if (request.method === "GET" && request.path === "/2/users/me") {
      const { id, name, username } = this.account;
      return { status: 200, body: { data: { id, name, username } } };
    }
    if (request.method === "POST" && request.path === "/2/tweets") return this.createTweet(request);
    return { status: 404, body: problem(404, "Sorry, that page does not exist.", "Not Found Error") };
  }

  private createTweet(request: FakeRequest): FakeReply {
    if (!this.postWindow.take()) return { status: 429, body: problem(429) };
    const body = parseBody(request);
    if (!body || !String(request.headers["content-type"]).includes("application/json")) {
      return invalid("The request body is not valid JSON.");
    }
    for (const key of Object.keys(body)) {
      if (!ALLOWED_FIELDS.has(key)) {
        return invalid(
          `$.${key}: is not defined in the schema and the schema does not allow additional properties`,
        );
      }
    }
    const text = body.text;
    if (typeof text !== "string" || !text.trim()) return invalid("$.text: text or media is required");
    let inReplyTo: string | null = null;
    if (body.reply !== undefined) {
      const reply = body.reply as { in_reply_to_tweet_id?: unknown } | null;
      const id = reply?.in_reply_to_tweet_id;
      if (typeof id !== "string" || !/^[0-9]{1,19}$/.test(id)) {
        return invalid("$.reply.in_reply_to_tweet_id: does not match the regex pattern ^[0-9]{1,19}$");
      }
      if (!this.tweets.has(id)) {
        return {
          status: 403,
          body: problem(
            403,
            "You attempted to reply to a Tweet that is deleted or not visible to you.",
            "Forbidden",
          ),
        };
      }
      inReplyTo = id;
    }
    if (this.posts.some((p) => p.text === text)) {
      return {
        status: 403,
        body: problem(403, "You are not allowed to create a Tweet with duplicate content.", "Forbidden"),
      };
    }
    const tweet: FakeTweet = { id: this.newId(), text, authorId: this.account.id, inReplyTo };
    this.tweets.set(tweet.id, tweet);
    this.posts.push(tweet);
    return { status: 201, body: { data: { id: tweet.id, text, edit_history_tweet_ids: [tweet.id] } } };
  }

  /** OAuth 1.0a: known consumer and token, a fresh nonce, a recent timestamp, a matching signature. */
  private authenticated(request: FakeRequest): boolean {
    const header = String(request.headers.authorization ?? "");
    if (!header.startsWith("OAuth ")) return false;
    const fields = new Map<string, string>();
    for (const match of header.slice(6).matchAll(/([a-z_]+)="([^"]*)"/g)) {
      fields.set(match[1], decodeURIComponent(match[2]));
    }
    const signature = fields.get("oauth_signature");
    const nonce = fields.get("oauth_nonce") ?? "";
    const timestamp = Number(fields.get("oauth_timestamp"));
    if (
      !signature ||
      fields.get("oauth_consumer_key") !== this.app.consumerKey ||
      fields.get("oauth_token") !== this.account.token ||
      fields.get("oauth_signature_method") !== "HMAC-SHA1" ||
      !nonce ||
      this.nonces.has(nonce) ||
      !(Math.abs(Date.now() / 1000 - timestamp) < 300)
    ) {
      return false;
    }
    const params = [...fields].filter(([k]) => k !== "oauth_signature");
    const url = `http://${request.headers.host}${request.path}${request.query.size ? `?${request.query}` : ""}`;
    const expected = hmacSignature(
      signatureBaseString(request.method, url, params),
      this.app.consumerSecret,
      this.account.tokenSecret,
    );
    if (expected !== signature) return false;
    this.nonces.add(nonce);
    return true;
  }
}

function invalid(message: string): FakeReply {
  return {
    status: 400,
    body: {
      errors: [{ message }],
      title: "Invalid Request",
      detail: "One or more parameters to your request was invalid.",
      type: INVALID,
    },
  };
}
