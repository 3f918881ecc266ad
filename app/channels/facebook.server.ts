import { z } from "zod";
import { callRemote, type HttpResult, retryAfter } from "./http.server";
import {
  asRecord,
  baseUrlSchema,
  describeIssues,
  missingComplaint,
  type NotSent,
  notForNotifications,
  postThread,
  stringField,
} from "./social.server";
import type { ChannelAdapter, ChannelContext } from "./types";

/**
 * A Facebook Page (Graph API): an update is `POST /{page-id}/feed` (`message`, `link`); a follow-up is a
 * comment on the incident's first post (`POST /{post-id}/comments`), and a reply is a comment on the
 * complaint (a visitor post or a comment). Graph has no idempotency key, so a post whose answer never
 * came is `unknown`.
 *
 * Graph reports most errors as HTTP 400 and says what happened in `error.code`: 190 a dead token, 4 /
 * 17 / 32 / 613 rate limits, 368 a temporary block — so outcomes are decided by the code, not the status.
 * https://developers.facebook.com/docs/graph-api/guides/error-handling
 */

const configSchema = z.object({
  baseUrl: baseUrlSchema.default("https://graph.facebook.com/v21.0"),
  pageId: z
    .string()
    .trim()
    .regex(/^[0-9]+$/, "The Page id is a number."),
});
const credentialsSchema = z.object({ pageAccessToken: z.string().trim().min(1) });
const payloadSchema = z.object({
  message: z.string().trim().min(1, "the message is empty"),
  link: z.url({ protocol: /^https?$/ }).optional(),
});

type Config = z.infer<typeof configSchema>;
type Credentials = z.infer<typeof credentialsSchema>;
type Ctx = ChannelContext<Config, Credentials>;

/** When Graph says a limit was hit but not for how long. */
export const FACEBOOK_DEFAULT_BACKOFF_MS = 5 * 60_000;
const RATE_LIMIT_CODES = new Set([4, 17, 32, 613, 368, 80001]);
const TOKEN_CODES = new Set([102, 190]);

export const facebookAdapter: ChannelAdapter<Config, Credentials> = {
  kind: "facebook",
  label: "Facebook Page",
  idempotent: false,
  threads: true,
  configSchema,
  credentialsSchema,
  configFields: [
    {
      name: "pageId",
      label: "Page id",
      type: "text",
      required: true,
      help: "Page → About → Page transparency.",
    },
    {
      name: "baseUrl",
      label: "Graph API address",
      type: "url",
      required: false,
      defaultValue: "https://graph.facebook.com/v21.0",
      help: "Includes the Graph API version.",
    },
  ],
  credentialFields: [
    {
      name: "pageAccessToken",
      label: "Page access token",
      type: "secret",
      required: true,
      help: "A long-lived Page token with pages_manage_posts and pages_read_engagement.",
    },
  ],

  async send(ctx, message) {
    if (message.purpose === "notification") return notForNotifications("Facebook");
    const payload = payloadSchema.safeParse(message.payload);
    if (!payload.success) return { outcome: "failed", reason: describeIssues("Facebook", payload.error) };
    let commentOn: string | null = null;
    if (message.purpose === "reply") {
      if (!message.replyTo) return missingComplaint("Facebook");
      commentOn = message.replyTo.externalId;
    } else if (message.thread) {
      commentOn = message.thread.root;
    }
    const { message: text, link } = payload.data;
    return postThread({
      message,
      parts: [text],
      firstTarget: commentOn,
      async post({ answer, beforeDispatch }) {
        const form = answer
          ? { message: link && !text.includes(link) ? `${text}\n\n${link}` : text }
          : { message: text, ...(link ? { link } : {}) };
        const path = answer ? `/${encodeURIComponent(answer)}/comments` : `/${ctx.config.pageId}/feed`;
        const result = await graphCall(ctx, "POST", path, form, beforeDispatch);
        if (!result.ok) return result.outcome;
        const id = stringField(result.body, "id");
        if (!id) {
          return {
            outcome: "unknown",
            reason: `Facebook answered ${result.status} without the new post's id: it may have been posted. Check the Page.`,
            httpStatus: result.status,
          };
        }
        return { remoteId: id, remoteUrl: `https://www.facebook.com/${id}` };
      },
    });
  },

  async test(ctx) {
    const result = await graphCall(ctx, "GET", `/${ctx.config.pageId}`, { fields: "id,name" });
    if (!result.ok) return { ok: false, message: result.outcome.reason };
    const name = stringField(result.body, "name");
    if (!name) return { ok: false, message: "Facebook answered without the Page's name." };
    return { ok: true, message: `Signed in to the Facebook Page “${name}” (${ctx.config.pageId}).` };
  },
};

