import { createHash } from "node:crypto";
import { z } from "zod";
import type { ChannelTestResult, SendOutcome } from "./types";

/** Small pieces every messaging adapter shares: list fields from the settings form, E.164, ids. */

/** An E.164 phone number: `+`, a country code, at most 15 digits (ITU-T E.164). */
export const E164 = /^\+[1-9]\d{1,14}$/;

/**
 * A list setting typed into a textarea ("a@x.org, b@x.org" or one per line) or stored as an array,
 * each entry validated by `item`.
 */
export function listOf<T extends z.ZodType<string>>(item: T) {
  return z.preprocess(
    (value) =>
      typeof value === "string"
        ? value
            .split(/[\n,;]+/)
            .map((part) => part.trim())
            .filter(Boolean)
        : value,
    z.array(item),
  );
}

/** An optional setting: a field left blank in the settings form counts as not set. */
export function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess(
    (value) => (typeof value === "string" && value.trim() === "" ? undefined : value),
    schema.optional(),
  );
}

/** An http(s) URL (the URL constructor alone accepts `javascript:` and friends). */
export const httpUrl = z.url({ protocol: /^https?$/ });

/** A base URL without its trailing slash, so paths can be appended with a `/`. */
export function baseUrl(defaultValue: string) {
  return httpUrl.default(defaultValue).transform((url) => url.replace(/\/+$/, ""));
}

/** A token safe to put in a header or Message-ID: the key itself when it is plain, else its hash. */
export function headerSafeId(key: string): string {
  if (/^[A-Za-z0-9_-]{1,64}$/.test(key)) return key;
  return createHash("sha256").update(key).digest("base64url").slice(0, 32);
}

export function payloadInvalid(channel: string, error: z.ZodError): SendOutcome {
  const issue = error.issues[0];
  const where = issue?.path.length ? ` (${issue.path.join(".")})` : "";
  return {
    outcome: "failed",
    reason: `The ${channel} message is not valid${where}: ${issue?.message ?? "invalid"}.`,
  };
}

/** What "Send test" shows when the test went through the same path as a delivery. */
export function testResultOf(
  outcome: SendOutcome,
  okMessage: (remoteId: string) => string,
): ChannelTestResult {
  if (outcome.outcome === "sent") return { ok: true, message: okMessage(outcome.remoteId) };
  return { ok: false, message: outcome.reason };
}

/** A message that does nothing on delivery bookkeeping: "Send test" posts outside the outbox. */
export const TEST_BOOKKEEPING = {
  thread: null,
  replyTo: null,
  postedParts: [],
  recordPart: async () => {},
  markDispatched: async () => {},
} as const;
