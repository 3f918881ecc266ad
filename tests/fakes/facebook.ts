import { randomBytes } from "node:crypto";
import { FakeHttpServer, type FakeReply, type FakeRequest, parseBody, RateWindow } from "./fake-http";

/**
 * A local stand-in for the Facebook Graph API (a Page), for the calls Clarion makes:
 * - `POST /{page-id}/feed` (`message`, `link`, `access_token`, form-encoded) → `{"id":"{page-id}_{post-id}"}` —
 *   https://developers.facebook.com/docs/graph-api/reference/page/feed#publish;
 * - `POST /{object-id}/comments` (`message`) → `{"id":"{post-id}_{comment-id}"}` —
 *   https://developers.facebook.com/docs/graph-api/reference/object/comments#publish;
 * - `GET /{page-id}?fields=name` — https://developers.facebook.com/docs/graph-api/reference/page;
 * - the token as the `access_token` parameter (body or query) or an `Authorization: Bearer|OAuth` header;
 * - errors `{"error":{"message","type","code","error_subcode","fbtrace_id"}}` with HTTP 400 for a bad
 *   token (code 190, plus `WWW-Authenticate`) — https://developers.facebook.com/docs/facebook-login/access-tokens/debugging-and-error-handling
 *   — and for bad parameters (100), duplicates (506), the Page's rate limit (32, `is_transient`, with
 *   `X-Business-Use-Case-Usage` holding `estimated_time_to_regain_access` in minutes), 403 for a missing
 *   permission (200) — https://developers.facebook.com/docs/graph-api/guides/error-handling,
 *   https://developers.facebook.com/docs/graph-api/overview/rate-limiting/.
 */

export interface FakeFbPost {
  id: string;
  kind: "post" | "comment";
  message: string;
  link: string | null;
  /** The post or comment a comment was made on. */
  parentId: string | null;
}

export function graphError(
  status: number,
  code: number,
  message: string,
  extra: { type?: string; subcode?: number; transient?: boolean; headers?: Record<string, string> } = {},
): FakeReply {
  return {
    status,
    headers: extra.headers,
    body: {
      error: {
        message,
        type: extra.type ?? "OAuthException",
        ...(extra.transient ? { is_transient: true } : {}),
        code,
        ...(extra.subcode ? { error_subcode: extra.subcode } : {}),
        fbtrace_id: randomBytes(8).toString("base64url"),
      },
    },
  };
}

export class FakeFacebook {
  readonly pageId = "104857600000001";
  readonly pageName = "Clarion Status";
  readonly token = "EAAfakePageToken0123456789";
  permissions = new Set(["pages_manage_posts", "pages_read_engagement"]);
  tokenExpired = false;
  /** Posts and comments created through the API, in order. */
  readonly posts: FakeFbPost[] = [];
  private readonly objects = new Map<string, FakeFbPost>();
  private serial = 900_000_000_000_000;
  readonly window: RateWindow;
  readonly http: FakeHttpServer;

  constructor(options: { callsPerHour?: number } = {}) {
    this.window = new RateWindow(options.callsPerHour ?? 4_800, 3_600_000);
    this.http = new FakeHttpServer({
      handle: (request) => this.handle(request),
      errorBody: (status) =>
        graphError(status, 2, "An unexpected error has occurred. Please retry your request later.", {
          transient: true,
        }).body,
      commonHeaders: () => ({ "x-business-use-case-usage": this.usage(0) }),
    });
  }

  static async start(options?: { callsPerHour?: number }): Promise<FakeFacebook> {
    const fake = new FakeFacebook(options);
    await fake.http.start();
    return fake;
  }

