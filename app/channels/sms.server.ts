import { z } from "zod";
import { baseUrl, E164, httpUrl, listOf, optional, payloadInvalid } from "./common.server";
import { callRemote, type HttpOptions } from "./http.server";
import type {
  ChannelAdapter,
  ChannelContext,
  ChannelTestResult,
  OutboundMessage,
  SendOutcome,
} from "./types";

/**
 * SMS through Twilio Programmable Messaging
 * (https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource):
 * `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`, form-encoded To, From or
 * MessagingServiceSid, Body, StatusCallback; HTTP Basic with the Account SID and Auth Token, or an
 * API key SID and secret. 201 returns the message resource (`sid`, `status`); errors are
 * `{code, message, more_info, status}` (https://www.twilio.com/docs/api/errors): 21211 invalid To,
 * 21610 the recipient replied STOP, 20003 refused credentials (401), 20429 too many requests (429).
 * Twilio offers no idempotency key for messages, so a timeout after sending is `unknown`.
 * Several configured numbers are one message in parts: each sent SID is recorded before the next.
 */

const configSchema = z
  .object({
    baseUrl: baseUrl("https://api.twilio.com"),
    accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, "An Account SID is AC followed by 32 hex digits"),
    from: optional(z.string().trim()),
    messagingServiceSid: optional(
      z.string().regex(/^MG[0-9a-fA-F]{32}$/, "A Messaging Service SID is MG followed by 32 hex digits"),
    ),
    /** Numbers that receive incident updates (subscribers are addressed one by one instead). */
    to: listOf(z.string().regex(E164, "Phone numbers are in E.164 form, like +447700900123")).default([]),
    statusCallbackUrl: optional(httpUrl),
  })
  .refine((c) => c.from || c.messagingServiceSid, "Set a From number or a Messaging Service SID");

const credentialsSchema = z
  .object({
    authToken: optional(z.string()),
    apiKeySid: optional(
      z.string().regex(/^SK[0-9a-fA-F]{32}$/, "An API key SID is SK followed by 32 hex digits"),
    ),
    apiKeySecret: optional(z.string()),
  })
  .refine(
    (c) => c.authToken || (c.apiKeySid && c.apiKeySecret),
    "Set the Auth Token, or an API key SID and secret",
  );

const payloadSchema = z.object({ text: z.string().trim().min(1).max(1600) });

type Config = z.infer<typeof configSchema>;
type Credentials = z.infer<typeof credentialsSchema>;
type Ctx = ChannelContext<Config, Credentials>;

interface TwilioError {
  code?: number;
  message?: string;
  more_info?: string;
}

const HINTS: Record<number, string> = {
  21211: "the number is not a valid phone number",
  21610: "the recipient replied STOP and has unsubscribed",
  21408: "the account may not send to this country",
  21614: "the number cannot receive SMS",
  21606: "the From number cannot send SMS",
  21608: "a trial account can only text verified numbers",
};

function auth(ctx: Ctx): string {
  const { apiKeySid, apiKeySecret, authToken } = ctx.credentials;
  const pair =
    apiKeySid && apiKeySecret ? `${apiKeySid}:${apiKeySecret}` : `${ctx.config.accountSid}:${authToken}`;
  return `Basic ${Buffer.from(pair).toString("base64")}`;
}

function options(ctx: Ctx, beforeDispatch?: () => Promise<void>): HttpOptions {
  return {
    fetch: ctx.fetch,
    timeoutMs: ctx.timeoutMs,
    idempotent: false,
    beforeDispatch,
    describeError: (_status, body) => {
      const error = body as TwilioError | null;
      if (!error?.message) return null;
      const hint = error.code ? HINTS[error.code] : undefined;
      return `${error.message}${error.code ? ` (Twilio error ${error.code}${hint ? `: ${hint}` : ""})` : ""}`;
    },
  };
}

function account(ctx: Ctx): string {
  return `${ctx.config.baseUrl}/2010-04-01/Accounts/${ctx.config.accountSid}`;
}

async function sendOne(
  ctx: Ctx,
  to: string,
  text: string,
  beforeDispatch: () => Promise<void>,
): Promise<SendOutcome> {
  const form = new URLSearchParams({ To: to, Body: text });
  if (ctx.config.messagingServiceSid) form.set("MessagingServiceSid", ctx.config.messagingServiceSid);
  if (ctx.config.from) form.set("From", ctx.config.from);
  if (ctx.config.statusCallbackUrl) form.set("StatusCallback", ctx.config.statusCallbackUrl);
  const result = await callRemote(
    {
      method: "POST",
      url: `${account(ctx)}/Messages.json`,
      headers: { authorization: auth(ctx), "content-type": "application/x-www-form-urlencoded" },
      body: form.toString(),
    },
    options(ctx, beforeDispatch),
  );
  if (!result.ok) return result.outcome;
  const sid = (result.body as { sid?: unknown } | null)?.sid;
  if (typeof sid !== "string")
    return {
      outcome: "unknown",
      reason: `Twilio answered ${result.status} without a message SID; check its message log before sending again.`,
      httpStatus: result.status,
    };
  return { outcome: "sent", remoteId: sid, remoteUrl: null, httpStatus: result.status };
}

