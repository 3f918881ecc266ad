import { z } from "zod";
import { callRemote, type HttpResult } from "./http.server";
import { oauth1Header } from "./oauth1.server";
import {
  asRecord,
  baseUrlSchema,
  describeIssues,
  epochSecondsDelay,
  missingComplaint,
  type NotSent,
  notForNotifications,
  postThread,
  stringField,
} from "./social.server";
import type { ChannelAdapter, ChannelContext, ComplaintRef } from "./types";

/**
 * X (API v2): `POST /2/tweets`, a thread being each part replying to the one before
 * (`reply.in_reply_to_tweet_id`). X has no idempotency key, so a post whose answer never came is
 * `unknown`: a person checks the account before anything is sent again.
 *
 * Credentials are OAuth 1.0a user keys (the app's consumer key and secret, the account's access token
 * and secret) rather than an OAuth 2.0 user token: OAuth 2.0 user tokens expire after two hours and
 * their refresh tokens rotate on every use, which would need credentials rewritten from the worker;
 * OAuth 1.0a user tokens do not expire, so the keys entered once in settings keep working in a crisis.
 */

const configSchema = z.object({ baseUrl: baseUrlSchema.default("https://api.x.com") });
const credentialsSchema = z.object({
  consumerKey: z.string().trim().min(1),
  consumerSecret: z.string().trim().min(1),
  accessToken: z.string().trim().min(1),
  accessTokenSecret: z.string().trim().min(1),
});
const payloadSchema = z.object({ parts: z.array(z.string().trim().min(1, "a part is empty")).min(1) });

type Config = z.infer<typeof configSchema>;
type Credentials = z.infer<typeof credentialsSchema>;
type Ctx = ChannelContext<Config, Credentials>;

const TWEET_ID = /^[0-9]{1,19}$/;

export const xAdapter: ChannelAdapter<Config, Credentials> = {
  kind: "x",
  label: "X",
  idempotent: false,
  threads: true,
  configSchema,
  credentialsSchema,
  configFields: [
    {
      name: "baseUrl",
      label: "API address",
      type: "url",
      required: false,
      defaultValue: "https://api.x.com",
      help: "Leave as is unless you route X through a proxy.",
    },
  ],
  credentialFields: [
    { name: "consumerKey", label: "API key (consumer key)", type: "secret", required: true },
    { name: "consumerSecret", label: "API key secret", type: "secret", required: true },
    {
      name: "accessToken",
      label: "Access token",
      type: "secret",
      required: true,
      help: "Generated for the posting account with Read and Write permission (OAuth 1.0a).",
    },
    { name: "accessTokenSecret", label: "Access token secret", type: "secret", required: true },
  ],

  async send(ctx, message) {
    if (message.purpose === "notification") return notForNotifications("X");
    const payload = payloadSchema.safeParse(message.payload);
    if (!payload.success) return { outcome: "failed", reason: describeIssues("X", payload.error) };
    let firstTarget: string | null = null;
    if (message.purpose === "reply") {
      if (!message.replyTo) return missingComplaint("X");
      firstTarget = tweetIdOf(message.replyTo);
      if (!firstTarget) return { outcome: "failed", reason: "The complaint has no X post id to answer." };
    } else if (message.thread) {
      firstTarget = message.thread.parent;
    }
    return postThread({
      message,
      parts: payload.data.parts,
      firstTarget,
      async post({ part, answer, beforeDispatch }) {
        const json = answer ? { text: part, reply: { in_reply_to_tweet_id: answer } } : { text: part };
        const result = await xCall(ctx, "POST", "/2/tweets", json, beforeDispatch);
        if (!result.ok) return reclassify(result);
        const id = stringField(asRecord(result.body)?.data, "id");
        if (!id) {
          return {
            outcome: "unknown",
            reason: `X answered ${result.status} without the new post's id: it may have been posted. Check the account.`,
            httpStatus: result.status,
          };
        }
        return { remoteId: id, remoteUrl: `https://x.com/i/web/status/${id}` };
      },
    });
  },

  async test(ctx) {
    const result = await xCall(ctx, "GET", "/2/users/me");
    if (!result.ok) return { ok: false, message: reclassify(result).reason };
    const data = asRecord(asRecord(result.body)?.data);
    const username = stringField(data, "username");
    if (!username) return { ok: false, message: "X answered without the signed-in account." };
    const name = stringField(data, "name");
    return { ok: true, message: `Signed in as @${username}${name ? ` (${name})` : ""} on X.` };
  },
};

function xCall(
  ctx: Ctx,
  method: "GET" | "POST",
  path: string,
  json?: unknown,
  beforeDispatch?: () => Promise<void>,
): Promise<HttpResult> {
  const url = `${ctx.config.baseUrl}${path}`;
  const authorization = oauth1Header(method, url, {
    consumerKey: ctx.credentials.consumerKey,
    consumerSecret: ctx.credentials.consumerSecret,
    token: ctx.credentials.accessToken,
    tokenSecret: ctx.credentials.accessTokenSecret,
  });
  return callRemote(
    { method, url, headers: { authorization }, json },
    {
      fetch: ctx.fetch,
      timeoutMs: ctx.timeoutMs,
      idempotent: method === "GET",
      beforeDispatch,
      describeError: describeXError,
      rateLimitDelayMs: xRateLimitDelay,
    },
  );
}

/** The post being answered: the complaint's id, or the id in its x.com / twitter.com link. */
function tweetIdOf(ref: ComplaintRef): string | null {
  if (TWEET_ID.test(ref.externalId)) return ref.externalId;
  for (const candidate of [ref.externalId, ref.url]) {
    const match = candidate?.match(
      /^https:\/\/(?:www\.|mobile\.)?(?:x|twitter)\.com\/[^/]+\/status(?:es)?\/(\d{1,19})/,
    );
    if (match) return match[1];
  }
  return null;
}

/**
 * X's errors are RFC 7807 problems (`title`, `detail`, `type`, `status`), sometimes with an `errors`
 * list whose messages are more precise than the `detail` ("One or more parameters … was invalid").
 */
export function describeXError(_status: number, body: unknown): string | null {
  const problem = asRecord(body);
  if (!problem) return null;
  const messages = Array.isArray(problem.errors)
    ? problem.errors.map((e) => stringField(e, "message") ?? stringField(e, "detail")).filter(Boolean)
    : [];
  if (messages.length) return messages.join("; ");
  return stringField(problem, "detail") ?? stringField(problem, "title");
}

/** The 15-minute window's reset, or the 24-hour user cap's when that is what ran out. */
export function xRateLimitDelay(headers: Headers): number | null {
  if (headers.get("x-user-limit-24hour-remaining") === "0") {
    const daily = epochSecondsDelay(headers, "x-user-limit-24hour-reset");
    if (daily !== null) return daily;
  }
  return epochSecondsDelay(headers, "x-rate-limit-reset");
}

/** X answers 403 for refusals that are not about credentials (duplicate text, a hidden post). */
function reclassify(result: Extract<HttpResult, { ok: false }>): NotSent {
  const response = result.response;
  if (response?.status !== 403) return result.outcome;
  const detail = describeXError(403, response.body) ?? "Forbidden";
  const type = stringField(response.body, "type") ?? "";
  const aboutAccess =
    /oauth|client-forbidden|unsupported-authentication|not permitted|access to a subset/i.test(
      `${type} ${detail}`,
    );
  return {
    outcome: "failed",
    reason: aboutAccess
      ? `X refused the app's access (403): ${detail} Check the app's permissions and keys in Settings → Channels.`
      : `X refused the post (403): ${detail}`,
    httpStatus: 403,
  };
}