/** One Graph call; the token travels in the form body (POST) or the query (GET), as Graph documents. */
async function graphCall(
  ctx: Ctx,
  method: "GET" | "POST",
  path: string,
  params: Record<string, string>,
  beforeDispatch?: () => Promise<void>,
): Promise<HttpResult> {
  const fields = new URLSearchParams({ ...params, access_token: ctx.credentials.pageAccessToken });
  const url = `${ctx.config.baseUrl}${path}`;
  const result = await callRemote(
    method === "GET"
      ? { method, url: `${url}?${fields}` }
      : {
          method,
          url,
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: fields.toString(),
        },
    {
      fetch: ctx.fetch,
      timeoutMs: ctx.timeoutMs,
      idempotent: method === "GET",
      beforeDispatch,
      describeError: (_status, body) => describeGraphError(body),
      rateLimitDelayMs: facebookRateLimitDelay,
    },
  );
  return result.ok ? result : { ...result, outcome: classifyGraphError(result) };
}

interface GraphError {
  code: number | null;
  subcode: number | null;
  message: string;
  transient: boolean;
}

function graphError(body: unknown): GraphError | null {
  const error = asRecord(asRecord(body)?.error);
  if (!error) return null;
  const code = typeof error.code === "number" ? error.code : null;
  const subcode = typeof error.error_subcode === "number" ? error.error_subcode : null;
  const message = stringField(error, "error_user_msg") ?? stringField(error, "message") ?? "Unknown error";
  return { code, subcode, message, transient: error.is_transient === true };
}

function describeGraphError(body: unknown): string | null {
  const error = graphError(body);
  return error ? `${error.message}${error.code !== null ? ` (code ${error.code})` : ""}` : null;
}

/** Graph's error code decides; a body without one keeps the status-based outcome. */
function classifyGraphError(result: Extract<HttpResult, { ok: false }>): NotSent {
  const response = result.response;
  const error = response ? graphError(response.body) : null;
  if (!response || !error || error.code === null) return result.outcome;
  const httpStatus = response.status;
  const said = describeGraphError(response.body);
  if (RATE_LIMIT_CODES.has(error.code)) {
    return {
      outcome: "retry",
      reason: `Facebook is limiting the Page: ${said}`,
      retryAfterMs:
        retryAfter(response.headers) ??
        facebookRateLimitDelay(response.headers) ??
        FACEBOOK_DEFAULT_BACKOFF_MS,
      httpStatus,
      channelWide: true,
    };
  }
  if (TOKEN_CODES.has(error.code)) {
    return {
      outcome: "failed",
      reason: `Facebook refused the Page access token: ${said}. Generate a new Page token and update it in Settings → Channels.`,
      httpStatus,
    };
  }
  if (error.code === 10 || (error.code >= 200 && error.code <= 299)) {
    return {
      outcome: "failed",
      reason: `The Page token lacks a permission: ${said}. Grant pages_manage_posts, then update the token in Settings → Channels.`,
      httpStatus,
    };
  }
  if (error.code === 1 || error.code === 2 || error.transient || httpStatus >= 500) {
    return { outcome: "retry", reason: `Facebook had a temporary problem: ${said}`, httpStatus };
  }
  return { outcome: "failed", reason: `Facebook refused the post: ${said}.`, httpStatus };
}

/**
 * How long Graph asks us to wait: the largest `estimated_time_to_regain_access` (minutes) in
 * `X-Business-Use-Case-Usage` (Page tokens are held to Business Use Case limits). `x-app-usage` and
 * `x-page-usage` carry percentages only, so they give no delay.
 * https://developers.facebook.com/docs/graph-api/overview/rate-limiting/
 */
export function facebookRateLimitDelay(headers: Headers): number | null {
  const raw = headers.get("x-business-use-case-usage");
  if (!raw) return null;
  try {
    let minutes = 0;
    for (const entries of Object.values(JSON.parse(raw) as Record<string, unknown>)) {
      for (const entry of Array.isArray(entries) ? entries : []) {
        const value = asRecord(entry)?.estimated_time_to_regain_access;
        if (typeof value === "number" && value > minutes) minutes = value;
      }
    }
    return minutes > 0 ? minutes * 60_000 : null;
  } catch {
    return null;
  }
}
