/**
 * One series through a detector, as if live: the engine behind `score-series` and the NAB evaluation.
 *
 *   scoreSeries(rows, config?) → number[]                           0/1 per row (NAB detector output)
 *   scoreSeriesWithEngine(rows, config?) → number[]                  the same through the console's engine
 *   replaySeries(values, { start, config }) → CellDecision[]         the console's engine on one cell, causal
 *   parseSeriesCsv(text) / formatScoresCsv(rows, scores)             `timestamp,value` in, `timestamp,anomaly_score` out
 *
 * scoreSeries runs the detector for series of any kind (`univariate.ts`): counts or continuous values,
 * any sampling interval (regular or not), with or without daily / weekly seasonality, anomalies up or
 * down; the same defaults for every series. It flags ONE row per alarm, the row that raised it (and a row
 * where a new, much stronger anomaly shows through an open alarm): NAB charges every flagged row outside
 * its windows. Rows are taken as they come, in the order given: a gap in
 * the timestamps is time without data (not zeros), and a row stamped earlier than the one before it is
 * taken at the latest time seen.
 *
 * scoreSeriesWithEngine is the console's per-cell detector (`engine.ts`, negative binomial, made for
 * 5-minute complaint counts) on one cell: rows are placed on a grid of `bucketMinutes` from the first
 * timestamp (a gap is a run of zero counts, as in the counts table) and a row is flagged where a spike
 * first reaches `config.seriesFlag` (`detected` by default; `opened`: the first bucket of any level).
 * The series is one cell (no parents, no multiple-testing correction: m = 1). Bucket i's inputs are built
 * only from buckets < i (recent, seasonal) and bucket i itself, and the state from bucket i − 1, so a
 * prefix of a series gets exactly the decisions it gets inside the whole one.
 */
import { bucketMs, type DetectorConfig, type DetectorConfigInput, resolveConfig } from "./config";
import { type CellDecision, type CellState, evaluateBucket } from "./engine";
import { type TrackerState, trackBucket } from "./lifecycle";
import { sameLocalTimeOfWeek } from "./seasonal";
import { detectSeries, type UnivariateConfigInput } from "./univariate";

export interface SeriesRow {
  timestamp: string;
  value: number;
}

const WEEK = 7 * 24 * 3600_000;

/** Parses a timestamp; one without a zone designator is taken as UTC (NAB's convention). */
export function parseTimestamp(s: string): number {
  const t = s.trim().replace(" ", "T");
  const ms = Date.parse(/([zZ]|[+-]\d\d:?\d\d)$/.test(t) ? t : `${t}Z`);
  if (Number.isNaN(ms)) throw new RangeError(`unreadable timestamp: ${s}`);
  return ms;
}

export interface ReplayOptions {
  /** Start of bucket 0, ms since the epoch. */
  start: number;
  config: DetectorConfig;
  /** Region and topic names to put on the decisions (defaults "series" / "series"). */
  region?: string;
  topic?: string;
}

/**
 * The inputs of bucket i of a dense series (values[j] = count of bucket start + j·bucket): observed,
 * the seasonal rows (same local time of week in `config.timeZone`; a week is included once the
 * history reaches back to the start of its window) and the recent buckets. Reads only values[0..i].
 */
export function seriesInputAt(
  values: ArrayLike<number>,
  i: number,
  start: number,
  config: DetectorConfig,
): { observed: number; seasonal: number[][]; recent: number[] } {
  const step = bucketMs(config);
  const h = config.seasonal.halfWidth;
  const bucketStart = start + i * step;
  const utc = config.timeZone === "UTC" || config.timeZone === "Etc/UTC";
  const weekBuckets = Math.round(WEEK / step);
  const anchors = utc
    ? Array.from({ length: config.seasonal.weeks }, (_, w) => i - (w + 1) * weekBuckets)
    : sameLocalTimeOfWeek(bucketStart, config.timeZone, config.seasonal.weeks).map((t) =>
        Math.round((t - start) / step),
      );
  const seasonal: number[][] = [];
  for (const a of anchors) {
    if (a - h < 0) break;
    const row: number[] = [];
    for (let j = a - h; j <= a + h; j++) row.push(j < i ? values[j] : 0);
    seasonal.push(row);
  }
  const recent: number[] = [];
  for (let j = Math.max(0, i - config.recentBuckets); j < i; j++) recent.push(values[j]);
  return { observed: values[i], seasonal, recent };
}

