import { z } from "zod";
import {
  baseUrl,
  headerSafeId,
  httpUrl,
  optional,
  payloadInvalid,
  TEST_BOOKKEEPING,
  testResultOf,
} from "./common.server";
import { callRemote, type HttpOptions } from "./http.server";
import type { ChannelAdapter, ChannelContext, OutboundMessage, SendOutcome } from "./types";

/**
 * Slack, two ways:
 * - an incoming webhook (https://api.slack.com/messaging/webhooks): POST `{text, blocks}`, answered
 *   `200 ok` or 400/403/404/410 with a plain-text error (invalid_payload, action_prohibited,
 *   channel_not_found/no_service, channel_is_archived), 429 with Retry-After. It returns no message
 *   id, so it cannot thread;
 * - the Web API (https://docs.slack.dev/reference/methods/chat.postMessage): bearer bot token,
 *   answered HTTP 200 `{ok: true, channel, ts}` or HTTP 200 `{ok: false, error}` — errors live in the
 *   body — and 429 with Retry-After when rate limited. Follow-ups go in the first post's thread
 *   (`thread_ts`); the link comes from chat.getPermalink.
 * Remote id: `channel:ts` (Web API), `webhook:<key>` (incoming webhook).
 */

const configSchema = z.object({
  mode: z.enum(["webhook", "api"]).default("webhook"),
  /** Web API only: the channel id (C…) or name the bot posts to. */
  channel: optional(z.string().trim()),
  apiBaseUrl: baseUrl("https://slack.com/api"),
});
const credentialsSchema = z.object({
  webhookUrl: optional(httpUrl),
  botToken: optional(z.string().trim()),
});
const payloadSchema = z
  .object({ text: z.string(), blocks: z.array(z.looseObject({ type: z.string() })).optional() })
  .refine((p) => p.text.trim() !== "" || (p.blocks?.length ?? 0) > 0, "A Slack message needs text or blocks");

type Config = z.infer<typeof configSchema>;
type Credentials = z.infer<typeof credentialsSchema>;
type Ctx = ChannelContext<Config, Credentials>;

/** Web API errors that mean the token (or its app) is not allowed: fix it in settings. */
const AUTH_ERRORS = new Set([
  "not_authed",
  "invalid_auth",
  "account_inactive",
  "token_revoked",
  "token_expired",
  "no_permission",
  "missing_scope",
  "not_allowed_token_type",
  "ekm_access_denied",
  "org_login_required",
]);
/** Slack itself failed and says some of the work may have happened. */
const MAYBE_DONE_ERRORS = new Set(["internal_error", "fatal_error"]);
const TRANSIENT_ERRORS = new Set(["ratelimited", "rate_limited", "service_unavailable", "request_timeout"]);

const HINTS: Record<string, string> = {
  not_in_channel: "the app is not in the channel — invite it (/invite @app) or give it chat:write.public",
  channel_not_found: "the channel does not exist or the app cannot see it — check the channel id",
  is_archived: "the channel is archived",
  msg_too_long: "the message is too long",
  no_text: "the message has no text",
  invalid_blocks: "Slack refused the blocks",
  restricted_action: "a workspace setting prevents the app from posting",
  missing_scope: "the token lacks the chat:write scope",
};

const WEBHOOK_HINTS: Record<string, string> = {
  no_service: "the webhook was removed or disabled — create a new one",
  channel_not_found: "the webhook's channel no longer exists",
  channel_is_archived: "the webhook's channel is archived",
  action_prohibited: "a workspace setting blocks this webhook",
  invalid_payload: "Slack could not read the message",
  invalid_token: "the webhook URL is no longer valid",
};

function apiOptions(ctx: Ctx, beforeDispatch?: () => Promise<void>): HttpOptions {
  return { fetch: ctx.fetch, timeoutMs: ctx.timeoutMs, idempotent: false, beforeDispatch };
}

/** Classify a Web API `{ok: false}` body that came back with HTTP 200. */
function apiError(
  body: { error?: string; errors?: string[] },
  headers: Headers,
  status: number,
): SendOutcome {
  const code = body.error ?? "unknown_error";
  const detail = [HINTS[code], body.errors?.[0]].filter(Boolean).join(": ");
  const reason = `Slack answered ${code}${detail ? ` (${detail})` : ""}`;
  if (AUTH_ERRORS.has(code))
    return {
      outcome: "failed",
      reason: `The channel's credentials were refused: ${reason}. Update the bot token in Settings → Channels.`,
      httpStatus: status,
    };
  if (TRANSIENT_ERRORS.has(code)) {
    const seconds = Number(headers.get("retry-after"));
    return {
      outcome: "retry",
      reason,
      retryAfterMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined,
      channelWide: code !== "request_timeout" && code !== "service_unavailable",
      httpStatus: status,
    };
  }
  if (MAYBE_DONE_ERRORS.has(code))
    return {
      outcome: "unknown",
      reason: `${reason}; Slack says part of it may have happened. Check the channel, then mark it sent or send it again.`,
      httpStatus: status,
    };
  return { outcome: "failed", reason: `${reason}.`, httpStatus: status };
}

async function permalink(ctx: Ctx, channel: string, ts: string): Promise<string | null> {
  const result = await callRemote(
    {
      method: "POST",
      url: `${ctx.config.apiBaseUrl}/chat.getPermalink`,
      headers: { authorization: `Bearer ${ctx.credentials.botToken}` },
      json: { channel, message_ts: ts },
    },
    apiOptions(ctx),
  );
  const body = result.ok ? (result.body as { ok?: boolean; permalink?: string } | null) : null;
  return body?.ok && typeof body.permalink === "string" ? body.permalink : null;
}

