/**
 * Spike lifecycle: turns the detector's per-bucket decisions into spikes and events.
 *
 *   trackBucket(state, bucketStart, decisions, config) → { state, events, open }
 *
 * Feed the decisions of every bucket, in time order (state = what the previous call returned, null at
 * first; JSON-serialisable). For each region × topic cell:
 *   - `opened`: the first flagged bucket (level possible or detected). startedAt = when the evidence
 *     began (the flagged bucket's start, or the start of the CUSUM run for a slow build-up);
 *     detectedAt = the END of the flagged bucket (the moment the detector could first say so).
 *   - `escalated`: the level went possible → detected (at most once per spike).
 *   - `peak`: a flagged bucket with a higher count than the spike's previous peak.
 *   - `ended`: `endQuietBuckets` consecutive buckets back at baseline (not flagged) have passed;
 *     endedAt = the END of the last flagged bucket. The event is emitted when the quiet period is over.
 * Spike figures: `observed` and `expected` are those of the PEAK bucket (count and baseline there),
 * `score` the highest score seen; `totalObserved` / `totalExpected` sum the flagged buckets.
 * All times are ms since the epoch (UTC).
 */
import { bucketMs, type DetectorConfig } from "./config";
import type { CellDecision, SpikeLevel } from "./engine";

export interface Spike {
  /** `region|topic`: one open spike per cell at a time. */
  key: string;
  region: string;
  topic: string;
  level: SpikeLevel;
  startedAt: number;
  detectedAt: number;
  peakAt: number;
  endedAt: number | null;
  observed: number;
  expected: number;
  score: number;
  totalObserved: number;
  totalExpected: number;
}

export interface OpenSpike extends Spike {
  /** Consecutive quiet buckets so far, and the start of the last bucket seen for this cell. */
  quiet: number;
  lastBucket: number;
  /** End of the last flagged bucket. */
  lastFlaggedEnd: number;
}

export interface TrackerState {
  open: Record<string, OpenSpike>;
}

export type SpikeEvent =
  | { type: "opened"; at: number; spike: Spike }
  | { type: "escalated"; at: number; spike: Spike }
  | { type: "peak"; at: number; spike: Spike }
  | { type: "ended"; at: number; spike: Spike };

export interface TrackResult {
  state: TrackerState;
  /** Events of this bucket, in the order of the decisions (ended events of a cell before its others). */
  events: SpikeEvent[];
  /** Spikes open after this bucket, sorted by key. */
  open: Spike[];
}

export const cellKey = (region: string, topic: string): string => `${region}|${topic}`;

function publicSpike(s: OpenSpike): Spike {
  const { quiet: _q, lastBucket: _l, lastFlaggedEnd: _e, ...spike } = s;
  return { ...spike };
}

/**
 * What the tracker reads of a decision. `inSpike` (the detector's own view that the spike is still on)
 * ends a spike as soon as it turns false; without it, a spike ends after `endQuietBuckets` unflagged
 * buckets in a row. `opened` with a level starts a new spike even if one was open for the cell.
 */
export type TrackableDecision = Pick<
  CellDecision,
  "region" | "topic" | "level" | "score" | "expected" | "observed"
> &
  Partial<Pick<CellDecision, "onsetAt" | "opened" | "inSpike">>;

export function trackBucket(
  state: TrackerState | null,
  bucketStart: number,
  decisions: readonly TrackableDecision[],
  config: Pick<DetectorConfig, "bucketMinutes" | "endQuietBuckets">,
): TrackResult {
  const step = bucketMs(config);
  const bucketEnd = bucketStart + step;
  const open: Record<string, OpenSpike> = {};
  let openCount = 0;
  for (const [k, s] of Object.entries(state?.open ?? {})) {
    open[k] = { ...s };
    openCount++;
  }
  const events: SpikeEvent[] = [];

  const end = (s: OpenSpike, at: number) => {
    s.endedAt = s.lastFlaggedEnd;
    events.push({ type: "ended", at, spike: publicSpike(s) });
    delete open[s.key];
    openCount--;
  };

  for (const d of decisions) {
    // Most cells of most buckets: not flagged, and no spike open anywhere to look up.
    if (!d.level && openCount === 0) continue;
    const key = cellKey(d.region, d.topic);
    let s: OpenSpike | undefined = open[key];
    if (s) {
      if (bucketStart <= s.lastBucket) {
        throw new RangeError(
          `trackBucket: ${key} bucket ${new Date(bucketStart).toISOString()} is not after the last one`,
        );
      }
      const skipped = Math.max(0, Math.round((bucketStart - s.lastBucket) / step) - 1);
      s.quiet += skipped;
      s.lastBucket = bucketStart;
      if ((d.opened && d.level) || s.quiet >= config.endQuietBuckets) {
        end(s, bucketStart);
        s = undefined;
      }
    }
    if (!d.level) {
      if (s) {
        s.quiet += 1;
        if (d.inSpike === false || (d.inSpike === undefined && s.quiet >= config.endQuietBuckets))
          end(s, bucketEnd);
      }
      continue;
    }
    if (!s) {
      const spike: OpenSpike = {
        key,
        region: d.region,
        topic: d.topic,
        level: d.level,
        startedAt: d.onsetAt ?? bucketStart,
        detectedAt: bucketEnd,
        peakAt: bucketStart,
        endedAt: null,
        observed: d.observed,
        expected: d.expected,
        score: d.score,
        totalObserved: d.observed,
        totalExpected: d.expected,
        quiet: 0,
        lastBucket: bucketStart,
        lastFlaggedEnd: bucketEnd,
      };
      open[key] = spike;
      openCount++;
      events.push({ type: "opened", at: bucketEnd, spike: publicSpike(spike) });
      continue;
    }
    s.quiet = 0;
    s.lastFlaggedEnd = bucketEnd;
    s.totalObserved += d.observed;
    s.totalExpected += d.expected;
    s.score = Math.max(s.score, d.score);
    if (d.level === "detected" && s.level === "possible") {
      s.level = "detected";
      events.push({ type: "escalated", at: bucketEnd, spike: publicSpike(s) });
    }
    if (d.observed > s.observed) {
      s.observed = d.observed;
      s.expected = d.expected;
      s.peakAt = bucketStart;
      events.push({ type: "peak", at: bucketEnd, spike: publicSpike(s) });
    }
  }

  return {
    state: { open },
    events,
    open: Object.keys(open)
      .sort()
      .map((k) => publicSpike(open[k])),
  };
}
