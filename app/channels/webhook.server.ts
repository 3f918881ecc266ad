import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { z } from "zod";
import { headerSafeId, httpUrl, payloadInvalid, TEST_BOOKKEEPING, testResultOf } from "./common.server";
import { callRemote } from "./http.server";
import { nonPublicAddressProblem } from "./public-address.server";
import type { ChannelAdapter, ChannelContext, OutboundMessage, SendOutcome } from "./types";

/**
 * Generic outgoing webhooks signed per Standard Webhooks 1.0
 * (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md):
 * `webhook-id` (stable across retries, the receiver's idempotency key), `webhook-timestamp` (this
 * attempt) and `webhook-signature` (`v1,` + base64 HMAC-SHA256 of `id.timestamp.body` under the
 * channel's `whsec_` secret). Receivers dedupe on `webhook-id`, so a timeout is simply retried.
 */

const configSchema = z.object({ url: httpUrl });

const WHSEC = /^whsec_[A-Za-z0-9+/]+={0,2}$/;
const credentialsSchema = z.object({
  secret: z
    .string()
    .regex(WHSEC, "A Standard Webhooks secret starts with whsec_ followed by base64")
    .refine((s) => Buffer.from(s.slice(6), "base64").length >= 24, "The secret must hold at least 24 bytes"),
});

const payloadSchema = z.object({
  event: z.looseObject({ type: z.string().min(1) }),
});

type Config = z.infer<typeof configSchema>;
type Credentials = z.infer<typeof credentialsSchema>;

/** A fresh signing secret for a new webhook channel (32 random bytes, as the spec serialises them). */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/** `webhook-id` must not hold a `.` (it is part of the signed `id.timestamp.body`). */
export function webhookId(idempotencyKey: string): string {
  return `msg_${headerSafeId(idempotencyKey)}`;
}

async function post(
  ctx: ChannelContext<Config, Credentials>,
  url: string,
  id: string,
  event: unknown,
  beforeDispatch?: () => Promise<void>,
): Promise<SendOutcome> {
  const body = JSON.stringify(event);
  const timestamp = new Date();
  const signature = new Webhook(ctx.credentials.secret).sign(id, timestamp, body);
  const result = await callRemote(
    {
      method: "POST",
      url,
      body,
      headers: {
        "content-type": "application/json",
        "user-agent": "Clarion-Webhooks/1",
        "webhook-id": id,
        "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
        "webhook-signature": signature,
      },
    },
    { fetch: ctx.fetch, timeoutMs: ctx.timeoutMs, idempotent: true, beforeDispatch },
  );
  if (result.ok) return { outcome: "sent", remoteId: id, remoteUrl: null, httpStatus: result.status };
  if (result.outcome.httpStatus === 410) {
    return {
      outcome: "failed",
      reason:
        "The endpoint answered 410 Gone: it no longer accepts these webhooks. Remove or disable it in Settings → Channels.",
      httpStatus: 410,
    };
  }
  return result.outcome;
}

export const webhookAdapter: ChannelAdapter<Config, Credentials> = {
  kind: "webhook",
  label: "Webhook (Standard Webhooks)",
  idempotent: true,
  threads: false,
  configSchema,
  credentialsSchema,
  configFields: [
    {
      name: "url",
      label: "Endpoint URL",
      type: "url",
      required: true,
      placeholder: "https://example.com/hooks/clarion",
      help: "Receives a POST with a JSON event, signed per Standard Webhooks.",
    },
  ],
  credentialFields: [
    {
      name: "secret",
      label: "Signing secret",
      type: "secret",
      required: false,
      help: "whsec_… — one per endpoint; the receiver verifies webhook-signature with it. Leave empty and Clarion makes one (shown once).",
    },
  ],

  async send(ctx, message: OutboundMessage) {
    const payload = payloadSchema.safeParse(message.payload);
    if (!payload.success) return payloadInvalid("webhook", payload.error);
    let url = ctx.config.url;
    if (message.recipient) {
      const recipient = httpUrl.safeParse(message.recipient);
      if (!recipient.success)
        return { outcome: "failed", reason: "The subscriber's webhook address is not an http(s) URL." };
      url = recipient.data;
      const problem = ctx.allowPrivateRecipients ? null : await nonPublicAddressProblem(url, ctx.resolveHost);
      if (problem) return { outcome: "failed", reason: problem };
    }
    return post(ctx, url, webhookId(message.idempotencyKey), payload.data.event, () =>
      message.markDispatched(),
    );
  },

  async test(ctx) {
    const id = `ping_${randomBytes(12).toString("hex")}`;
    const event = {
      type: "ping",
      timestamp: new Date().toISOString(),
      data: { message: "Test from Clarion: the endpoint and its signing secret work. Ignore it." },
    };
    const outcome = await post(ctx, ctx.config.url, id, event, TEST_BOOKKEEPING.markDispatched);
    return testResultOf(outcome, () => `The endpoint accepted a signed ping event (${id}).`);
  },
};
