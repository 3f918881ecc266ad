import { z } from "zod";
import { callRemote, type HttpResult } from "./http.server";
import {
  asRecord,
  baseUrlSchema,
  describeIssues,
  isNotSent,
  missingComplaint,
  type NotSent,
  notForNotifications,
  postThread,
  stringField,
} from "./social.server";
import type { ChannelAdapter, ChannelContext, ComplaintRef } from "./types";

/**
 * Mastodon: `POST /api/v1/statuses`, a thread being each part `in_reply_to_id` the one before. Every part
 * carries an `Idempotency-Key` derived from the delivery's key and the part's index: the instance answers
 * a repeated key with the status it already made (it keeps keys for an hour), so a part whose answer was
 * lost is simply sent again.
 */

const configSchema = z.object({ baseUrl: baseUrlSchema });
const credentialsSchema = z.object({ accessToken: z.string().trim().min(1) });
const payloadSchema = z.object({
  parts: z.array(z.string().trim().min(1, "a part is empty")).min(1),
  visibility: z.enum(["public", "unlisted"]).default("public"),
});

type Config = z.infer<typeof configSchema>;
type Credentials = z.infer<typeof credentialsSchema>;
type Ctx = ChannelContext<Config, Credentials>;

const STATUS_ID = /^[0-9]{1,20}$/;

export const mastodonAdapter: ChannelAdapter<Config, Credentials> = {
  kind: "mastodon",
  label: "Mastodon",
  idempotent: true,
  threads: true,
  configSchema,
  credentialsSchema,
  configFields: [
    {
      name: "baseUrl",
      label: "Instance address",
      type: "url",
      required: true,
      placeholder: "https://mastodon.social",
      help: "The server the posting account lives on.",
    },
  ],
  credentialFields: [
    {
      name: "accessToken",
      label: "Access token",
      type: "secret",
      required: true,
      help: "Preferences → Development → New application, with the write:statuses and read:accounts scopes (read:search to answer posts from other servers).",
    },
  ],

  async send(ctx, message) {
    if (message.purpose === "notification") return notForNotifications("Mastodon");
    const payload = payloadSchema.safeParse(message.payload);
    if (!payload.success) return { outcome: "failed", reason: describeIssues("Mastodon", payload.error) };
    let firstTarget: string | null = null;
    if (message.purpose === "reply") {
      if (!message.replyTo) return missingComplaint("Mastodon");
      // Once the thread has begun, the complaint was already found.
      if (message.postedParts.length === 0) {
        const target = await statusToAnswer(ctx, message.replyTo);
        if (isNotSent(target)) return target;
        firstTarget = target;
      }
    } else if (message.thread) {
      firstTarget = message.thread.parent;
    }
    const { visibility } = payload.data;
    return postThread({
      message,
      parts: payload.data.parts,
      firstTarget,
      async post({ part, index, answer, beforeDispatch }) {
        const result = await mastodonCall(ctx, {
          method: "POST",
          path: "/api/v1/statuses",
          json: { status: part, visibility, ...(answer ? { in_reply_to_id: answer } : {}) },
          headers: { "idempotency-key": `${message.idempotencyKey}:${index}` },
          beforeDispatch,
        });
        if (!result.ok) return result.outcome;
        const id = stringField(result.body, "id");
        if (!id) {
          return {
            outcome: "retry",
            reason: `The instance answered ${result.status} without the status; sending again with the same idempotency key.`,
            httpStatus: result.status,
          };
        }
        return {
          remoteId: id,
          remoteUrl: stringField(result.body, "url") ?? stringField(result.body, "uri"),
        };
      },
    });
  },

  async test(ctx) {
    const result = await mastodonCall(ctx, { method: "GET", path: "/api/v1/accounts/verify_credentials" });
    if (!result.ok) return { ok: false, message: result.outcome.reason };
    const acct = stringField(result.body, "acct");
    if (!acct) return { ok: false, message: "The instance answered without the signed-in account." };
    const host = new URL(ctx.config.baseUrl).host;
    return {
      ok: true,
      message: `Signed in as @${acct.includes("@") ? acct : `${acct}@${host}`} on Mastodon.`,
    };
  },
};

function mastodonCall(
  ctx: Ctx,
  call: {
    method: "GET" | "POST";
    path: string;
    json?: unknown;
    headers?: Record<string, string>;
    beforeDispatch?: () => Promise<void>;
  },
): Promise<HttpResult> {
  return callRemote(
    {
      method: call.method,
      url: `${ctx.config.baseUrl}${call.path}`,
      headers: { authorization: `Bearer ${ctx.credentials.accessToken}`, ...call.headers },
      json: call.json,
    },
    {
      fetch: ctx.fetch,
      timeoutMs: ctx.timeoutMs,
      // Reads are safe to repeat, and posts carry an Idempotency-Key.
      idempotent: true,
      beforeDispatch: call.beforeDispatch,
      describeError: (_status, body) => stringField(body, "error_description") ?? stringField(body, "error"),
      rateLimitDelayMs: mastodonRateLimitDelay,
    },
  );
}

/** `X-RateLimit-Reset` is an ISO 8601 time (docs.joinmastodon.org/api/rate-limits). */
export function mastodonRateLimitDelay(headers: Headers, now = Date.now()): number | null {
  const value = headers.get("x-ratelimit-reset");
  const at = value ? Date.parse(value) : Number.NaN;
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * The status a reply answers, as an id on this instance: the complaint's id when it is one, the id in a
 * link to this instance, else the link (a status on another server) resolved through search.
 */
async function statusToAnswer(ctx: Ctx, ref: ComplaintRef): Promise<string | NotSent> {
  if (STATUS_ID.test(ref.externalId)) return ref.externalId;
  const link = [ref.externalId, ref.url].find((v): v is string => Boolean(v && /^https?:\/\//.test(v)));
  if (!link)
    return { outcome: "failed", reason: "The complaint has no Mastodon status id or link to answer." };
  const local = new URL(link);
  const own = new URL(ctx.config.baseUrl);
  const idInLink = local.pathname.match(/^\/@[^/]+\/(\d+)$/)?.[1];
  if (local.host === own.host && idInLink) return idInLink;
  const query = new URLSearchParams({ q: link, resolve: "true", type: "statuses", limit: "1" });
  const result = await mastodonCall(ctx, { method: "GET", path: `/api/v2/search?${query}` });
  if (!result.ok) return result.outcome;
  const statuses = asRecord(result.body)?.statuses;
  const id = Array.isArray(statuses) ? stringField(statuses[0], "id") : null;
  if (!id) {
    return {
      outcome: "failed",
      reason: `${own.host} could not find the post ${link} to answer (it may have been deleted or be private).`,
    };
  }
  return id;
}