  /** The Graph root an adapter is configured with (the API version is part of it). */
  get url() {
    return `${this.http.url}/v21.0`;
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

  /** The answer Graph gives once the Page's Business Use Case limit is used up. */
  pageLimitReached(minutes: number): FakeReply {
    return graphError(400, 32, "(#32) Page request limit reached", {
      transient: true,
      headers: { "x-business-use-case-usage": this.usage(minutes, 100) },
    });
  }

  /** A visitor post on the Page or a comment under one (a complaint), to reply to. */
  seedVisitorPost(message: string, parentId: string | null = null): FakeFbPost {
    const local = String(++this.serial);
    const id = parentId ? `${parentId.split("_").at(-1)}_${local}` : `${this.pageId}_${local}`;
    const post: FakeFbPost = { id, kind: parentId ? "comment" : "post", message, link: null, parentId };
    this.objects.set(id, post);
    return post;
  }

  private usage(
    minutes: number,
    percent = Math.round(100 - (100 * this.window.remaining) / this.window.limit),
  ) {
    return JSON.stringify({
      [this.pageId]: [
        {
          type: "pages",
          call_count: percent,
          total_cputime: Math.min(percent, 10),
          total_time: Math.min(percent, 10),
          estimated_time_to_regain_access: minutes,
        },
      ],
    });
  }

  private handle(request: FakeRequest): FakeReply {
    const match = request.path.match(/^\/v\d+\.\d+\/([^/]+)(?:\/([a-z_]+))?$/);
    if (!match) return graphError(400, 2500, "Unknown path components", { type: "OAuthException" });
    const body = parseBody(request) ?? {};
    const header = String(request.headers.authorization ?? "").match(/^(?:Bearer|OAuth)\s+(.+)$/i)?.[1];
    const token = (body.access_token as string | undefined) ?? request.query.get("access_token") ?? header;
    if (!token)
      return graphError(
        400,
        2500,
        "An active access token must be used to query information about the current user.",
      );
    if (token !== this.token) {
      const message = "Invalid OAuth access token - Cannot parse access token";
      return graphError(400, 190, message, {
        headers: { "www-authenticate": `OAuth "Facebook Platform" "invalid_token" "${message}"` },
      });
    }
    if (this.tokenExpired) {
      return graphError(400, 190, "Error validating access token: Session has expired.", { subcode: 463 });
    }
    if (!this.window.take()) return this.pageLimitReached(60);
    const [, id, edge] = match;
    if (request.method === "GET" && !edge) return this.read(id, request.query.get("fields"));
    if (request.method === "POST" && edge === "feed") return this.publish(id, body);
    if (request.method === "POST" && edge === "comments") return this.comment(id, body);
    return unsupported(request.method, id);
  }

  private read(id: string, fields: string | null): FakeReply {
    if (id !== this.pageId) {
      const object = this.objects.get(id);
      return object ? { status: 200, body: { id, message: object.message } } : unsupported("GET", id);
    }
    const all: Record<string, string> = { id: this.pageId, name: this.pageName };
    const wanted = (fields ?? "id,name").split(",").filter((f) => f in all);
    return { status: 200, body: Object.fromEntries(wanted.map((f) => [f, all[f]])) };
  }

  private publish(pageId: string, body: Record<string, unknown>): FakeReply {
    if (pageId !== this.pageId) return unsupported("POST", pageId);
    if (!this.permissions.has("pages_manage_posts")) {
      return graphError(
        403,
        200,
        "(#200) If posting to a page, requires both pages_read_engagement and pages_manage_posts permission",
        {},
      );
    }
    const message = typeof body.message === "string" ? body.message : "";
    const link = typeof body.link === "string" ? body.link : null;
    if (!message && !link) return graphError(400, 100, "(#100) Missing message or attachment");
    if (link && !/^https?:\/\/[^\s/]+\.[^\s]+$/.test(link))
      return graphError(400, 100, "(#100) link URL is not properly formatted");
    if (this.posts.some((p) => p.kind === "post" && p.message === message && p.link === link)) {
      return graphError(400, 506, "Duplicate status message", { subcode: 1455006 });
    }
    const id = `${this.pageId}_${++this.serial}`;
    const post: FakeFbPost = { id, kind: "post", message, link, parentId: null };
    this.objects.set(id, post);
    this.posts.push(post);
    return { status: 200, body: { id } };
  }

  private comment(objectId: string, body: Record<string, unknown>): FakeReply {
    if (!this.objects.has(objectId)) return unsupported("POST", objectId);
    const message = typeof body.message === "string" ? body.message : "";
    if (!message.trim() && !body.attachment_url)
      return graphError(400, 100, "(#100) Missing message or attachment");
    const id = `${objectId.split("_").at(-1)}_${++this.serial}`;
    const comment: FakeFbPost = { id, kind: "comment", message, link: null, parentId: objectId };
    this.objects.set(id, comment);
    this.posts.push(comment);
    return { status: 200, body: { id } };
  }
}

function unsupported(method: string, id: string): FakeReply {
  return graphError(
    400,
    100,
    `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    { type: "GraphMethodException", subcode: 33 },
  );
}