async function postApi(
  ctx: Ctx,
  content: { text: string; blocks?: unknown[] },
  message: Pick<OutboundMessage, "thread" | "markDispatched">,
): Promise<SendOutcome> {
  if (!ctx.credentials.botToken)
    return {
      outcome: "failed",
      reason: "The Slack channel has no bot token; add one in Settings → Channels.",
    };
  // Follow-ups answer in the thread of the incident's first post (Slack threads are one level deep).
  const [rootChannel, rootTs] = message.thread?.root.startsWith("webhook:")
    ? []
    : (message.thread?.root.split(":") ?? []);
  const channel = rootTs ? rootChannel : ctx.config.channel;
  if (!channel)
    return {
      outcome: "failed",
      reason: "The Slack channel has no channel id; set one in Settings → Channels.",
    };
  const result = await callRemote(
    {
      method: "POST",
      url: `${ctx.config.apiBaseUrl}/chat.postMessage`,
      headers: {
        authorization: `Bearer ${ctx.credentials.botToken}`,
        "content-type": "application/json; charset=utf-8",
      },
      json: { channel, ...content, ...(rootTs && { thread_ts: rootTs }), unfurl_links: false },
    },
    apiOptions(ctx, () => message.markDispatched()),
  );
  if (!result.ok) return result.outcome;
  const body = result.body as { ok?: boolean; ts?: string; channel?: string; error?: string } | null;
  if (!body || typeof body !== "object" || (body.ok && (!body.ts || !body.channel)))
    return {
      outcome: "unknown",
      reason:
        "Slack answered without a readable message id; check the channel, then mark it sent or send it again.",
      httpStatus: result.status,
    };
  if (!body.ok || !body.ts || !body.channel) return apiError(body, result.headers, result.status);
  return {
    outcome: "sent",
    remoteId: `${body.channel}:${body.ts}`,
    // The post is done: a missing link must not turn it into a failure.
    remoteUrl: await permalink(ctx, body.channel, body.ts).catch(() => null),
    httpStatus: result.status,
  };
}

async function postWebhook(
  ctx: Ctx,
  content: { text: string; blocks?: unknown[] },
  idempotencyKey: string,
  beforeDispatch: () => Promise<void>,
): Promise<SendOutcome> {
  if (!ctx.credentials.webhookUrl)
    return {
      outcome: "failed",
      reason: "The Slack channel has no webhook URL; add one in Settings → Channels.",
    };
  const result = await callRemote(
    { method: "POST", url: ctx.credentials.webhookUrl, json: content, headers: { accept: "text/plain" } },
    {
      ...apiOptions(ctx, beforeDispatch),
      describeError: (_status, _body, text) => {
        const code = text.trim().slice(0, 100);
        return code ? `${code}${WEBHOOK_HINTS[code] ? ` (${WEBHOOK_HINTS[code]})` : ""}` : null;
      },
    },
  );
  if (!result.ok) return result.outcome;
  return {
    outcome: "sent",
    remoteId: `webhook:${headerSafeId(idempotencyKey)}`,
    remoteUrl: null,
    httpStatus: result.status,
  };
}

export const slackAdapter: ChannelAdapter<Config, Credentials> = {
  kind: "slack",
  label: "Slack",
  idempotent: false,
  threads: true,
  configSchema,
  credentialsSchema,
  configFields: [
    {
      name: "mode",
      label: "Post with",
      type: "text",
      required: true,
      defaultValue: "webhook",
      help: "“webhook” (an incoming webhook URL) or “api” (a bot token: threads follow-ups, links to posts).",
    },
    { name: "channel", label: "Channel id (api)", type: "text", required: false, placeholder: "C0123456789" },
    {
      name: "apiBaseUrl",
      label: "Web API base URL",
      type: "url",
      required: false,
      defaultValue: "https://slack.com/api",
    },
  ],
  credentialFields: [
    { name: "webhookUrl", label: "Incoming webhook URL (webhook)", type: "secret", required: false },
    {
      name: "botToken",
      label: "Bot token (api)",
      type: "secret",
      required: false,
      help: "xoxb-…, scope chat:write.",
    },
  ],

  async send(ctx, message) {
    const payload = payloadSchema.safeParse(message.payload);
    if (!payload.success) return payloadInvalid("Slack", payload.error);
    const content = { text: payload.data.text, ...(payload.data.blocks && { blocks: payload.data.blocks }) };
    if (ctx.config.mode === "api") return postApi(ctx, content, message);
    return postWebhook(ctx, content, message.idempotencyKey, () => message.markDispatched());
  },

  async test(ctx) {
    if (ctx.config.mode === "webhook") {
      const text = ":test_tube: Clarion test message — this channel is connected. Please ignore.";
      const outcome = await postWebhook(ctx, { text }, "test", TEST_BOOKKEEPING.markDispatched);
      return testResultOf(outcome, () => "The webhook accepted a test message; it is in the channel.");
    }
    if (!ctx.credentials.botToken) return { ok: false, message: "Add a bot token first." };
    const result = await callRemote(
      {
        method: "POST",
        url: `${ctx.config.apiBaseUrl}/auth.test`,
        headers: { authorization: `Bearer ${ctx.credentials.botToken}` },
      },
      apiOptions(ctx),
    );
    if (!result.ok) return { ok: false, message: result.outcome.reason };
    const body = result.body as {
      ok?: boolean;
      error?: string;
      user?: string;
      team?: string;
      url?: string;
    } | null;
    if (!body?.ok) return { ok: false, message: `Slack refused the token: ${body?.error ?? "no answer"}.` };
    return {
      ok: true,
      message: `Signed in as @${body.user ?? "?"} in ${body.team ?? "the workspace"}${body.url ? ` (${body.url})` : ""}.`,
    };
  },
};
