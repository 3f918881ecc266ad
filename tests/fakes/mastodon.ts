import { bearer, FakeHttpServer, type FakeReply, type FakeRequest, parseBody, RateWindow } from "./fake-http";

/**
 * A local stand-in for a Mastodon instance, for the calls Clarion makes:
 * - `POST /api/v1/statuses` (`status`, `in_reply_to_id`, `visibility`; JSON or form) with the
 *   `Idempotency-Key` header — the same key from the same account within an hour returns the status made
 *   the first time and posts nothing — https://docs.joinmastodon.org/methods/statuses/#create;
 *   422 `{"error":"Validation failed: …"}`, 404 `{"error":"Record not found"}` for an unknown reply target;
 * - `GET /api/v1/accounts/verify_credentials` — https://docs.joinmastodon.org/methods/accounts/#verify_credentials;
 * - `GET /api/v2/search?q=URL&resolve=true&type=statuses` — https://docs.joinmastodon.org/methods/search/#v2
 *   (a remote status is fetched into the instance only with `resolve=true` and a signed-in user);
 * - 401 `{"error":"The access token is invalid"}`; `X-RateLimit-Limit/-Remaining/-Reset` (ISO 8601) on
 *   every authenticated answer and 429 `{"error":"Too many requests"}` when the window is used up —
 *   https://docs.joinmastodon.org/api/rate-limits/.
 */

export interface FakeStatus {
  id: string;
  text: string;
  inReplyToId: string | null;
  visibility: string;
  url: string;
  accountId: string;
  idempotencyKey: string | null;
}

const VISIBILITIES = new Set(["public", "unlisted", "private", "direct"]);
const IDEMPOTENCY_TTL_MS = 3_600_000;
const MAX_CHARS = 500;

export class FakeMastodon {
  readonly token = "fake-mastodon-token";
  readonly account = { id: "109000000000000001", username: "clarion", display_name: "Clarion Status" };
  /** Statuses created through the API, in order (idempotent repeats add nothing). */
  readonly posts: FakeStatus[] = [];
  private readonly statuses = new Map<string, FakeStatus>();
  /** Statuses on other servers, by URL: found by search only when resolved. */
  private readonly remote = new Map<string, { text: string; localId: string | null }>();
  private readonly idempotency = new Map<string, { id: string; at: number }>();
  private nextId = 110000000000000000n;
  readonly window: RateWindow;
  readonly http: FakeHttpServer;

  constructor(options: { requestsPer5Min?: number } = {}) {
    this.window = new RateWindow(options.requestsPer5Min ?? 300, 5 * 60_000);
    this.http = new FakeHttpServer({
      handle: (request) => this.handle(request),
      errorBody: (status) => ({ error: status === 429 ? "Too many requests" : errorText(status) }),
      commonHeaders: (request): Record<string, string> =>
        bearer(request) === this.token
          ? {
              "x-ratelimit-limit": String(this.window.limit),
              "x-ratelimit-remaining": String(this.window.remaining),
              "x-ratelimit-reset": new Date(this.window.reset).toISOString(),
            }
          : {},
    });
  }

