import type { z } from "zod";
import type { ChannelKind } from "~db/schema/enums";
import type { ResolveHost } from "./public-address.server";

/**
 * The one interface every outbound channel implements. The delivery worker knows nothing about X or
 * SMTP: it hands an adapter a frozen message and settles the delivery by the outcome it returns.
 *
 * Outcomes are the contract that makes delivery durable and never double:
 * - `sent`     the remote accepted it (its id and a link where it has one);
 * - `retry`    nothing was posted, or the remote dedupes by our key: try again later (429, 5xx,
 *              connection refused), honouring `retryAfterMs` when the remote said how long;
 * - `failed`   a permanent error a person must fix (401, 403, 400 with its reason): never retried;
 * - `unknown`  the request may have reached a remote that cannot dedupe (a timeout after sending):
 *              a person checks the channel and settles it, it is never re-posted blindly.
 */
export type SendOutcome =
  | { outcome: "sent"; remoteId: string; remoteUrl: string | null; httpStatus?: number }
  | {
      outcome: "retry";
      reason: string;
      retryAfterMs?: number;
      httpStatus?: number;
      /** The limit is the channel's (an account-wide 429), so hold its other deliveries too. */
      channelWide?: boolean;
    }
  | {
      outcome: "failed";
      reason: string;
      httpStatus?: number;
      /** The remote refused this recipient for good (a hard bounce, an opted-out number). */
      recipientRejected?: boolean;
    }
  | { outcome: "unknown"; reason: string; httpStatus?: number };

/** Opaque remote ids this channel returned for the incident's earlier posts, to thread under. */
export interface ThreadRef {
  /** The first post of the incident on this channel. */
  root: string;
  /** The latest post of the incident on this channel (the one to answer). */
  parent: string;
}

/** The complaint a reply answers, as it was received from this channel. */
export interface ComplaintRef {
  externalId: string;
  url: string | null;
  authorHandle: string | null;
}

/** One part of a multi-part message (a thread) already posted: recorded so a retry resumes after it. */
export interface PostedPart {
  remoteId: string;
  remoteUrl: string | null;
}

export interface OutboundMessage {
  /** What the message is: an incident update, a reply to a complaint, or a subscriber notification. */
  purpose: "update" | "reply" | "notification";
  /** The channel-specific payload exactly as approved (see app/domain/channels), validated by the adapter. */
  payload: unknown;
  /** Stable for this delivery across every retry; adapters derive per-part keys from it. */
  idempotencyKey: string;
  /** Earlier posts of the same incident on this channel, when the channel can thread. */
  thread: ThreadRef | null;
  /** Set for replies: the post or ticket being answered. */
  replyTo: ComplaintRef | null;
  /** Set for subscriber notifications: the address (email, E.164 phone, or URL) to deliver to. */
  recipient: string | null;
  /** Parts of this message already posted by an earlier attempt (threads); resume after them. */
  postedParts: PostedPart[];
  /**
   * Record a part as posted before posting the next one. It is durable when the promise resolves, so
   * a crash between parts resumes after the last recorded part instead of posting it again.
   */
  recordPart(part: PostedPart): Promise<void>;
  /**
   * Called immediately before the request that posts something leaves this process; resolves once the
   * fact is durable. A crash after this call and before an outcome makes the attempt `unknown` (on a
   * channel that cannot dedupe); a crash before it is safely retried.
   */
  markDispatched(): Promise<void>;
}

/** Everything an adapter needs to talk to its remote: its settings, secrets and a fetch with timeouts. */
export interface ChannelContext<Config, Credentials> {
  config: Config;
  credentials: Credentials;
  fetch: typeof fetch;
  /** Per request; a timeout after sending is an `unknown` outcome unless the channel dedupes. */
  timeoutMs: number;
  /** The console's public address, for links back to the status page. */
  publicUrl: string;
  /**
   * How a subscriber's own address (typed on the public status page) is resolved before Clarion calls
   * it; DNS by default. Tests pass a fixed answer.
   */
  resolveHost?: ResolveHost;
  /**
   * Let subscribers' webhooks reach loopback and private addresses (tests with local receivers only;
   * never set by the delivery worker).
   */
  allowPrivateRecipients?: boolean;
}

/** A field of the channel's settings form (rendered generically by Settings → Channels). */
export interface ChannelField {
  name: string;
  label: string;
  /** `secret` fields are stored encrypted and never sent back to the browser. */
  type: "text" | "url" | "secret" | "email" | "tel" | "number" | "textarea";
  required: boolean;
  help?: string;
  placeholder?: string;
  /** Default value shown in the form (never for secrets). */
  defaultValue?: string;
}

export interface ChannelTestResult {
  ok: boolean;
  /** What to show the admin: "Signed in as @clarion on mastodon.example", or the remote's error. */
  message: string;
}

export interface ChannelAdapter<Config = unknown, Credentials = unknown> {
  kind: ChannelKind;
  label: string;
  /** Posting twice with the same idempotency key cannot create two posts (the remote dedupes). */
  idempotent: boolean;
  /** Follow-up updates can be posted under the first one. */
  threads: boolean;
  /** Non-secret settings (base URL, page id, sender …), parsed with the adapter's own rules. */
  configSchema: z.ZodType<Config>;
  credentialsSchema: z.ZodType<Credentials>;
  configFields: ChannelField[];
  credentialFields: ChannelField[];
  send(ctx: ChannelContext<Config, Credentials>, message: OutboundMessage): Promise<SendOutcome>;
  /**
   * "Send test" in settings: checks the credentials against the remote without posting publicly where
   * the remote allows it (verify credentials, read the page), otherwise sends a clearly marked test
   * message (to `to`, for email and SMS).
   */
  test(ctx: ChannelContext<Config, Credentials>, options: { to?: string }): Promise<ChannelTestResult>;
}

// biome-ignore lint/suspicious/noExplicitAny: the registry holds adapters of every config type.
export type AnyChannelAdapter = ChannelAdapter<any, any>;
