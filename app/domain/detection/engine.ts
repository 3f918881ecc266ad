/**
 * The spike detector: decides, causally, whether the count of one region × topic cell in one
 * 5-minute bucket is a spike, for all cells of a bucket at once.
 *
 *   evaluateBucket({ bucketStart, cells, config }) → CellDecision[]   (same order as `cells`)
 *
 * Inputs per cell (`CellInput`), all counts of the cell, missing buckets passed as 0:
 *   - observed: the count in the bucket being decided, [bucketStart, bucketStart + bucket).
 *   - seasonal: one row per past week that the history covers (index 0 = one week ago, at most
 *     `config.seasonal.weeks` rows), each of 2·halfWidth + 1 counts: the buckets at offsets
 *     −halfWidth … +halfWidth around the same LOCAL time of week (`seasonalBucketStarts` lists the
 *     bucket starts to read). Leave a week out when the history does not reach back to it (before the
 *     organisation started counting), rather than passing zeros for time that was never observed.
 *   - recent: the `config.recentBuckets` buckets just before this one, oldest first (fewer while the
 *     history is short). The last element is the bucket immediately before `bucketStart`.
 *   - state: what this function returned for the cell at the previous bucket (JSON, stored in jsonb),
 *     or null for a new cell. Buckets must be evaluated in time order; skipped buckets are tolerated
 *     (they reset the CUSUM and count as quiet for an open spike).
 * A cell whose region is `ALL_REGIONS` is the aggregate of its topic over every region (the caller
 * sums it, and may count complaints whose region is unknown in it): it is tested like any other cell
 * — a nationwide build-up spread thin over fifty regions is seen there — and it is the parent of the
 * topic's sparse cells.
 *
 * How a cell is decided:
 *   1. Reference: the counts of the same local time in past weeks (weekly season). With fewer than
 *      `seasonal.minWeeks` weeks, the same time on the previous `dailyDays` days (from `recent`) is
 *      pooled in; with less than a day of history, the last `shortBuckets` buckets are used; with fewer
 *      than `minReferenceValues` values, the cell is not tested (cold start: silence over noise).
 *   2. Baseline: a winsorised mean and variance of the reference (earlier spikes are clipped), turned
 *      into a negative binomial (variance = μ + μ²/r: overdispersion, as social counts are), rescaled
 *      by a slow level factor (smoothed observed ÷ smoothed reference, kept in the state) so a cell whose
 *      volume grows or shrinks is followed. Predictive variance is inflated by 1/n for n reference values;
 *      without any weekly history r is capped at `coldMaxSize` (assume heavy overdispersion).
 *      Sparse cells (tiny mean, few non-zero counts) use their share of a parent instead: the topic over
 *      all regions (the `ALL_REGIONS` cell when given), else the region over all topics.
 *   3. Test: for each window of `config.scales` (the bucket alone, and the sums of the last 3 and 6
 *      buckets by default), the one-sided p-value P(X ≥ observed) of the window's count under the
 *      window's expected count, self-calibrated against the cell's own record of surprises for that
 *      window (`config.calibration`: peaks over threshold, kept in the state). The cell's p-value is the
 *      smallest, times the number of windows; then p-values are adjusted across the cells of this
 *      bucket (Benjamini–Hochberg by default).
 *   4. Levels: `possible` and `detected` each need, in one window, an adjusted p-value ≤ alpha, a
 *      window count ≥ minCount and window count / expected ≥ minRatio (alphas are stricter in cold
 *      start). A one-sided CUSUM on clipped residuals, standardised by the model's spread × the cell's
 *      dispersion factor φ, catches slow build-ups: h (raised by ln(m)/2k for m cells) opens
 *      `possible`, h × detectedFactor `detected`.
 *      Once a spike is open the cell stays flagged while it is still elevated (continueRatio /
 *      continueAlpha, no correction) and escalates possible → detected on a stricter test, after
 *      `sustainBuckets` buckets that each pass `possible`, or by the CUSUM; it ends after
 *      `endQuietBuckets` buckets in a row that are not elevated.
 *
 * Outputs per cell (`CellDecision`): `level` (null while not flagged), `score` = −log10 of the adjusted
 * p-value (capped at 300), `expected` (μ), `pValue` (the calibrated one-sided p-value, before the
 * multiple-testing adjustment across cells), the new `state`, and diagnostics (observed, ratio, reason,
 * onsetAt, opened, inSpike, baseline source, the longest window's sums). The decision for bucket t
 * depends only on the inputs for t and the state from t − 1: appending later data never changes it.
 */
import { bucketMs, bucketsPerDay, type DetectorConfig } from "./config";
import {
  logNegBinomPmf,
  logNegBinomUpperTail,
  negBinomSize,
  type RobustSummary,
  robustSummaryInto,
} from "./stats";

export type SpikeLevel = "possible" | "detected";

/** The region of a topic's aggregate cell: the topic over all regions. */
export const ALL_REGIONS = "*";

export interface CellInput {
  region: string;
  topic: string;
  observed: number;
  /** number[][] or typed-array views: only read by index. */
  seasonal: readonly ArrayLike<number>[];
  recent: ArrayLike<number>;
  state: CellState | null;
}

/** Where a cell's baseline came from. */
export type BaselineSource =
  | "weekly" // same local time of week over past weeks
  | "weekly+daily" // weekly history still short: pooled with the same time on previous days
  | "daily" // no weekly history yet: same time on previous days
  | "short" // under a day of history: the last few hours
  | "parent-topic" // sparse cell: share of the topic over all regions
  | "parent-region" // sparse cell: share of the region over all topics
  | "none"; // too little history to test

/** Why a cell is flagged in this bucket. */
export type FlagReason = "spike" | "cusum" | "continuing" | "escalated" | "sustained";

export interface EpisodeState {
  /** Bucket start (ms) where the evidence for this spike began (the flagged bucket, or the CUSUM run start). */
  startedAt: number;
  level: SpikeLevel;
  /** Consecutive elevated buckets (including the current one when elevated). */
  run: number;
  /** Consecutive buckets that each met the `possible` test on their own (for sustained escalation). */
  strongRun: number;
  /** Consecutive buckets not elevated, and their summed observed / expected counts. */
  quiet: number;
  quietObserved: number;
  quietExpected: number;
  /** Sums of observed and expected over the elevated buckets. */
  sumObserved: number;
  sumExpected: number;
}