  static async start(options?: { requestsPer5Min?: number }): Promise<FakeMastodon> {
    const fake = new FakeMastodon(options);
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

  /** A status by someone on this instance (a complaint). */
  seedStatus(text: string): FakeStatus {
    return this.store({
      text,
      inReplyToId: null,
      visibility: "public",
      accountId: "4242",
      idempotencyKey: null,
    });
  }

  /** A status on another server, known here only once search resolves its URL. */
  seedRemoteStatus(url: string, text: string): void {
    this.remote.set(url, { text, localId: null });
  }

  status(id: string): FakeStatus | undefined {
    return this.statuses.get(id);
  }

  private store(fields: Omit<FakeStatus, "id" | "url">): FakeStatus {
    this.nextId += 65_536n;
    const id = this.nextId.toString();
    const who = fields.accountId === this.account.id ? this.account.username : `user${fields.accountId}`;
    const status: FakeStatus = { id, url: `${this.url}/@${who}/${id}`, ...fields };
    this.statuses.set(id, status);
    return status;
  }

  private handle(request: FakeRequest): FakeReply {
    const token = bearer(request);
    if (!token) return { status: 401, body: { error: "This method requires an authenticated user" } };
    if (token !== this.token) return { status: 401, body: { error: "The access token is invalid" } };
    if (!this.window.take()) return { status: 429, body: { error: "Too many requests" } };
    const route = `${request.method} ${request.path}`;
    if (route === "GET /api/v1/accounts/verify_credentials") {
      return {
        status: 200,
        body: { ...this.account, acct: this.account.username, url: `${this.url}/@clarion` },
      };
    }
    if (route === "POST /api/v1/statuses") return this.createStatus(request);
    if (route === "GET /api/v2/search") return this.search(request);
    return { status: 404, body: { error: "Record not found" } };
  }

  private createStatus(request: FakeRequest): FakeReply {
    const key = request.headers["idempotency-key"];
    const scopedKey = typeof key === "string" && key ? `${this.account.id}:${key}` : null;
    const known = scopedKey ? this.idempotency.get(scopedKey) : undefined;
    if (known && Date.now() - known.at < IDEMPOTENCY_TTL_MS) {
      return { status: 200, body: this.json(this.statuses.get(known.id)!) };
    }
    const body = parseBody(request);
    if (!body) return { status: 400, body: { error: "Error occurred while parsing request parameters." } };
    const text = typeof body.status === "string" ? body.status : "";
    if (!text.trim()) return unprocessable("Text can't be blank");
    if (countCharacters(text) > MAX_CHARS)
      return unprocessable(`Text character limit of ${MAX_CHARS} exceeded`);
    const visibility = body.visibility === undefined ? "public" : String(body.visibility);
    if (!VISIBILITIES.has(visibility)) return unprocessable("Visibility is not included in the list");
    const inReplyToId = body.in_reply_to_id ? String(body.in_reply_to_id) : null;
    if (inReplyToId && !this.statuses.has(inReplyToId))
      return { status: 404, body: { error: "Record not found" } };
    const status = this.store({
      text,
      inReplyToId,
      visibility,
      accountId: this.account.id,
      idempotencyKey: scopedKey,
    });
    this.posts.push(status);
    if (scopedKey) this.idempotency.set(scopedKey, { id: status.id, at: Date.now() });
    return { status: 200, body: this.json(status) };
  }

  private search(request: FakeRequest): FakeReply {
    const q = request.query.get("q") ?? "";
    const resolve = request.query.get("resolve") === "true";
    const statuses: FakeStatus[] = [];
    const local = [...this.statuses.values()].find((s) => s.url === q);
    const remote = this.remote.get(q);
    if (local) statuses.push(local);
    else if (remote && (remote.localId || resolve)) {
      remote.localId ??= this.store({
        text: remote.text,
        inReplyToId: null,
        visibility: "public",
        accountId: "7777",
        idempotencyKey: null,
      }).id;
      statuses.push(this.statuses.get(remote.localId)!);
    }
    const type = request.query.get("type");
    return {
      status: 200,
      body: {
        accounts: [],
        statuses: type && type !== "statuses" ? [] : statuses.map((s) => this.json(s)),
        hashtags: [],
      },
    };
  }

  private json(status: FakeStatus) {
    return {
      id: status.id,
      created_at: new Date().toISOString(),
      in_reply_to_id: status.inReplyToId,
      in_reply_to_account_id: status.inReplyToId
        ? (this.statuses.get(status.inReplyToId)?.accountId ?? null)
        : null,
      sensitive: false,
      spoiler_text: "",
      visibility: status.visibility,
      language: "en",
      uri: `${this.url}/users/clarion/statuses/${status.id}`,
      url: status.url,
      replies_count: 0,
      reblogs_count: 0,
      favourites_count: 0,
      content: `<p>${status.text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")}</p>`,
      account: { ...this.account, acct: this.account.username },
      media_attachments: [],
      mentions: [],
      tags: [],
      emojis: [],
    };
  }
}

function unprocessable(message: string): FakeReply {
  return { status: 422, body: { error: `Validation failed: ${message}` } };
}

function errorText(status: number): string {
  if (status === 401) return "The access token is invalid";
  if (status === 404) return "Record not found";
  if (status === 503) return "Service Unavailable";
  return "Internal Server Error";
}

/** Mastodon's count: characters, with every link as 23. */
function countCharacters(text: string): number {
  const withoutLinks = text.replace(/https?:\/\/\S+/g, "x".repeat(23));
  return [...withoutLinks].length;
}
