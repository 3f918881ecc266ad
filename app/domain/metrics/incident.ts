import { type Cadence, evaluateCadence, type PublishedUpdate } from "./cadence";
import { type InboundEffect, type InboundInput, inboundEffect } from "./inbound";
import { type Speed, speed } from "./speed";
import {
  type ChannelReliability,
  type CoverageGroup,
  type CoverageRow,
  channelReliability,
  coverageRow,
  coverageRows,
  type DeliveryGroup,
} from "./summaries";

/**
 * One incident's comms metrics, assembled from what the database returned (pure): how fast we spoke,
 * whether we kept our promises, whether we answered people, whether inbound fell after each update, and
 * where each copy of each update landed.
 */

export interface IncidentMetricsInput {
  incident: { startedAt: number; openedAt: number; resolvedAt: number | null };
  firstSpike: { startedAt: number; detectedAt: number } | null;
  /** Published updates (any order). */
  updates: PublishedUpdate[];
  coverage: { all: CoverageGroup; byRegion: CoverageGroup[]; bySource: CoverageGroup[] };
  inbound: { windowMinutes: number; windows: Omit<InboundInput, "now">[] };
  deliveries: DeliveryGroup[];
  subscribersReached: number;
  now: number;
}

export interface IncidentMetrics {
  generatedAt: number;
  speed: Speed;
  cadence: Cadence;
  coverage: { overall: CoverageRow; byRegion: CoverageRow[]; bySource: CoverageRow[] };
  inbound: { windowMinutes: number; effects: InboundEffect[] };
  delivery: { channels: ChannelReliability[]; subscribersReached: number };
}

export function incidentMetrics(input: IncidentMetricsInput): IncidentMetrics {
  const published = input.updates.map((u) => u.publishedAt);
  return {
    generatedAt: input.now,
    speed: speed({
      firstSpike: input.firstSpike,
      incidentStartedAt: input.incident.startedAt,
      openedAt: input.incident.openedAt,
      firstUpdateAt: published.length ? Math.min(...published) : null,
      resolvedAt: input.incident.resolvedAt,
      now: input.now,
    }),
    cadence: evaluateCadence(input.updates, input.incident, input.now),
    coverage: {
      overall: coverageRow(input.coverage.all),
      byRegion: coverageRows(input.coverage.byRegion),
      bySource: coverageRows(input.coverage.bySource),
    },
    inbound: {
      windowMinutes: input.inbound.windowMinutes,
      effects: input.inbound.windows
        .map((w) => inboundEffect({ ...w, now: input.now }))
        .sort((a, b) => a.publishedAt - b.publishedAt),
    },
    delivery: {
      channels: channelReliability(input.deliveries),
      subscribersReached: input.subscribersReached,
    },
  };
}