/** Per-cell memory between buckets. Plain JSON (numbers, null, nested objects): store it as jsonb. */
export interface CellState {
  v: 2;
  /** Start (ms) of the last bucket evaluated, to catch out-of-order calls and skipped buckets. */
  lastBucket: number;
  /** Buckets evaluated so far. */
  seen: number;
  /** Exponentially smoothed (clipped) observed counts and reference means, for the level factor. */
  levelObserved: number;
  levelReference: number;
  /** One-sided CUSUM of clipped standardised residuals, and the run it is accumulating. */
  cusum: number;
  cusumStart: number | null;
  cusumObserved: number;
  cusumExpected: number;
  /** The spike the cell is in, or null. */
  episode: EpisodeState | null;
  /**
   * Calibration records of the test windows `calScales`, four numbers each, decayed: tested buckets,
   * exceedances of u, Σ excess, Σ excess².
   */
  cal: number[];
  calScales: number[];
  /**
   * The records as they were when the open spike began: a spike is tested against the cell's past
   * bursts, not against itself (its own buckets, in overlapping windows, would otherwise teach the
   * cell within minutes that such bursts are ordinary). Null outside a spike.
   */
  calFrozen: number[] | null;
  /**
   * The records as they were when the current, and the previous, lag period began (periods of
   * max(scales) buckets, aligned on the clock; see `laggedCalibration`), and the current period's index.
   * Absent in states stored before the lag existed: their first bucket starts a period whose lagged
   * record is the record as it then was (`cal` is read until then, for a brand-new cell).
   */
  calMark?: number[] | null;
  calLag?: number[] | null;
  calPeriod?: number;
  /** Decayed sum of squared Pearson residuals and its weight (dispersion factor φ). */
  dispSum: number;
  dispBuckets: number;
  /** Expected counts of the buckets before this one (the last max(scales) − 1), oldest first. */
  mu: number[];
  /** Decayed (clipped) counts of the cell and of its topic's aggregate: the cell's long-run share. */
  shareOwn: number;
  shareParent: number;
}

/** The state as version 1 of the detector stored it (one calibration record, no window memory). */
interface CellStateV1
  extends Omit<CellState, "v" | "cal" | "calScales" | "calFrozen" | "mu" | "shareOwn" | "shareParent"> {
  v: 1;
  calBuckets: number;
  calExceedances: number;
  calExcess: number;
  calExcessSq: number;
}

export interface CellDecision {
  region: string;
  topic: string;
  level: SpikeLevel | null;
  /** −log10 of the multiple-testing-adjusted p-value, capped at 300 (0 when not tested). */
  score: number;
  /** Expected count μ for this bucket under the baseline. */
  expected: number;
  /** The baseline's negative-binomial size r (variance μ + μ²/r). */
  size: number;
  /**
   * Calibrated one-sided p-value of the cell (its best window, times the number of windows), before
   * the adjustment across cells (1 when not tested).
   */
  pValue: number;
  state: CellState;
  observed: number;
  /** observed / max(expected, minExpected). */
  ratio: number;
  baseline: BaselineSource;
  reason: FlagReason | null;
  /** When flagged: start (ms) of the bucket where this spike's evidence began. */
  onsetAt: number | null;
  /** True on the bucket that opened a new spike for this cell. */
  opened: boolean;
  /** True while the cell is in a spike after this bucket (flagged now, or quiet but not yet ended). */
  inSpike: boolean;
  /** The window (in buckets) whose test gave the cell's p-value. */
  scale: number;
  /**
   * The longest window tested: its summed count and expected count, and the model's (uncalibrated)
   * natural-log p-value of that sum — what the affected area of an aggregate spike is judged on.
   */
  windowBuckets: number;
  windowObserved: number;
  windowExpected: number;
  windowLogP: number;
}

export interface EvaluateBucketInput {
  /** Start of the bucket being decided, in ms since the epoch (UTC). */
  bucketStart: number;
  cells: CellInput[];
  config: DetectorConfig;
  /**
   * Update each cell's state in place and return it as the decision's state (the same object, one per
   * cell for a whole replay) instead of a new one per bucket. The decisions are the same; only a caller
   * that owns the states (keeps no other reference to them and to earlier decisions' states) may ask.
   */
  inPlace?: boolean;
}

interface Reference {
  /**
   * Position ids (aligned across cells of one bucket, for parent sums) and values, the first n of
   * each: buffers reused from one `evaluateBucket` call to the next (valid only during the call).
   */
  keys: Int32Array;
  values: Float64Array;
  n: number;
  source: BaselineSource;
  trusted: boolean;
}

interface Baseline {
  mean: number;
  size: number;
  source: BaselineSource;
  trusted: boolean;
  /** The reference mean before the level factor (what the level tracker compares against). */
  referenceMean: number;
  tested: boolean;
}

/** One window's test of one cell. */
interface WindowTest {
  w: number;
  observed: number;
  expected: number;
  /** ln P(X ≥ observed) under the model, and calibrated. */
  logPModel: number;
  logP: number;
  /** ln of the randomised probability-integral transform (for the calibration record). */
  logPit: number;
}

const LN10 = Math.log(10);
const MAX_SCORE = 300;
/** Floor of a parent-based expected count (numerical only: the parent's share can be tiny and right). */
const MIN_SHARED_EXPECTED = 1e-6;

