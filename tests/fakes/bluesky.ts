import { createHash, randomBytes } from "node:crypto";
import { bearer, FakeHttpServer, type FakeReply, type FakeRequest, parseBody, RateWindow } from "./fake-http";

/**
 * A local stand-in for a Bluesky PDS, for the XRPC calls Clarion makes:
 * - `com.atproto.server.createSession` (identifier + app password → `accessJwt`, `refreshJwt`, `did`,
 *   `handle`; 401 AuthenticationRequired) and `refreshSession` —
 *   https://docs.bsky.app/docs/api/com-atproto-server-create-session;
 * - `com.atproto.repo.createRecord` (`repo`, `collection`, `rkey`, `record` → `{uri, cid, commit}`) —
 *   https://docs.bsky.app/docs/api/com-atproto-repo-create-record — validating `app.bsky.feed.post`
 *   as its lexicon does (text ≤ 300 graphemes / 3000 bytes, `createdAt`, facets with byte ranges and
 *   typed features, `reply.root/parent` strong refs) and the record key as the lexicon's key type `tid`
 *   (https://atproto.com/specs/record-key, https://atproto.com/specs/tid);
 * - a key that already exists answers 500 InternalServerError, as the reference PDS does today
 *   (https://github.com/bluesky-social/atproto/issues/3718);
 * - `com.atproto.repo.getRecord` (→ `{uri, cid, value}`, 400 RecordNotFound);
 * - errors `{"error","message"}`: 401 AuthMissing, 400 ExpiredToken / InvalidToken / InvalidRequest, 429
 *   RateLimitExceeded with `ratelimit-limit/-remaining/-reset` (epoch seconds) and `ratelimit-policy` —
 *   https://docs.bsky.app/docs/advanced-guides/rate-limits.
 */

export interface FakeBskyPost {
  uri: string;
  cid: string;
  rkey: string;
  text: string;
  reply: { root: { uri: string; cid: string }; parent: { uri: string; cid: string } } | null;
  facets: unknown[] | null;
}

interface StoredRecord {
  uri: string;
  cid: string;
  value: Record<string, unknown>;
}

const POST = "app.bsky.feed.post";
const TID = /^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/;
const FEATURES: Record<string, string> = {
  "app.bsky.richtext.facet#link": "uri",
  "app.bsky.richtext.facet#mention": "did",
  "app.bsky.richtext.facet#tag": "tag",
};

const err = (status: number, error: string, message: string): FakeReply => ({
  status,
  body: { error, message },
});

export class FakeBluesky {
  readonly account = {
    did: "did:plc:clarionstatus0000000000",
    handle: "status.clarion.test",
    appPassword: "abcd-efgh-ijkl-mnop",
  };
  /** Posts created through the API, in order. */
  readonly posts: FakeBskyPost[] = [];
  private readonly records = new Map<string, StoredRecord>();
  private readonly tokens = new Map<string, { kind: "access" | "refresh"; did: string; expired: boolean }>();
  readonly window: RateWindow;
  readonly http: FakeHttpServer;
  sessionsCreated = 0;

  constructor(options: { writesPerHour?: number } = {}) {
    this.window = new RateWindow(options.writesPerHour ?? 1666, 3_600_000);
    this.http = new FakeHttpServer({
      handle: (request) => this.handle(request),
      errorBody: (status) => defaultError(status),
      commonHeaders: (): Record<string, string> => ({
        "ratelimit-limit": String(this.window.limit),
        "ratelimit-remaining": String(this.window.remaining),
        "ratelimit-reset": String(Math.ceil((this.window.reset || Date.now() + 3_600_000) / 1000)),
        "ratelimit-policy": `${this.window.limit};w=3600`,
      }),
    });
  }

