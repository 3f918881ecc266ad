import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Twilio's inbound-message webhook: validating `X-Twilio-Signature` and reading what a subscriber
 * texted back, so a STOP can mark them inactive. Pure functions: the route passes the raw form body,
 * the exact public URL Twilio called, the header and the account's Auth Token.
 *
 * Signature (https://www.twilio.com/docs/usage/webhooks/webhooks-security): the full URL, then each
 * POST parameter sorted by name as name + value with no separators, HMAC-SHA1 with the Auth Token,
 * base64. Opt-out keywords (https://help.twilio.com/articles/223134027): a message that is exactly
 * one of them, in any case; a Messaging Service with Advanced Opt-Out also sends `OptOutType`.
 */

export type FormParams = URLSearchParams | Record<string, string | string[]>;

function entries(params: FormParams): Array<[string, string]> {
  if (params instanceof URLSearchParams) return [...params.entries()];
  return Object.entries(params).flatMap(([key, value]) =>
    (Array.isArray(value) ? value : [value]).map((v): [string, string] => [key, v]),
  );
}

/** The signature Twilio computes for a request to `url` with these POST parameters. */
export function twilioSignature(authToken: string, url: string, params: FormParams): string {
  const data = entries(params)
    .sort(([a, va], [b, vb]) => (a < b ? -1 : a > b ? 1 : va < vb ? -1 : va > vb ? 1 : 0))
    .reduce((acc, [key, value]) => acc + key + value, url);
  return createHmac("sha1", authToken).update(data, "utf8").digest("base64");
}

/**
 * Twilio signs the URL as configured; proxies often add or drop the default port on the way in,
 * so (like Twilio's own helpers) both spellings are accepted.
 */
function urlVariants(url: string): string[] {
  const parsed = new URL(url); // normalises a default port away
  if (parsed.port) return [url]; // a non-default port is part of what Twilio signed
  const defaultPort = parsed.protocol === "https:" ? 443 : 80;
  const rest = `${parsed.pathname}${parsed.search}`;
  return [
    ...new Set([
      url,
      `${parsed.protocol}//${parsed.host}${rest}`,
      `${parsed.protocol}//${parsed.host}:${defaultPort}${rest}`,
    ]),
  ];
}

export function validTwilioSignature(input: {
  authToken: string;
  url: string;
  params: FormParams;
  signature: string | null | undefined;
}): boolean {
  if (!input.signature || !input.authToken) return false;
  const given = Buffer.from(input.signature);
  return urlVariants(input.url).some((url) => {
    const expected = Buffer.from(twilioSignature(input.authToken, url, input.params));
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
}

const OPT_OUT = new Set(["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"]);
const OPT_IN = new Set(["START", "YES", "UNSTOP", "OPTIN"]);
const HELP = new Set(["HELP", "INFO"]);

export interface InboundSms {
  messageSid: string;
  from: string;
  to: string;
  body: string;
  /** What the text asks for when it is a keyword: leave, come back, or help. */
  keyword: "stop" | "start" | "help" | null;
}

export type InboundResult =
  | { ok: true; message: InboundSms }
  | { ok: false; status: 400 | 403; reason: string };

/** Validate and read one inbound-message webhook request (its raw `application/x-www-form-urlencoded` body). */
export function parseTwilioInbound(input: {
  authToken: string;
  url: string;
  body: string;
  signature: string | null | undefined;
}): InboundResult {
  const params = new URLSearchParams(input.body);
  if (
    !validTwilioSignature({ authToken: input.authToken, url: input.url, params, signature: input.signature })
  )
    return { ok: false, status: 403, reason: "The X-Twilio-Signature header does not match this request." };
  const from = params.get("From");
  const messageSid = params.get("MessageSid") ?? params.get("SmsSid");
  if (!from || !messageSid)
    return { ok: false, status: 400, reason: "The request has no From or MessageSid." };
  const body = params.get("Body") ?? "";
  return {
    ok: true,
    message: {
      messageSid,
      from,
      to: params.get("To") ?? "",
      body,
      keyword: keywordOf(body, params.get("OptOutType")),
    },
  };
}

function keywordOf(body: string, optOutType: string | null): InboundSms["keyword"] {
  const type = optOutType?.toUpperCase();
  if (type === "STOP") return "stop";
  if (type === "START") return "start";
  if (type === "HELP") return "help";
  const word = body.trim().toUpperCase();
  if (OPT_OUT.has(word)) return "stop";
  if (OPT_IN.has(word)) return "start";
  if (HELP.has(word)) return "help";
  return null;
}