export function evaluateBucket({
  bucketStart,
  cells,
  config,
  inPlace = false,
}: EvaluateBucketInput): CellDecision[] {
  const step = bucketMs(config);
  const m = cells.length;
  const scratch = bucketScratch(m, config);
  const { states, references, summaries, baselines, cals, testCals, lags, tests, logP } = scratch;
  const aggregates = new Map<string, number>();
  for (let i = 0; i < m; i++) {
    const cell = cells[i];
    const st = cell.state ? upgradeState(cell.state) : null;
    states[i] = st;
    const ref = buildReference(cell, config, scratch.referencePool[i]);
    references[i] = ref;
    summaries[i] = robustSummaryInto(ref.values, ref.n, config.winsorK, scratch.summaryPool[i]);
    baselines[i] = ownBaseline(st, ref, summaries[i], config, scratch.baselinePool[i]);
    if (cell.region === ALL_REGIONS) aggregates.set(cell.topic, i);
  }
  if (config.parent.enabled && m > 1)
    applyParents(cells, states, references, summaries, baselines, aggregates, config);

  const keepMu = Math.max(...config.scales) - 1;
  let tested = 0;
  for (let i = 0; i < m; i++) {
    const st = states[i];
    const cal = alignedCalibration(st, config.scales, inPlace);
    cals[i] = cal;
    // Computed once per cell: the tests read its `lag`, decideCell stores its snapshots.
    const lag = laggedCalibration(st, cal, bucketStart, config);
    lags[i] = lag;
    testCals[i] = st?.calFrozen
      ? alignedCalibration({ ...st, cal: st.calFrozen }, config.scales, true)
      : (lag.lag ?? cal);
    const cell = cells[i];
    const b = baselines[i];
    tests[i] = windowTests(
      cell,
      st,
      testCals[i],
      cellHash(cell.region, cell.topic),
      b,
      bucketStart,
      keepMu,
      config,
      scratch.testPool[i],
    );
    // The cell's p-value: its best window, Bonferroni-corrected for the windows tested.
    logP[i] = b.tested ? combinedLogP(tests[i]) : 0;
    if (b.tested) tested++;
  }
  const logQ = adjustLog(logP, baselines, config.multipleTesting, m);
  const cusumH =
    config.cusum.h +
    (config.multipleTesting === "none" ? 0 : Math.log(Math.max(tested, 1)) / (2 * config.cusum.k));

  const out = new Array<CellDecision>(m);
  for (let i = 0; i < m; i++) {
    const cell = cells[i];
    const agg = aggregates.get(cell.topic);
    const withParent = agg !== undefined && agg !== i && baselines[agg].tested;
    out[i] = decideCell(
      cell,
      states[i],
      inPlace,
      cals[i],
      lags[i],
      keepMu,
      baselines[i],
      tests[i],
      logP[i],
      logQ[i] - logP[i],
      cusumH,
      withParent ? Math.max(0, cells[agg].observed) : 0,
      withParent ? baselines[agg] : null,
      bucketStart,
      step,
      config,
    );
  }
  return out;
}

/**
 * Per-bucket working arrays and per-cell-position records (reference, summary, baseline, window
 * tests), reused from one `evaluateBucket` call to the next: nothing in them outlives the call (the
 * decisions copy the numbers they report).
 */
interface BucketScratch {
  states: (CellState | null)[];
  references: Reference[];
  summaries: RobustSummary[];
  baselines: Baseline[];
  cals: number[][];
  testCals: number[][];
  lags: LaggedCalibration[];
  tests: WindowTest[][];
  logP: number[];
  referencePool: { keys: Int32Array; values: Float64Array }[];
  summaryPool: RobustSummary[];
  baselinePool: Baseline[];
  testPool: WindowTest[][];
}

let scratchState: BucketScratch | null = null;

function bucketScratch(m: number, c: DetectorConfig): BucketScratch {
  let s = scratchState;
  if (!s) {
    s = {
      states: [],
      references: [],
      summaries: [],
      baselines: [],
      cals: [],
      testCals: [],
      lags: [],
      tests: [],
      logP: [],
      referencePool: [],
      summaryPool: [],
      baselinePool: [],
      testPool: [],
    };
    scratchState = s;
  }
  const size = keySpace(c).size;
  for (let i = s.summaryPool.length; i < m; i++) {
    s.summaryPool.push({ n: 0, median: 0, mean: 0, variance: 0, nonZero: 0, cap: 0 });
    s.baselinePool.push({
      mean: 0,
      size: 0,
      source: "none",
      trusted: false,
      referenceMean: 0,
      tested: false,
    });
    s.testPool.push([]);
  }
  for (let i = 0; i < m; i++) {
    const b = s.referencePool[i];
    if (!b || b.keys.length < size)
      s.referencePool[i] = { keys: new Int32Array(size), values: new Float64Array(size) };
  }
  for (const a of [
    s.states,
    s.references,
    s.summaries,
    s.baselines,
    s.cals,
    s.testCals,
    s.lags,
    s.tests,
    s.logP,
  ])
    a.length = m;
  return s;
}

/** Reads a stored state of any version as the current one. */
export function upgradeState(state: CellState | CellStateV1): CellState {
  if (state.v === 2) return state;
  const { calBuckets, calExceedances, calExcess, calExcessSq, v: _v, ...rest } = state;
  return {
    ...rest,
    v: 2,
    cal: [calBuckets, calExceedances, calExcess, calExcessSq],
    calScales: [1],
    calFrozen: null,
    mu: [],
    shareOwn: 0,
    shareParent: 0,
  };
}

function combinedLogP(tests: WindowTest[]): number {
  let best = 0;
  for (const t of tests) best = Math.min(best, t.logP);
  return Math.min(0, best + Math.log(tests.length));
}

/** Multiple-testing adjustment of log p-values over the tested cells (untested ones keep 0). */
function adjustLog(
  logP: readonly number[],
  baselines: readonly Baseline[],
  method: DetectorConfig["multipleTesting"],
  cells: number,
): number[] {
  const idx: number[] = [];
  for (let i = 0; i < cells; i++) if (baselines[i].tested) idx.push(i);
  const m = idx.length;
  const out = logP.slice(0, cells);
  if (method === "none" || m <= 1) return out;
  const lnM = Math.log(m);
  if (method === "bonferroni") {
    for (const i of idx) out[i] = Math.min(0, logP[i] + lnM);
    return out;
  }
  idx.sort((a, b) => logP[a] - logP[b] || a - b);
  let running = 0;
  for (let rank = m; rank >= 1; rank--) {
    const i = idx[rank - 1];
    running = Math.min(running, logP[i] + lnM - Math.log(rank));
    out[i] = running;
  }
  return out;
}

/**
 * The window tests of one cell. The expected counts of the previous buckets come from the state
 * (skipped buckets repeat the current one); a window longer than the history there is is not tested.
 */
function windowTests(
  cell: CellInput,
  state: CellState | null,
  cal: readonly number[],
  hash: number,
  b: Baseline,
  bucketStart: number,
  keepMu: number,
  c: DetectorConfig,
  /** Reused records of this cell position (from the previous call): refilled, not reallocated. */
  pool: WindowTest[],
): WindowTest[] {
  if (!b.tested) return EMPTY_TESTS;
  const x = Math.max(0, cell.observed);
  const mu = muHistory(state, b.mean, bucketStart, keepMu, c);
  const recent = cell.recent;
  const out = pool;
  let n = 0;
  for (let si = 0; si < c.scales.length; si++) {
    const w = c.scales[si];
    if (w > 1 && (recent.length < w - 1 || mu.length < w - 1)) continue;
    let observed = x;
    let expected = b.mean;
    for (let k = 1; k < w; k++) {
      observed += Math.max(0, recent[recent.length - k]);
      expected += mu[mu.length - k];
    }
    // At or below its expectation a count is no surprise: p = 1 (not computed). Its randomised
    // transform can still be small — for a count of 0 where 0 is nearly certain it is ≈ u — so it is
    // computed for 0 (in closed form), and skipped for counts ≥ 1 at or below the mean, where it is at
    // least P(X > mean), far above any calibration threshold for a size r ≥ 0.1.
    const above = observed > expected;
    const u = uniformOf(hash, bucketStart, w);
    const logPModel = above ? logNegBinomUpperTail(observed, expected, b.size) : 0;
    const logPit = above
      ? logRandomisedPit(observed, expected, b.size, logPModel, u)
      : observed === 0
        ? Math.log1p(-(1 - u) * Math.exp(-b.size * Math.log1p(expected / b.size)))
        : b.size < 0.1
          ? logRandomisedPit(observed, expected, b.size, logNegBinomUpperTail(observed, expected, b.size), u)
          : 0;
    const logP = calibrate(logPModel, cal, 4 * si, c);
    let t = out[n];
    if (t === undefined) {
      t = { w, observed, expected, logPModel, logP, logPit };
      out[n] = t;
    } else {
      t.w = w;
      t.observed = observed;
      t.expected = expected;
      t.logPModel = logPModel;
      t.logP = logP;
      t.logPit = logPit;
    }
    n++;
  }
  out.length = n;
  return out;
}

