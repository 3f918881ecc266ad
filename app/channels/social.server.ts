import { z } from "zod";
import type { OutboundMessage, PostedPart, SendOutcome } from "./types";

/**
 * What the social adapters (X, Facebook, Mastodon, Bluesky) share: posting a message as a thread that
 * resumes after the parts an earlier attempt recorded, and a few small parsing helpers.
 */

export type NotSent = Exclude<SendOutcome, { outcome: "sent" }>;

/** An http(s) base URL, kept without its trailing slash so paths can be appended. */
export const baseUrlSchema = z
  .url({ protocol: /^https?$/, error: "Enter an http(s) address." })
  .transform((url) => url.replace(/\/+$/, ""));

export function isNotSent(value: unknown): value is NotSent {
  return Boolean(value && typeof value === "object" && "outcome" in value);
}

/** A zod failure as one sentence naming the field, for a `failed` reason a person can act on. */
export function describeIssues(channel: string, error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue?.path.length ? ` (${issue.path.join(".")})` : "";
  return `The ${channel} message is not valid${where}: ${issue?.message ?? "unreadable payload"}.`;
}

export function notForNotifications(channel: string): NotSent {
  return {
    outcome: "failed",
    reason: `${channel} posts updates and replies; it does not notify subscribers.`,
  };
}

/** A reply needs the complaint it answers. */
export function missingComplaint(channel: string): NotSent {
  return { outcome: "failed", reason: `This ${channel} reply names no post to answer.` };
}

export interface PostPartArgs<T> {
  part: T;
  index: number;
  /** The remote id this part answers: the thread's target for the first part, else the previous part. */
  answer: string | null;
  /** Every part posted so far, by earlier attempts and this one. */
  posted: readonly PostedPart[];
  /** Pass as callRemote's `beforeDispatch`: marks the attempt dispatched once, before its first post. */
  beforeDispatch: () => Promise<void>;
}

/**
 * Post `parts` as a thread: the first answers `firstTarget` (a thread's latest post, or a complaint),
 * each later part answers the one before. Parts an earlier attempt recorded are skipped and the thread
 * continues under the last of them; each new part is recorded before the next one is posted.
 *
 * `sent` names the message's first part (its link is what people open); every part is in the recorded
 * progress, whose last entry is the post a later update should answer.
 */
export async function postThread<T>(options: {
  message: OutboundMessage;
  parts: readonly T[];
  firstTarget: string | null;
  post: (args: PostPartArgs<T>) => Promise<PostedPart | NotSent>;
}): Promise<SendOutcome> {
  const { message, parts } = options;
  const posted: PostedPart[] = [...message.postedParts];
  let dispatched = false;
  const beforeDispatch = async () => {
    if (dispatched) return;
    dispatched = true;
    await message.markDispatched();
  };
  for (let index = posted.length; index < parts.length; index++) {
    const answer = posted.length ? posted[posted.length - 1].remoteId : options.firstTarget;
    const result = await options.post({ part: parts[index], index, answer, posted, beforeDispatch });
    if (isNotSent(result)) {
      if (posted.length > 0 && result.outcome !== "unknown") {
        return { ...result, reason: `${result.reason} (${posted.length} of ${parts.length} parts posted)` };
      }
      return result;
    }
    await message.recordPart(result);
    posted.push(result);
  }
  const first = posted[0];
  if (!first) return { outcome: "failed", reason: "The message has no parts to post." };
  return { outcome: "sent", remoteId: first.remoteId, remoteUrl: first.remoteUrl };
}

/** A header holding epoch seconds (X's x-rate-limit-reset, Bluesky's ratelimit-reset) as a delay in ms. */
export function epochSecondsDelay(headers: Headers, name: string, now = Date.now()): number | null {
  const value = headers.get(name)?.trim();
  if (!value || !/^\d+$/.test(value)) return null;
  return Math.max(0, Number(value) * 1000 - now);
}

export function asRecord(value: unknown): Record<string, unknown> | null {
  return value && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

export function stringField(value: unknown, key: string): string | null {
  const field = asRecord(value)?.[key];
  return typeof field === "string" && field ? field : null;
}
