/**
 * Spike detection for Clarion — pure domain code (no I/O, no clock: time is always an input).
 *
 * Live use, once per 5-minute bucket, for every region × topic cell of the organisation:
 *
 *   const config = resolveConfig({ timeZone: "America/New_York" });       // config.ts: every knob
 *   // for each cell, read its counts (missing bucket = 0):
 *   //   observed = count(bucketStart)
 *   //   seasonal = seasonalBucketStarts(bucketStart, tz, weeks, halfWidth, bucketMinutes) → counts
 *   //   recent   = the config.recentBuckets counts before bucketStart, oldest first
 *   //   state    = the CellState stored for the cell at the previous bucket (jsonb), or null
 *   const decisions = evaluateBucket({ bucketStart, cells, config });     // engine.ts
 *   // store decisions[i].state per cell; then
 *   const { state, events, open } = trackBucket(trackerState, bucketStart, decisions, config);
 *   // lifecycle.ts: opened / escalated / peak / ended events; store `state` (jsonb) for the next bucket
 *   const clusters = clusterSpikes(spikesOfInterest, neighbours, { previous });   // cluster.ts
 *
 * One series of any kind (the `score-series` CLI, NAB evaluation): `scoreSeries(rows, config?)`
 * (series.ts) runs the detector for any series (`univariate.ts`: counts or continuous, any sampling, up
 * and down, self-calibrated by extreme-value tails, `tail.ts`) and flags one row per alarm;
 * `scoreSeriesWithEngine` runs the console's engine on a single cell instead.
 */

export { type AffectedArea, affectedArea, largestConnectedPart, risingNeighbours } from "./area";
export {
  type ClusterableSpike,
  type ClusterOptions,
  clusterSpikes,
  memberId,
  type SpikeCluster,
} from "./cluster";
export {
  bucketMs,
  DEFAULT_CONFIG,
  type DetectorConfig,
  type DetectorConfigInput,
  resolveConfig,
} from "./config";
export {
  ALL_REGIONS,
  type BaselineSource,
  type CellDecision,
  type CellInput,
  type CellState,
  type EvaluateBucketInput,
  evaluateBucket,
  type FlagReason,
  type SpikeLevel,
} from "./engine";
export {
  cellKey,
  type Spike,
  type SpikeEvent,
  type TrackerState,
  type TrackResult,
  trackBucket,
} from "./lifecycle";
export { sameLocalTimeOfWeek, seasonalBucketStarts } from "./seasonal";
export {
  formatScoresCsv,
  parseSeriesCsv,
  parseTimestamp,
  replaySeries,
  type SeriesRow,
  scoreSeries,
  scoreSeriesWithEngine,
} from "./series";
export {
  detectSeries,
  looksLikeCounts,
  resolveUnivariateConfig,
  type SeriesKind,
  UNIVARIATE_DEFAULTS,
  type UnivariateConfig,
  type UnivariateConfigInput,
  type UnivariateResult,
} from "./univariate";