const EMPTY_TESTS: WindowTest[] = [];

/** Expected counts of the buckets before `bucketStart`, oldest first (skipped ones take `current`). */
function muHistory(
  state: CellState | null,
  current: number,
  bucketStart: number,
  keep: number,
  c: DetectorConfig,
): number[] {
  if (!state || keep <= 0) return [];
  const skipped = Math.max(0, Math.round((bucketStart - state.lastBucket) / bucketMs(c)) - 1);
  if (skipped === 0) return state.mu;
  const mu = state.mu.slice();
  for (let k = 0; k < Math.min(skipped, keep); k++) mu.push(current);
  return mu.slice(-keep);
}

/**
 * ln(P(X > x) + u·P(X = x)) for X ~ NB(mean, size), given ln P(X ≥ x): exactly uniform under the model,
 * for any counts. Written as P(X ≥ x)·(1 − (1 − u)·ρ) with ρ = P(X = x) / P(X ≥ x), which stays
 * accurate far in the tail.
 */
function logRandomisedPit(x: number, mean: number, size: number, logUpper: number, u: number): number {
  const rho = Math.min(1, Math.exp(logNegBinomPmf(x, mean, size) - logUpper));
  return logUpper + Math.log1p(-(1 - u) * rho);
}

/** FNV-1a hash of a cell's region and topic (the per-cell part of `uniformOf`). */
function cellHash(region: string, topic: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < region.length; k++) h = Math.imul(h ^ region.charCodeAt(k), 0x01000193);
  h = Math.imul(h ^ 0x7c, 0x01000193);
  for (let k = 0; k < topic.length; k++) h = Math.imul(h ^ topic.charCodeAt(k), 0x01000193);
  return h;
}

