import type { DeliveryState } from "~db/schema/enums";

/**
 * Retry policy of the delivery outbox (pure). Exponential backoff with jitter, so a channel that comes
 * back is not hit by every queued message at the same instant; a remote's own Retry-After is a floor.
 */

export interface RetryPolicy {
  baseMs: number;
  capMs: number;
  maxAttempts: number;
}

export const RETRY_POLICY: RetryPolicy = {
  /** First retry after about this long. */
  baseMs: 2_000,
  /** No wait is longer than this (a Retry-After beyond it is still honoured). */
  capMs: 10 * 60_000,
  /** After this many attempts a retryable error becomes a failure a person sees. */
  maxAttempts: 12,
};

/**
 * Delay before attempt `attempts + 1`, given `attempts` made so far (≥ 1). "Equal jitter": half the
 * exponential step fixed, half random, so waits still grow while spreading out.
 */
export function backoffMs(
  attempts: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
  policy: RetryPolicy = RETRY_POLICY,
): number {
  const step = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  const jittered = step / 2 + random() * (step / 2);
  return Math.round(Math.max(jittered, retryAfterMs ?? 0));
}

export const DELIVERY_STATE_LABELS: Record<DeliveryState, string> = {
  pending: "Queued",
  sending: "Sending",
  sent: "Sent",
  failed: "Failed",
  unknown: "Unknown — check the channel",
  cancelled: "Cancelled",
};

/** States a delivery never leaves by itself. */
export function isSettled(state: DeliveryState): boolean {
  return state === "sent" || state === "failed" || state === "unknown" || state === "cancelled";
}