  static async start(options?: { writesPerHour?: number }): Promise<FakeBluesky> {
    const fake = new FakeBluesky(options);
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

  /** Every access token handed out so far now answers ExpiredToken. */
  expireAccessTokens(): void {
    for (const token of this.tokens.values()) if (token.kind === "access") token.expired = true;
  }

  /** A post by someone else (a complaint), optionally itself a reply. */
  seedPost(text: string, options: { did?: string; reply?: FakeBskyPost["reply"] } = {}): StoredRecord {
    const did = options.did ?? "did:plc:complainer000000000000";
    const rkey = nextTid();
    const value = {
      $type: POST,
      text,
      createdAt: new Date().toISOString(),
      ...(options.reply ? { reply: options.reply } : {}),
    };
    return this.store(did, POST, rkey, value);
  }

  record(uri: string): StoredRecord | undefined {
    return this.records.get(uri);
  }

  private store(did: string, collection: string, rkey: string, value: Record<string, unknown>): StoredRecord {
    const uri = `at://${did}/${collection}/${rkey}`;
    const digest = createHash("sha256").update(JSON.stringify(value)).digest();
    const record = { uri, cid: `bafyrei${base32(digest).slice(0, 52)}`, value };
    this.records.set(uri, record);
    return record;
  }

  private issueTokens(did: string) {
    const jwt = (scope: string) =>
      [
        Buffer.from(
          JSON.stringify({ typ: scope === "refresh" ? "refresh+jwt" : "at+jwt", alg: "ES256K" }),
        ).toString("base64url"),
        Buffer.from(
          JSON.stringify({ scope, sub: did, iat: Date.now(), jti: randomBytes(8).toString("hex") }),
        ).toString("base64url"),
        randomBytes(32).toString("base64url"),
      ].join(".");
    const accessJwt = jwt("com.atproto.appPass");
    const refreshJwt = jwt("com.atproto.refresh");
    this.tokens.set(accessJwt, { kind: "access", did, expired: false });
    this.tokens.set(refreshJwt, { kind: "refresh", did, expired: false });
    return { accessJwt, refreshJwt, handle: this.account.handle, did, active: true };
  }

  private handle(request: FakeRequest): FakeReply {
    const method = request.path.replace(/^\/xrpc\//, "");
    if (method === "com.atproto.server.createSession" && request.method === "POST")
      return this.createSession(request);
    if (method === "com.atproto.server.refreshSession" && request.method === "POST") {
      const token = this.tokens.get(bearer(request) ?? "");
      if (token?.kind !== "refresh") return err(400, "InvalidToken", "Token could not be verified");
      if (token.expired) return err(400, "ExpiredToken", "Token has been revoked");
      token.expired = true; // refresh tokens are single-use
      return { status: 200, body: this.issueTokens(token.did) };
    }
    if (method === "com.atproto.repo.getRecord" && request.method === "GET") return this.getRecord(request);
    if (method === "com.atproto.repo.createRecord" && request.method === "POST") {
      const auth = this.authenticate(request);
      if ("status" in auth) return auth;
      if (!this.window.take()) return err(429, "RateLimitExceeded", "Rate Limit Exceeded");
      return this.createRecord(request, auth.did);
    }
    return err(501, "MethodNotImplemented", "Method Not Implemented");
  }

  private authenticate(request: FakeRequest): { did: string } | FakeReply {
    const jwt = bearer(request);
    if (!jwt) return err(401, "AuthMissing", "Authentication Required");
    const token = this.tokens.get(jwt);
    if (!token) return err(400, "InvalidToken", "Token could not be verified");
    if (token.kind !== "access") return err(400, "InvalidToken", "Bad token scope");
    if (token.expired) return err(400, "ExpiredToken", "Token has expired");
    return { did: token.did };
  }

  private createSession(request: FakeRequest): FakeReply {
    const body = parseBody(request) ?? {};
    if (typeof body.identifier !== "string")
      return err(400, "InvalidRequest", 'Input must have the property "identifier"');
    if (typeof body.password !== "string")
      return err(400, "InvalidRequest", 'Input must have the property "password"');
    const who = body.identifier.replace(/^@/, "").toLowerCase();
    if (
      (who !== this.account.handle && who !== this.account.did) ||
      body.password !== this.account.appPassword
    ) {
      return err(401, "AuthenticationRequired", "Invalid identifier or password");
    }
    this.sessionsCreated++;
    return { status: 200, body: this.issueTokens(this.account.did) };
  }

  private getRecord(request: FakeRequest): FakeReply {
    const repo = request.query.get("repo");
    const collection = request.query.get("collection");
    const rkey = request.query.get("rkey");
    if (!repo || !collection || !rkey)
      return err(
        400,
        "InvalidRequest",
        'Error: Params must have the properties "repo", "collection" and "rkey"',
      );
    const did = repo === this.account.handle ? this.account.did : repo;
    const uri = `at://${did}/${collection}/${rkey}`;
    const record = this.records.get(uri);
    if (!record) return err(400, "RecordNotFound", `Could not locate record: ${uri}`);
    return { status: 200, body: record };
  }

  private createRecord(request: FakeRequest, did: string): FakeReply {
    const body = parseBody(request);
    if (!body) return err(400, "InvalidRequest", "Request body is not valid JSON");
    if (body.repo !== did && body.repo !== this.account.handle)
      return err(401, "AuthRequired", "Authentication Required");
    if (body.collection !== POST)
      return err(400, "InvalidRequest", `Unsupported collection: ${String(body.collection)}`);
    const rkey = body.rkey === undefined ? nextTid() : body.rkey;
    if (typeof rkey !== "string" || !TID.test(rkey))
      return err(400, "InvalidRequest", `Invalid record key: ${String(rkey)} is not a TID`);
    const problem = invalidPost(body.record);
    if (problem) return err(400, "InvalidRequest", `Invalid ${POST} record: ${problem}`);
    if (this.records.has(`at://${did}/${POST}/${rkey}`))
      return err(500, "InternalServerError", "Internal Server Error");
    const value = body.record as Record<string, unknown>;
    const stored = this.store(did, POST, rkey, value);
    this.posts.push({
      uri: stored.uri,
      cid: stored.cid,
      rkey,
      text: String(value.text),
      reply: (value.reply as FakeBskyPost["reply"]) ?? null,
      facets: (value.facets as unknown[]) ?? null,
    });
    return {
      status: 200,
      body: {
        uri: stored.uri,
        cid: stored.cid,
        commit: { cid: stored.cid, rev: nextTid() },
        validationStatus: "valid",
      },
    };
  }
}

/** What the app.bsky.feed.post lexicon would reject, in the PDS's words; null when valid. */
function invalidPost(value: unknown): string | null {
  if (!value || typeof value !== "object") return "Record must be an object";
  const record = value as Record<string, unknown>;
  if (record.$type !== POST) return `Record/$type must be ${POST}`;
  if (typeof record.text !== "string") return 'Record must have the property "text"';
  if ([...new Intl.Segmenter("en", { granularity: "grapheme" }).segment(record.text)].length > 300) {
    return "Record/text must not be longer than 300 graphemes";
  }
  if (Buffer.byteLength(record.text) > 3000) return "Record/text must not be longer than 3000 characters";
  if (typeof record.createdAt !== "string" || Number.isNaN(Date.parse(record.createdAt))) {
    return "Record/createdAt must be an valid atproto datetime";
  }
  if (record.facets !== undefined) {
    if (!Array.isArray(record.facets)) return "Record/facets must be an array";
    const bytes = Buffer.byteLength(record.text);
    for (const [i, facet] of record.facets.entries()) {
      const index = (facet as { index?: { byteStart?: unknown; byteEnd?: unknown } })?.index;
      const start = index?.byteStart;
      const end = index?.byteEnd;
      if (
        !Number.isInteger(start) ||
        !Number.isInteger(end) ||
        (start as number) < 0 ||
        (end as number) > bytes
      ) {
        return `Record/facets/${i}/index must have integer byteStart and byteEnd within the text`;
      }
      const features = (facet as { features?: unknown }).features;
      if (!Array.isArray(features)) return `Record/facets/${i} must have the property "features"`;
      for (const feature of features) {
        const type = (feature as { $type?: string })?.$type ?? "";
        const field = FEATURES[type];
        if (!field || typeof (feature as Record<string, unknown>)[field] !== "string") {
          return `Record/facets/${i}/features must be a link, mention or tag`;
        }
      }
    }
  }
  if (record.reply !== undefined) {
    const reply = record.reply as { root?: unknown; parent?: unknown };
    for (const key of ["root", "parent"] as const) {
      const ref = reply?.[key] as { uri?: unknown; cid?: unknown } | undefined;
      if (
        typeof ref?.uri !== "string" ||
        !ref.uri.startsWith("at://") ||
        typeof ref.cid !== "string" ||
        !ref.cid
      ) {
        return `Record/reply/${key} must be a strong ref (uri and cid)`;
      }
    }
  }
  return null;
}

function defaultError(status: number): { error: string; message: string } {
  if (status === 401) return { error: "AuthenticationRequired", message: "Authentication Required" };
  if (status === 429) return { error: "RateLimitExceeded", message: "Rate Limit Exceeded" };
  if (status === 502) return { error: "UpstreamFailure", message: "Upstream Failure" };
  if (status === 503) return { error: "NotEnoughResources", message: "Not Enough Resources" };
  return { error: "InternalServerError", message: "Internal Server Error" };
}

let lastTidMicros = 0;
/** A fresh TID from the clock, as a PDS makes when no record key is given. */
function nextTid(): string {
  lastTidMicros = Math.max(lastTidMicros + 1, Date.now() * 1000);
  let value = (BigInt(lastTidMicros) << 10n) | BigInt(Math.floor(Math.random() * 1024));
  let out = "";
  for (let i = 0; i < 13; i++) {
    out = "234567abcdefghijklmnopqrstuvwxyz"[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return out;
}

function base32(bytes: Buffer): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}