/** A deterministic uniform number in [0, 1) for one cell (its hash), bucket and window. */
function uniformOf(hash: number, bucketStart: number, w: number): number {
  const t = Math.floor(bucketStart / 1000);
  let h = Math.imul(hash ^ (t & 0xffff), 0x01000193);
  h = Math.imul(h ^ Math.floor(t / 65536), 0x01000193);
  h = Math.imul(h ^ w, 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/**
 * The state's calibration records laid out for `scales` (records of other windows dropped): a fresh
 * array, or the state's own when `reuse` and it is already laid out so.
 */
function alignedCalibration(state: CellState | null, scales: readonly number[], reuse = false): number[] {
  if (!state) return new Array(4 * scales.length).fill(0);
  let same = state.calScales.length === scales.length;
  for (let i = 0; same && i < scales.length; i++) same = state.calScales[i] === scales[i];
  if (same) return reuse ? state.cal : state.cal.slice();
  const out = new Array(4 * scales.length).fill(0);
  for (let i = 0; i < scales.length; i++) {
    const at = state.calScales.indexOf(scales[i]);
    if (at >= 0) for (let k = 0; k < 4; k++) out[4 * i + k] = state.cal[4 * at + k];
  }
  return out;
}

/**
 * The calibration record a window is tested against: the cell's record as it was at least max(scales)
 * buckets ago, so that none of the window's own buckets has taught it yet. Without the lag, the rising
 * edge of a burst in a quiet cell enters the record bucket by bucket (each overlapping window counts the
 * same complaints again) and has made them look ordinary before the window holding them all is tested:
 * in the generated scenarios the Vermont cell's record for the hour went from σ 1.3 to 1.7 before its
 * spike opened, and to 5 within the hour.
 *
 * Records are snapshotted at the start of each lag period (max(scales) buckets, aligned on the clock):
 * `mark` is the record when the current period began, `lag` when the previous one began (between one
 * and two periods old); it is `lag` that tests read. Returns the snapshots for this bucket (`cal` is the
 * record before this bucket's update; a new `mark` is a copy of it). `lag` is null for a new cell.
 */
interface LaggedCalibration {
  lag: number[] | null;
  mark: number[] | null;
  period: number;
}

function laggedCalibration(
  state: CellState | null,
  cal: readonly number[],
  bucketStart: number,
  c: DetectorConfig,
): LaggedCalibration {
  const period = Math.floor(bucketStart / (Math.max(...c.scales) * bucketMs(c)));
  if (!state) return { lag: null, mark: null, period };
  let sameLayout = state.calScales.length === c.scales.length;
  for (let i = 0; sameLayout && i < c.scales.length; i++) sameLayout = state.calScales[i] === c.scales[i];
  const mark = sameLayout ? (state.calMark ?? null) : null;
  const lag = sameLayout ? (state.calLag ?? null) : null;
  if (state.calPeriod === period) return { lag, mark, period };
  // A new period: the previous period's mark becomes the lagged record. After a gap of a whole period
  // or more (or with no mark yet), the record now holds nothing of the last period: it is the lag itself.
  const fresh = cal.slice();
  const next = state.calPeriod === period - 1 && mark ? mark : fresh;
  return { lag: next, mark: fresh, period };
}

/**
 * Reference positions are small integers, aligned across the cells of a bucket (so a parent can sum
 * its members position by position): weekly (w, j) → w·width + j; daily (d, j) after all weeks; the
 * short window's k-th bucket back after all days.
 */
const keySpaces = new WeakMap<
  DetectorConfig,
  { width: number; daily: number; short: number; size: number }
>();

function keySpace(c: DetectorConfig): { width: number; daily: number; short: number; size: number } {
  let space = keySpaces.get(c);
  if (!space) {
    space = computeKeySpace(c);
    keySpaces.set(c, space);
  }
  return space;
}

function computeKeySpace(c: DetectorConfig): { width: number; daily: number; short: number; size: number } {
  const width = 2 * c.seasonal.halfWidth + 1;
  const daily = c.seasonal.weeks * width;
  const short = daily + c.dailyDays * width;
  return { width, daily, short, size: short + c.shortBuckets };
}

function buildReference(
  cell: CellInput,
  c: DetectorConfig,
  buffers: { keys: Int32Array; values: Float64Array },
): Reference {
  const h = c.seasonal.halfWidth;
  const { width, daily: dailyKey, short: shortKey } = keySpace(c);
  const { keys, values } = buffers;
  let n = 0;
  const weeks = Math.min(cell.seasonal.length, c.seasonal.weeks);
  for (let w = 0; w < weeks; w++) {
    const row = cell.seasonal[w];
    for (let j = 0; j < row.length && j < width; j++) {
      keys[n] = w * width + j;
      values[n++] = row[j];
    }
  }
  let source: BaselineSource = weeks > 0 ? "weekly" : "none";
  const trusted = weeks >= c.seasonal.minWeeks;
  if (!trusted) {
    // Same time on previous days, from `recent` (fixed 24 h steps: a fallback, DST is ignored here).
    const perDay = bucketsPerDay(c);
    const len = cell.recent.length;
    let days = 0;
    for (let d = 1; d <= c.dailyDays; d++) {
      const first = len - d * perDay - h;
      if (first < 0) break;
      for (let j = 0; j < width; j++) {
        const at = first + j;
        if (at >= len) break;
        keys[n] = dailyKey + (d - 1) * width + j;
        values[n++] = cell.recent[at];
      }
      days++;
    }
    if (days > 0) source = weeks > 0 ? "weekly+daily" : "daily";
  }
  if (n < c.minReferenceValues) {
    // Under a day of history: the last few hours are all we have.
    n = 0;
    const len = cell.recent.length;
    const from = Math.max(0, len - c.shortBuckets);
    for (let at = from; at < len; at++) {
      keys[n] = shortKey + (len - at - 1);
      values[n++] = cell.recent[at];
    }
    source = n >= c.minReferenceValues ? "short" : "none";
  }
  // One record per cell position, reused (the buffers object becomes it).
  const ref = buffers as Reference;
  ref.n = n;
  ref.source = source;
  ref.trusted = trusted;
  return ref;
}

function levelFactor(state: CellState | null, c: DetectorConfig): number {
  if (!state) return 1;
  const pc = c.level.pseudoCount;
  const f = (state.levelObserved + pc) / (state.levelReference + pc);
  return Math.min(c.level.maxFactor, Math.max(1 / c.level.maxFactor, f));
}

function ownBaseline(
  state: CellState | null,
  ref: Reference,
  s: RobustSummary,
  c: DetectorConfig,
  out: Baseline,
): Baseline {
  if (ref.source === "none") return setBaseline(out, c.minExpected, c.maxSize, "none", false, 0, false);
  // Predictive variance: the spread of the reference plus the uncertainty of its mean.
  const variance = s.variance * (1 + 1 / s.n);
  const noWeekly = ref.source === "short" || ref.source === "daily";
  const size = negBinomSize(Math.max(s.mean, c.minExpected), variance, noWeekly ? c.coldMaxSize : c.maxSize);
  // The short (last hours) reference already sits at the current level.
  const factor = ref.source === "short" ? 1 : levelFactor(state, c);
  return setBaseline(
    out,
    Math.max(s.mean * factor, c.minExpected),
    size,
    ref.source,
    ref.trusted,
    s.mean,
    true,
  );
}

function setBaseline(
  b: Baseline,
  mean: number,
  size: number,
  source: BaselineSource,
  trusted: boolean,
  referenceMean: number,
  tested: boolean,
): Baseline {
  b.mean = mean;
  b.size = size;
  b.source = source;
  b.trusted = trusted;
  b.referenceMean = referenceMean;
  b.tested = tested;
  return b;
}

function isSparse(s: RobustSummary, c: DetectorConfig): boolean {
  return s.mean < c.parent.sparseMean || s.nonZero < c.parent.sparseNonZero;
}

/**
 * Sparse cells take share × parent: the topic's aggregate cell when the caller passed one, else the
 * parent summed position by position over the cells of the bucket.
 */
function applyParents(
  cells: CellInput[],
  states: (CellState | null)[],
  refs: Reference[],
  summaries: RobustSummary[],
  baselines: Baseline[],
  aggregates: ReadonlyMap<string, number>,
  c: DetectorConfig,
): void {
  const sparse = cells.map(
    (cell, i) => baselines[i].tested && cell.region !== ALL_REGIONS && isSparse(summaries[i], c),
  );
  if (!sparse.some(Boolean)) return;
  const groups = (keyOf: (cell: CellInput) => string) => {
    const g = new Map<string, number[]>();
    cells.forEach((cell, i) => {
      if (cell.region === ALL_REGIONS) return;
      const k = keyOf(cell);
      const list = g.get(k);
      if (list) list.push(i);
      else g.set(k, [i]);
    });
    return g;
  };
  const byTopic = groups((cell) => cell.topic);
  const byRegion = groups((cell) => cell.region);
  const parentCache = new Map<string, ParentModel | null>();
  const parentOf = (kind: "topic" | "region", name: string, members: number[]) => {
    const cacheKey = `${kind}\u0000${name}`;
    if (!parentCache.has(cacheKey)) parentCache.set(cacheKey, buildParent(members, refs, c));
    return parentCache.get(cacheKey) ?? null;
  };
  const aggregateValues = new Map<number, Float64Array>();
  const valuesOf = (agg: number) => {
    let v = aggregateValues.get(agg);
    if (!v) {
      v = new Float64Array(keySpace(c).size).fill(Number.NaN);
      const r = refs[agg];
      for (let k = 0; k < r.n; k++) v[r.keys[k]] = r.values[k];
      aggregateValues.set(agg, v);
    }
    return v;
  };
  cells.forEach((cell, i) => {
    if (!sparse[i]) return;
    const agg = aggregates.get(cell.topic);
    if (agg !== undefined && baselines[agg].tested) {
      // Share of the aggregate: the reference windows' fraction, with the long-run share as prior.
      const members = byTopic.get(cell.topic)?.length ?? 1;
      const parentValues = valuesOf(agg);
      let own = 0;
      let parent = 0;
      const r = refs[i];
      for (let k = 0; k < r.n; k++) {
        const pv = parentValues[r.keys[k]];
        if (Number.isNaN(pv)) continue;
        own += r.values[k];
        parent += pv;
      }
      const st = states[i];
      const longShare = ((st?.shareOwn ?? 0) + 1) / ((st?.shareParent ?? 0) + members);
      const prior = c.parent.sharePrior;
      const share = Math.min(1, (own + prior) / (parent + prior / longShare));
      const pb = baselines[agg];
      setBaseline(
        baselines[i],
        Math.max(share * pb.mean, MIN_SHARED_EXPECTED),
        Math.min(pb.size, c.parent.maxSize),
        "parent-topic",
        pb.trusted && refs[i].trusted,
        share * pb.referenceMean,
        true,
      );
      return;
    }
    for (const kind of ["topic", "region"] as const) {
      const members = kind === "topic" ? byTopic.get(cell.topic)! : byRegion.get(cell.region)!;
      if (members.length < 2) continue;
      const parent = parentOf(kind, kind === "topic" ? cell.topic : cell.region, members);
      if (!parent) continue;
      const own = sumAt(refs[i], parent.used);
      const prior = c.parent.sharePrior;
      const share = (own + prior / members.length) / (parent.total + prior);
      const factor = levelFactor(states[i], c);
      setBaseline(
        baselines[i],
        Math.max(share * parent.summary.mean * factor, c.minExpected),
        Math.min(parent.size, c.parent.maxSize),
        kind === "topic" ? "parent-topic" : "parent-region",
        parent.trusted,
        share * parent.summary.mean,
        true,
      );
      return;
    }
  });
}

interface ParentModel {
  /** 1 at the positions the parent uses. */
  used: Uint8Array;
  summary: RobustSummary;
  size: number;
  total: number;
  trusted: boolean;
}

function buildParent(members: number[], refs: Reference[], c: DetectorConfig): ParentModel | null {
  // Sum the members' references position by position; a position counts when every member with a
  // reference has it, so that the share compares like with like.
  const size = keySpace(c).size;
  const sums = new Float64Array(size);
  const counts = new Int32Array(size);
  let withRef = 0;
  for (const i of members) {
    const r = refs[i];
    if (r.source === "none") continue;
    withRef++;
    for (let k = 0; k < r.n; k++) {
      sums[r.keys[k]] += r.values[k];
      counts[r.keys[k]] += 1;
    }
  }
  const used = new Uint8Array(size);
  const values: number[] = [];
  let total = 0;
  for (let key = 0; key < size; key++) {
    if (withRef === 0 || counts[key] !== withRef) continue;
    used[key] = 1;
    values.push(sums[key]);
    total += sums[key];
  }
  if (values.length < c.minReferenceValues) return null;
  const summary = robustSummaryInto(values, values.length, c.winsorK, {
    n: 0,
    median: 0,
    mean: 0,
    variance: 0,
    nonZero: 0,
    cap: 0,
  });
  if (isSparse(summary, c)) return null;
  const variance = summary.variance * (1 + 1 / summary.n);
  return {
    used,
    summary,
    size: negBinomSize(summary.mean, variance, c.maxSize),
    total,
    trusted: members.every((i) => refs[i].trusted),
  };
}

function sumAt(ref: Reference, used: Uint8Array): number {
  let s = 0;
  for (let k = 0; k < ref.n; k++) if (used[ref.keys[k]] === 1) s += ref.values[k];
  return s;
}

function freshState(bucketStart: number): CellState {
  return {
    v: 2,
    lastBucket: bucketStart,
    seen: 0,
    levelObserved: 0,
    levelReference: 0,
    cusum: 0,
    cusumStart: null,
    cusumObserved: 0,
    cusumExpected: 0,
    episode: null,
    cal: [],
    calScales: [],
    calFrozen: null,
    dispSum: 0,
    dispBuckets: 0,
    mu: [],
    shareOwn: 0,
    shareParent: 0,
  };
}

/**
 * Calibrated log p-value from the model's one (see `config.calibration`). Above the threshold u the
 * excesses of S = −ln p follow a generalised Pareto tail, P(S ≥ s) = π (1 + ξ (s − u)/σ)^(−1/ξ)
 * (exponential, π e^(−(s−u)/σ), when ξ = 0), fitted by moments to the cell's record for the window;
 * below u, S is scaled linearly so that S = u maps to ln π.
 */
export function calibrate(
  logPModel: number,
  cal: readonly number[] | null,
  offset: number,
  c: DetectorConfig,
): number {
  const k = c.calibration;
  if (!k.enabled) return logPModel;
  const { rate, scale, shape } = calibrationOf(cal, offset, c);
  const u = -Math.log(k.thresholdP);
  const surprise = -logPModel;
  if (surprise <= u) return (surprise / u) * Math.log(rate);
  const y = surprise - u;
  const logTail = shape > 1e-6 ? -Math.log1p((shape * y) / scale) / shape : -y / scale;
  return Math.log(rate) + logTail;
}

/**
 * Exceedance rate π and generalised-Pareto scale σ and shape ξ of a cell's surprises in one window.
 * Moments: mean m = σ/(1−ξ), variance v = σ²/((1−ξ)²(1−2ξ)) ⇒ ξ = (1 − m²/v)/2, σ = m(1 − ξ). The
 * prior counts as `priorExceedances` excesses from an exponential tail of mean `priorExcess`. ξ is kept
 * in [0, maxShape]: never lighter than exponential, never so heavy that nothing is ever surprising.
 */
export function calibrationOf(
  cal: readonly number[] | null,
  offset: number,
  c: DetectorConfig,
): { rate: number; scale: number; shape: number } {
  const k = c.calibration;
  const n = cal?.[offset] ?? 0;
  const e = cal?.[offset + 1] ?? 0;
  const excess = cal?.[offset + 2] ?? 0;
  const excessSq = cal?.[offset + 3] ?? 0;
  const sum = excess + k.priorExcess * k.priorExceedances;
  const sumSq = excessSq + 2 * k.priorExcess * k.priorExcess * k.priorExceedances;
  const w = e + k.priorExceedances;
  const rate = Math.min(1, (e + k.priorRate * k.priorBuckets) / (n + k.priorBuckets));
  const mean = Math.max(1, sum / w);
  const variance = Math.max(sumSq / w - (sum / w) ** 2, 1e-9);
  const shape = Math.min(k.maxShape, Math.max(0, 0.5 * (1 - (mean * mean) / variance)));
  return { rate, scale: mean * (1 - shape), shape };
}

function decideCell(
  cell: CellInput,
  prev: CellState | null,
  /** Update `prev` itself (see `EvaluateBucketInput.inPlace`). */
  inPlace: boolean,
  cal: number[],
  /** Snapshots of the record before this bucket enters it (`laggedCalibration`, from evaluateBucket). */
  lagged: LaggedCalibration,
  keepMu: number,
  b: Baseline,
  tests: WindowTest[],
  logP: number,
  /** ln of the cross-cell adjustment factor (adjusted − raw log p-value, ≥ 0). */
  lnAdjust: number,
  cusumH: number,
  /** The topic's aggregate cell, when it is tested: its observed count and baseline. */
  parentObserved: number,
  parentBaseline: Baseline | null,
  bucketStart: number,
  step: number,
  c: DetectorConfig,
): CellDecision {
  if (prev && bucketStart <= prev.lastBucket) {
    throw new RangeError(
      `evaluateBucket: ${cell.region}/${cell.topic} bucket ${new Date(bucketStart).toISOString()} is not after the state's last bucket ${new Date(prev.lastBucket).toISOString()}`,
    );
  }
  const skipped = prev ? Math.max(0, Math.round((bucketStart - prev.lastBucket) / step) - 1) : 0;
  let state: CellState;
  if (prev && inPlace) {
    // muHistory returns the state's own array when no bucket was skipped: it is updated in place too.
    state = prev;
    state.mu = muHistory(prev, b.mean, bucketStart, keepMu, c);
    state.lastBucket = bucketStart;
    state.cal = cal;
    state.calScales = c.scales;
  } else if (prev) {
    state = {
      ...prev,
      lastBucket: bucketStart,
      episode: prev.episode ? { ...prev.episode } : null,
      cal,
      calScales: c.scales,
      mu: muHistory(prev, b.mean, bucketStart, keepMu, c).slice(),
    };
  } else {
    state = freshState(bucketStart);
    state.cal = cal;
    state.calScales = c.scales;
  }
  state.calMark = lagged.mark;
  state.calLag = lagged.lag;
  state.calPeriod = lagged.period;
  state.seen += 1;
  if (skipped > 0) {
    resetCusum(state);
    if (state.episode) {
      // Skipped buckets are zero counts (as missing buckets are): quiet, and nothing observed.
      state.episode.quiet += skipped;
      state.episode.run = 0;
      state.episode.strongRun = 0;
      if (state.episode.quiet >= c.endQuietBuckets) {
        state.episode = null;
        state.calFrozen = null;
      }
    }
  }

  const x = Math.max(0, cell.observed);
  const mu = b.mean;
  const sd = Math.sqrt(mu + (mu * mu) / b.size);
  const ratio = x / Math.max(mu, c.minExpected);
  const lnScales = Math.log(Math.max(tests.length, 1));
  const logQ = Math.min(0, logP + lnAdjust);
  const score = b.tested ? Math.min(MAX_SCORE, -logQ / LN10) : 0;
  const alphaFactor = b.trusted ? 1 : c.coldAlphaFactor;
  const lnAlphaP = Math.log(c.possible.alpha * alphaFactor);
  const lnAlphaD = Math.log(c.detected.alpha * alphaFactor);
  // A level is met when one window passes its alpha (after the corrections), count and ratio.
  const meetsDetected = b.tested && meetsLevel(tests, c.detected, lnAlphaD, lnScales, lnAdjust, false);
  const meetsPossible =
    meetsDetected || (b.tested && meetsLevel(tests, c.possible, lnAlphaP, lnScales, lnAdjust, false));
  // Sustained escalation counts buckets that pass on their own: a window would count one burst w times.
  const bucketPossible = b.tested && meetsLevel(tests, c.possible, lnAlphaP, lnScales, lnAdjust, true);
  let single: WindowTest | undefined;
  for (const w of tests) if (w.w === 1) single = single ?? w;
  const pBucket = single ? Math.exp(single.logP) : 1;

  // Residuals standardised by the model's spread times the cell's own dispersion factor φ
  // (quasi-likelihood: the mean squared Pearson residual, kept in the state).
  const phi = dispersionOf(state, c);
  const sdz = sd * Math.sqrt(phi);
  const z = Math.max(-c.cusum.zCap, Math.min(c.cusum.zCap, (x - mu) / sdz));

  // CUSUM: accumulates clipped residuals beyond the allowance k, through a `possible` spike too.
  let cusumPossible = false;
  let cusumDetected = false;
  if (b.tested && c.cusum.enabled) {
    const next = state.cusum + z - c.cusum.k;
    if (next > 0) {
      if (state.cusum === 0) {
        state.cusumStart = bucketStart;
        state.cusumObserved = 0;
        state.cusumExpected = 0;
      }
      state.cusum = next;
      state.cusumObserved += x;
      state.cusumExpected += mu;
    } else {
      resetCusum(state);
    }
    // Persistence is the CUSUM's evidence, so both of its levels ask only for the `possible` size.
    const enough =
      state.cusumObserved >= c.possible.minCount &&
      state.cusumObserved >= c.possible.minRatio * state.cusumExpected;
    cusumPossible = state.cusum >= cusumH && enough;
    cusumDetected = state.cusum >= cusumH * c.cusum.detectedFactor && enough;
  }

  let level: SpikeLevel | null = null;
  let reason: FlagReason | null = null;
  let opened = false;

  const ep = state.episode;
  if (ep) {
    const elevated = b.tested && x >= 1 && x >= mu * c.continueRatio && pBucket <= c.continueAlpha;
    if (elevated) {
      ep.run += 1;
      ep.quiet = 0;
      ep.quietObserved = 0;
      ep.quietExpected = 0;
      ep.sumObserved += x;
      ep.sumExpected += mu;
      ep.strongRun = bucketPossible ? ep.strongRun + 1 : 0;
      reason = "continuing";
      if (ep.level === "possible") {
        const sustained = ep.strongRun >= c.sustainBuckets;
        if (meetsDetected || sustained || cusumDetected) {
          ep.level = "detected";
          reason = meetsDetected ? "escalated" : sustained ? "sustained" : "cusum";
          resetCusum(state);
        }
      }
      level = ep.level;
    } else if (ep.level === "possible" && meetsDetected) {
      // A window that reaches `detected` while its latest bucket is quiet (a sparse cell's trickle).
      ep.level = "detected";
      ep.run = 1;
      ep.quiet = 0;
      ep.quietObserved = 0;
      ep.quietExpected = 0;
      reason = "escalated";
      level = "detected";
      resetCusum(state);
    } else {
      ep.run = 0;
      ep.strongRun = 0;
      ep.quiet += 1;
      ep.quietObserved += x;
      ep.quietExpected += mu;
      if (ep.quiet >= c.endQuietBuckets) {
        state.episode = null;
        state.calFrozen = null;
        resetCusum(state);
      }
    }
  } else if (meetsDetected || meetsPossible || cusumPossible || cusumDetected) {
    const byTest = meetsDetected || meetsPossible;
    level = meetsDetected || cusumDetected ? "detected" : "possible";
    reason = byTest ? "spike" : "cusum";
    state.episode = {
      startedAt: byTest
        ? onsetOf(cell, tests, state.mu, bucketStart, step)
        : (state.cusumStart ?? bucketStart),
      level,
      run: 1,
      strongRun: bucketPossible ? 1 : 0,
      quiet: 0,
      quietObserved: 0,
      quietExpected: 0,
      sumObserved: byTest ? x : state.cusumObserved,
      sumExpected: byTest ? mu : state.cusumExpected,
    };
    opened = true;
    state.calFrozen = (lagged.lag ?? cal).slice();
    if (level === "detected") resetCusum(state);
  }

  if (b.tested) {
    // Dispersion record: squared Pearson residuals, clipped at (2·zCap)² so a spike counts as one big datum.
    const keep = 0.5 ** (1 / c.calibration.halfLifeBuckets);
    const pearson = ((x - mu) / sd) ** 2;
    state.dispSum = state.dispSum * keep + Math.min(pearson, 4 * c.cusum.zCap * c.cusum.zCap);
    state.dispBuckets = state.dispBuckets * keep + 1;

    // Calibration records, one per window: every tested bucket, spikes included (a cell that bursts
    // often is a cell whose bursts mean less), with each excess capped so one giant spike is one datum.
    if (c.calibration.enabled) {
      const k = c.calibration;
      const u = Math.log(k.thresholdP);
      for (const t of tests) {
        const at = 4 * c.scales.indexOf(t.w);
        const excess = -t.logPit + u;
        const capped = excess > 0 ? Math.min(excess, k.maxExcess) : 0;
        cal[at] = cal[at] * keep + 1;
        cal[at + 1] = cal[at + 1] * keep + (excess > 0 ? 1 : 0);
        cal[at + 2] = cal[at + 2] * keep + capped;
        cal[at + 3] = cal[at + 3] * keep + capped * capped;
      }
    }

    // Slow level tracker: smoothed observed (clipped near the top of the baseline's range, so spikes
    // barely move it) over smoothed reference mean.
    const eta = 1 - 0.5 ** (1 / c.level.halfLifeBuckets);
    const clipped = Math.min(x, mu + c.cusum.zCap * sdz);
    state.levelObserved += eta * (clipped - state.levelObserved);
    state.levelReference += eta * (b.referenceMean - state.levelReference);
  }

  // Long-run share of the topic's aggregate (for sparse cells), from clipped counts of both.
  if (parentBaseline) {
    const keep = 0.5 ** (1 / c.parent.shareHalfLifeBuckets);
    const pb = parentBaseline;
    const pTop = pb.mean + c.cusum.zCap * Math.sqrt(pb.mean + (pb.mean * pb.mean) / pb.size);
    // A complaint is a unit: a sparse cell's counts are clipped only inside its own spikes.
    const own = state.episode ? Math.min(x, Math.max(1, mu + c.cusum.zCap * sdz)) : x;
    const parentClipped = Math.min(parentObserved, pTop);
    state.shareOwn = state.shareOwn * keep + Math.min(own, parentClipped);
    state.shareParent = state.shareParent * keep + parentClipped;
  }

  // Expected counts of the last buckets, for the next bucket's windows.
  // Only buckets that had a real baseline: a window reaching back into the cold start would sum a
  // full count against next to nothing expected.
  if (keepMu > 0 && !b.tested) state.mu = [];
  else if (keepMu > 0) {
    state.mu.push(mu);
    while (state.mu.length > keepMu) state.mu.shift();
  }

  let best: WindowTest | undefined;
  for (const t of tests) if (!best || t.logP < best.logP) best = t;
  const longest = tests.length > 0 ? tests[tests.length - 1] : undefined;
  return {
    region: cell.region,
    topic: cell.topic,
    level,
    score,
    expected: mu,
    size: b.size,
    pValue: Math.exp(logP),
    state,
    observed: x,
    ratio,
    baseline: b.source,
    reason,
    onsetAt: level ? (state.episode?.startedAt ?? bucketStart) : null,
    opened,
    inSpike: state.episode !== null,
    scale: best?.w ?? 1,
    windowBuckets: longest?.w ?? 1,
    windowObserved: longest?.observed ?? x,
    windowExpected: longest?.expected ?? mu,
    windowLogP: longest?.logPModel ?? 0,
  };
}

/** Whether one window passes a level: corrected calibrated log p ≤ lnAlpha, count and ratio. */
function meetsLevel(
  tests: readonly WindowTest[],
  t: DetectorConfig["possible"],
  lnAlpha: number,
  lnScales: number,
  lnAdjust: number,
  onlySingle: boolean,
): boolean {
  for (let k = 0; k < tests.length; k++) {
    const w = tests[k];
    if (onlySingle && w.w !== 1) continue;
    if (
      w.logP + lnScales + lnAdjust <= lnAlpha &&
      w.observed >= t.minCount &&
      w.observed >= t.minRatio * w.expected
    )
      return true;
  }
  return false;
}

/**
 * Where the evidence of a spike opened by a window test began: the first bucket of the flagging window
 * whose count was above its expected count (the bucket itself for a one-bucket test).
 */
function onsetOf(
  cell: CellInput,
  tests: WindowTest[],
  muBefore: readonly number[],
  bucketStart: number,
  step: number,
): number {
  let best: WindowTest | undefined;
  for (const t of tests) if (!best || t.logP < best.logP) best = t;
  const w = best?.w ?? 1;
  const recent = cell.recent;
  for (let k = w - 1; k >= 1; k--) {
    const count = recent[recent.length - k];
    const expected = muBefore[muBefore.length - k];
    if (count >= 1 && expected !== undefined && count > expected) return bucketStart - k * step;
  }
  return bucketStart;
}

/** Dispersion factor φ ≥ 1: mean squared Pearson residual, with `dispersionPrior` buckets at φ = 1. */
export function dispersionOf(state: CellState | null, c: DetectorConfig): number {
  const prior = c.cusum.dispersionPrior;
  return Math.max(1, ((state?.dispSum ?? 0) + prior) / ((state?.dispBuckets ?? 0) + prior));
}

function resetCusum(state: CellState): void {
  state.cusum = 0;
  state.cusumStart = null;
  state.cusumObserved = 0;
  state.cusumExpected = 0;
}