async function sendAll(
  ctx: Ctx,
  message: OutboundMessage,
  recipients: string[],
  text: string,
): Promise<SendOutcome> {
  const sids = message.postedParts.map((part) => part.remoteId);
  // Resume after the numbers an earlier attempt already texted (recorded in order).
  for (const to of recipients.slice(sids.length)) {
    const outcome = await sendOne(ctx, to, text, () => message.markDispatched());
    if (outcome.outcome !== "sent") {
      if (sids.length === 0 || outcome.outcome === "unknown") return outcome;
      return {
        ...outcome,
        reason: `${outcome.reason} (${sids.length} of ${recipients.length} numbers already texted)`,
      };
    }
    if (recipients.length > 1) await message.recordPart({ remoteId: outcome.remoteId, remoteUrl: null });
    sids.push(outcome.remoteId);
  }
  return { outcome: "sent", remoteId: sids.join(","), remoteUrl: null };
}

export const smsAdapter: ChannelAdapter<Config, Credentials> = {
  kind: "sms",
  label: "SMS (Twilio)",
  idempotent: false,
  threads: false,
  configSchema,
  credentialsSchema,
  configFields: [
    { name: "accountSid", label: "Account SID", type: "text", required: true, placeholder: "AC…" },
    {
      name: "from",
      label: "From number or sender id",
      type: "tel",
      required: false,
      placeholder: "+447700900100",
    },
    {
      name: "messagingServiceSid",
      label: "Messaging Service SID",
      type: "text",
      required: false,
      placeholder: "MG…",
      help: "Instead of (or with) a From number.",
    },
    {
      name: "to",
      label: "Numbers for incident updates",
      type: "textarea",
      required: false,
      help: "E.164, one per line. Subscribers are texted individually.",
    },
    { name: "statusCallbackUrl", label: "Status callback URL", type: "url", required: false },
    {
      name: "baseUrl",
      label: "API base URL",
      type: "url",
      required: false,
      defaultValue: "https://api.twilio.com",
    },
  ],
  credentialFields: [
    {
      name: "authToken",
      label: "Auth Token",
      type: "secret",
      required: false,
      help: "Also verifies replies (STOP) Twilio forwards to Clarion.",
    },
    { name: "apiKeySid", label: "API key SID", type: "text", required: false, placeholder: "SK…" },
    { name: "apiKeySecret", label: "API key secret", type: "secret", required: false },
  ],

  async send(ctx, message) {
    const payload = payloadSchema.safeParse(message.payload);
    if (!payload.success) return payloadInvalid("SMS", payload.error);
    const recipients = message.recipient ? [message.recipient] : ctx.config.to;
    if (recipients.length === 0)
      return { outcome: "failed", reason: "No phone numbers to text: add some in Settings → Channels." };
    const invalid = recipients.find((to) => !E164.test(to));
    if (invalid)
      return { outcome: "failed", reason: `${invalid} is not an E.164 phone number (like +447700900123).` };
    return sendAll(ctx, message, recipients, payload.data.text);
  },

  async test(ctx, { to }): Promise<ChannelTestResult> {
    const result = await callRemote(
      { method: "GET", url: `${account(ctx)}.json`, headers: { authorization: auth(ctx) } },
      options(ctx),
    );
    if (!result.ok) return { ok: false, message: result.outcome.reason };
    const acct = result.body as { friendly_name?: string; status?: string } | null;
    const signedIn = `Signed in to Twilio account “${acct?.friendly_name ?? ctx.config.accountSid}” (${acct?.status ?? "unknown status"})`;
    if (acct?.status && acct.status !== "active")
      return { ok: false, message: `${signedIn}: it cannot send.` };
    if (!to) return { ok: true, message: `${signedIn}.` };
    if (!E164.test(to)) return { ok: false, message: `${to} is not an E.164 phone number.` };
    const sent = await sendOne(
      ctx,
      to,
      "Clarion test message: this SMS channel works. No reply needed.",
      async () => {},
    );
    if (sent.outcome !== "sent")
      return { ok: false, message: `${signedIn}, but the test SMS failed: ${sent.reason}` };
    return { ok: true, message: `${signedIn}; test SMS ${sent.remoteId} queued for ${to}.` };
  },
};
