/**
 * One count series through the same detector, as if live: the engine behind `score-series`.
 *
 *   replaySeries(values, { start, config }) → CellDecision[]      one decision per bucket, causal
 *   scoreSeries(rows, config?) → number[]                          0/1 per row (NAB detector output)
 *   parseSeriesCsv(text) / formatScoresCsv(rows, scores)           `timestamp,value` in, `timestamp,anomaly_score` out
 *
 * The series is one cell (no parents, so no multiple-testing correction: m = 1). Bucket i's inputs
 * are built only from buckets < i (recent, seasonal) and bucket i itself (observed), and the state
 * from bucket i − 1, so a prefix of a series gets exactly the decisions it gets inside the whole one.
 *
 * scoreSeries flags ONE row per spike: the bucket at which the spike first reaches the level named by
 * `config.seriesFlag` (`detected` by default: the level at which a person would be alerted; `opened`
 * flags the first bucket of any level). NAB charges every flagged row outside its windows, so the
 * rest of a spike stays 0. Rows are placed on a grid of `bucketMinutes` from the first timestamp;
 * a gap in the rows is a run of zero counts, as in the counts table.
 */
import { bucketMs, type DetectorConfig, type DetectorConfigInput, resolveConfig } from "./config";
import { type CellDecision, type CellState, evaluateBucket } from "./engine";
import { type TrackerState, trackBucket } from "./lifecycle";
import { sameLocalTimeOfWeek } from "./seasonal";

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

/** 0/1 per row: 1 on the row whose bucket first reached the flag level of a spike (see header). */
export function scoreSeries(
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
      throw new RangeError(`scoreSeries: row ${i + 1} is earlier than the row before it`);
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
  /** Which moment of a spike scoreSeries flags: its opening (any level) or its first `detected` bucket. */
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