/** Runs the detector over a dense series, bucket by bucket, in order (see `seriesInputAt`). */
export function replaySeries(values: ArrayLike<number>, opts: ReplayOptions): CellDecision[] {
  const { config, start } = opts;
  const step = bucketMs(config);
  const out: CellDecision[] = [];
  let state: CellState | null = null;
  for (let i = 0; i < values.length; i++) {
    const [decision] = evaluateBucket({
      bucketStart: start + i * step,
      config,
      cells: [
        {
          region: opts.region ?? "series",
          topic: opts.topic ?? "series",
          ...seriesInputAt(values, i, start, config),
          state,
        },
      ],
    });
    state = decision.state;
    out.push(decision);
  }
  return out;
}

/**
 * 0/1 per row: 1 on the row that raised (or re-armed) an alarm of the detector for any series
 * (`univariate.ts`, see the header). Rows are scored in the order given.
 */
export function scoreSeries(rows: readonly SeriesRow[], config?: UnivariateConfigInput): number[] {
  if (rows.length === 0) return [];
  // A row stamped earlier than one before it (a clock step back in real data) is scored where it
  // stands, as the latest time seen: live, it arrived after the others.
  let latest = Number.NEGATIVE_INFINITY;
  const times = rows.map((r) => {
    latest = Math.max(latest, parseTimestamp(r.timestamp));
    return latest;
  });
  const values = rows.map((r, i) => {
    const v = Number(r.value);
    if (!Number.isFinite(v)) throw new RangeError(`scoreSeries: row ${i + 1} has no numeric value`);
    return v;
  });
  return Array.from(detectSeries(times, values, config).flags);
}

/**
 * 0/1 per row through the console's engine: 1 on the row whose bucket first reached the flag level of a
 * spike (see the header).
 */
export function scoreSeriesWithEngine(
  rows: readonly SeriesRow[],
  config?: DetectorConfigInput & SeriesOptions,
): number[] {
  const { seriesFlag = "detected", ...rest } = config ?? {};
  const c = resolveConfig(rest);
  if (rows.length === 0) return [];
  const step = bucketMs(c);
  const times = rows.map((r) => parseTimestamp(r.timestamp));
  const start = times[0];
  const index = times.map((t) => Math.round((t - start) / step));
  for (let i = 1; i < index.length; i++) {
    if (index[i] < index[i - 1])
      throw new RangeError(`scoreSeriesWithEngine: row ${i + 1} is earlier than the row before it`);
  }
  const values = new Float64Array(index[index.length - 1] + 1);
  rows.forEach((r, i) => {
    values[index[i]] += Math.max(0, Number(r.value) || 0);
  });
  const decisions = replaySeries(values, { start, config: c });
  const flagged = new Uint8Array(values.length);
  let tracker: TrackerState | null = null;
  decisions.forEach((d, b) => {
    const result = trackBucket(tracker, start + b * step, [d], c);
    tracker = result.state;
    for (const e of result.events) {
      if (seriesFlag === "opened" ? e.type === "opened" : isFirstDetected(e)) flagged[b] = 1;
    }
  });
  const seen = new Set<number>();
  return index.map((b) => {
    if (seen.has(b)) return 0;
    seen.add(b);
    return flagged[b];
  });
}

export interface SeriesOptions {
  /** Which moment of a spike scoreSeriesWithEngine flags: its opening (any level) or its first `detected` bucket. */
  seriesFlag?: "opened" | "detected";
}

function isFirstDetected(e: ReturnType<typeof trackBucket>["events"][number]): boolean {
  return (e.type === "opened" && e.spike.level === "detected") || e.type === "escalated";
}

/** Parses NAB-style `timestamp,value` CSV (header required; blank lines skipped). */
export function parseSeriesCsv(text: string): SeriesRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  if (lines.length === 0) return [];
  const head = lines[0].split(",").map((h) => h.trim());
  const ti = head.indexOf("timestamp");
  const vi = head.indexOf("value");
  if (ti < 0 || vi < 0) throw new RangeError("series CSV needs timestamp and value columns");
  return lines.slice(1).map((line, i) => {
    const cols = line.split(",");
    const value = Number(cols[vi]);
    if (!Number.isFinite(value)) throw new RangeError(`series CSV line ${i + 2}: value is not a number`);
    return { timestamp: cols[ti].trim(), value };
  });
}

/** `timestamp,anomaly_score` CSV, one row per input row, in order. */
export function formatScoresCsv(rows: readonly SeriesRow[], scores: readonly number[]): string {
  const out = ["timestamp,anomaly_score"];
  rows.forEach((r, i) => {
    out.push(`${r.timestamp},${scores[i]}`);
  });
  return `${out.join("\n")}\n`;
}
