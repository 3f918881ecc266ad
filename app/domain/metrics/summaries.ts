import { round, share } from "./stats";

/**
 * Response coverage and delivery reliability, shaped from the grouped counts the database returns (it
 * counts and takes medians over the rows; this names, divides and orders them).
 */

// ——— Response coverage ———

export interface CoverageGroup {
  key: string;
  complaints: number;
  answered: number;
  /** Median seconds from a complaint to its first reply, over the answered ones. */
  medianFirstReplySeconds: number | null;
}

export interface CoverageRow {
  key: string;
  complaints: number;
  answered: number;
  /** Answered ÷ complaints. */
  coverage: number | null;
  medianFirstReplyMinutes: number | null;
}

export function coverageRow(g: CoverageGroup): CoverageRow {
  return {
    key: g.key,
    complaints: g.complaints,
    answered: g.answered,
    coverage: round(share(g.answered, g.complaints), 3),
    medianFirstReplyMinutes:
      g.medianFirstReplySeconds === null ? null : round(g.medianFirstReplySeconds / 60, 1),
  };
}

/** Most complaints first, then by name: the places and sources that matter most lead the table. */
export function coverageRows(groups: readonly CoverageGroup[]): CoverageRow[] {
  return [...groups]
    .sort((a, b) => b.complaints - a.complaints || a.key.localeCompare(b.key))
    .map(coverageRow);
}

// ——— Delivery ———

/** What a delivery carried: a status update to a channel, an update to one subscriber, or a reply. */
export const DELIVERY_PURPOSES = ["update", "notification", "reply"] as const;
export type DeliveryPurpose = (typeof DELIVERY_PURPOSES)[number];

export const PURPOSE_LABELS: Record<DeliveryPurpose, string> = {
  update: "Channel posts",
  notification: "Subscriber notifications",
  reply: "Replies",
};

export interface DeliveryGroup {
  purpose: DeliveryPurpose;
  channel: string;
  sent: number;
  failed: number;
  unknown: number;
  /** Not settled yet (pending or being sent). */
  pending: number;
  /** Withdrawn before they went out: not counted for or against the channel. */
  cancelled: number;
  /** Median seconds from publication (replies: from the reply) to sent, over the sent ones. */
  medianLatencySeconds: number | null;
}

export interface ChannelReliability extends DeliveryGroup {
  total: number;
  /** Sent ÷ (sent + failed + unknown): of the deliveries whose fate is settled, the share that went out. */
  successRate: number | null;
}

export function channelReliability(groups: readonly DeliveryGroup[]): ChannelReliability[] {
  const order = (p: DeliveryPurpose) => DELIVERY_PURPOSES.indexOf(p);
  return [...groups]
    .sort((a, b) => order(a.purpose) - order(b.purpose) || a.channel.localeCompare(b.channel))
    .map((g) => ({
      ...g,
      medianLatencySeconds: round(g.medianLatencySeconds, 1),
      total: g.sent + g.failed + g.unknown + g.pending + g.cancelled,
      successRate: round(share(g.sent, g.sent + g.failed + g.unknown), 3),
    }));
}

/** A short name for a chart axis: the channel, and what it carried unless it was a channel post. */
export function channelLabel(g: { purpose: DeliveryPurpose; channel: string }): string {
  return g.purpose === "update"
    ? g.channel
    : `${g.channel} (${g.purpose === "reply" ? "replies" : "subscribers"})`;
}
