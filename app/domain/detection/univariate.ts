/**
 * A detector for ONE series of any kind — complaint or tweet counts, CPU %, latency, traffic speed, ad
 * prices, synthetic signals — with the same defaults for all, causal (the decision for row t reads
 * rows ≤ t only). It is what `scoreSeries` (the `score-series` CLI, the NAB evaluation) runs; the
 * console's per-cell detector is `engine.ts` (negative binomial, multiple cells, parents), unchanged.
 *
 *   detectSeries(times, values, config?) → { flags, kind, novelty, test, tests, inAlarm }
 *
 * Row by row:
 *   1. Kind. Whole non-negative numbers that look like counts of events (a median ≤ counts.maxMedian
 *      and at least Poisson's row-to-row variability, judged on the warm-up rows) are counts: they are
 *      put through Anscombe's variance-stabilising transform 2√(x + 3/8) and scored upwards only (a
 *      quiet hour is not an incident). Anything else is continuous, on its own scale, scored both ways.
 *      The first value that is not a whole non-negative number makes a count series continuous.
 *   2. Season. Three views of the series: as it is, and with a daily and a weekly profile removed. The
 *      profile at time τ is the median, over the last `cycles` periods (an odd number of them, at least
 *      `minCycles`), of the value at τ − k·period minus the series' trailing level over one period then
 *      (so a level shift does not echo a period later). Rows are found by timestamp (the nearest row
 *      within one sampling interval, itself inferred from the data), so irregular sampling and gaps are
 *      fine. A view is only used once `minCycles` + 1 periods of history exist.
 *   3. Level tests, one per window of w rows (`windows`): the midmean (mean of the middle half) of the
 *      last w values minus the median of the max(reference.minRows, reference.factor·w) values before
 *      them, divided by the robust scale of that same difference over the last `scaleRows` rows
 *      (1.4826 × median |·|), floored at half the data's resolution and at `rangeFloor` × the range seen
 *      so far (changes of a hundredth of the range are not events). Each window uses the view whose
 *      scale is smallest (a seasonal view must beat the plain one by the factor `gain`): seasonality is
 *      modelled where it explains the variation, and only there.
 *   4. Spread tests (continuous series only), one per window of `spreadWindows`: ln of the median
 *      |one-row level residual| over the last w rows against the long-run scale, × √w: a flat-lined
 *      sensor and a suddenly noisy one.
 *   5. Calibration. Every test, in each direction, has an extreme-value tail learned from its own history
 *      (`tail.ts`: declustered peaks over threshold, exponential excesses with a conservative prior).
 *      The row's surprise is novelty = min over tests of (tail probability × rows of history) × number of
 *      tests: the expected number of excursions at least this extreme in a history as long as this one,
 *      had the series behaved as it did so far. Below `alarm.alpha` (default 1: not even one expected),
 *      the row opens an alarm and is flagged. Noise alone then raises about alpha × ln(N / warm-up)
 *      alarms in N rows — the bar rises as the history grows, as it should for "never seen before".
 *   6. Alarm. Once raised, an alarm stays open while any test is in its own 1-in-1/`continueAlpha`
 *      tail, and closes after `quietRows` rows in a row where none is. While it is open, rows are not
 *      flagged — unless one is a new anomaly showing through the mask: novel (below alpha), raised by a
 *      test that has not been in its 1-in-1/`continueAlpha` tail at any row of this alarm, and at least
 *      `rearmFactor` times stronger (novelty that many times smaller) than the row that opened the
 *      alarm or last re-armed it. That row is flagged and the alarm carries on from it.
 *
 * Memory grows linearly with the rows (each test keeps its history) and time a little faster (tails
 * are refitted from the whole history every 50 rows): about 2 s for a 16,000-row series here.
 */
import {
  createTail,
  pushTail,
  selectKth,
  TAIL_DEFAULTS,
  type Tail,
  type TailConfig,
  tailLogSurvival,
} from "./tail";

const DAY_MS = 86_400_000;

export interface UnivariateConfig {
  /** Rows seen before any test is made (and before the kind of series is decided). */
  warmupRows: number;
  /** Level-test windows, in rows. */
  windows: number[];
  /** Spread-test windows, in rows (continuous series only). */
  spreadWindows: number[];
  /** The reference of a w-row window: the max(minRows, factor·w) rows just before it. */
  reference: { minRows: number; factor: number };
  /** Rows over which a test's robust scale is measured. */
  scaleRows: number;
  /** A change smaller than this fraction of the range seen so far is not scaled up into an event. */
  rangeFloor: number;
  seasonality: {
    /** Candidate periods (ms). */
    periodsMs: number[];
    /** Past periods in the profile's median (an odd number of them is used). */
    cycles: number;
    /** Fewest past periods for a profile; the view is tried once minCycles + 1 periods exist. */
    minCycles: number;
    /** A seasonal view is chosen only when its scale is below gain × the plain view's. */
    gain: number;
  };
  counts: {
    /** Counts have a median at most this (counting noise of at least ~3%). */
    maxMedian: number;
    /** …and a row-to-row variance at least this × the Poisson one (2 × mean). */
    minDispersion: number;
  };
  alarm: {
    /** A row whose novelty is below alpha opens an alarm. */
    alpha: number;
    /** An open alarm continues while some test's tail probability is below this. */
    continueAlpha: number;
    /** …and closes after this many rows in a row where none is. */
    quietRows: number;
    /**
     * While open, a novel row from a test not yet hot in this alarm is flagged (re-arms the alarm) if
     * its novelty is at least this many times smaller than the opening's (or last re-arm's); 0: never.
     */
    rearmFactor: number;
  };
  tail: TailConfig;
}

export const UNIVARIATE_DEFAULTS: UnivariateConfig = {
  warmupRows: 150,
  windows: [1, 4, 16, 64],
  spreadWindows: [16, 64],
  reference: { minRows: 12, factor: 2 },
  scaleRows: 2016,
  rangeFloor: 0.01,
  seasonality: { periodsMs: [DAY_MS, 7 * DAY_MS], cycles: 5, minCycles: 3, gain: 0.9 },
  counts: { maxMedian: 1000, minDispersion: 0.5 },
  alarm: { alpha: 1, continueAlpha: 1e-3, quietRows: 12, rearmFactor: 10 },
  tail: TAIL_DEFAULTS,
};

/** A partial config: any key, at any depth, may be left out. */
export type UnivariateConfigInput = {
  [K in keyof UnivariateConfig]?: UnivariateConfig[K] extends unknown[]
    ? UnivariateConfig[K]
    : UnivariateConfig[K] extends object
      ? Partial<UnivariateConfig[K]>
      : UnivariateConfig[K];
};

/** Merges overrides onto the defaults (one level of nesting) and checks them. */
export function resolveUnivariateConfig(input: UnivariateConfigInput = {}): UnivariateConfig {
  const out = { ...UNIVARIATE_DEFAULTS } as Record<string, unknown>;
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    const current = (UNIVARIATE_DEFAULTS as unknown as Record<string, unknown>)[key];
    out[key] =
      current !== null && typeof current === "object" && !Array.isArray(current) && typeof value === "object"
        ? { ...(current as object), ...(value as object) }
        : value;
  }
  const c = out as unknown as UnivariateConfig;
  const wholeRows = (ws: number[]) => ws.every((w) => Number.isInteger(w) && w >= 1);
  if (!(c.windows.length > 0 && wholeRows(c.windows) && wholeRows(c.spreadWindows)))
    throw new RangeError("univariate config: windows must be whole numbers of rows ≥ 1");
  if (
    !(
      c.warmupRows >= 2 &&
      c.scaleRows >= 1 &&
      c.alarm.alpha > 0 &&
      c.alarm.quietRows >= 1 &&
      c.alarm.rearmFactor >= 0
    )
  )
    throw new RangeError(
      "univariate config: warmupRows ≥ 2, scaleRows ≥ 1, alarm.alpha > 0, quietRows ≥ 1, rearmFactor ≥ 0",
    );
  if (!(c.seasonality.minCycles >= 1 && c.seasonality.cycles >= c.seasonality.minCycles))
    throw new RangeError("univariate config: 1 ≤ seasonality.minCycles ≤ seasonality.cycles");
  return c;
}

export type SeriesKind = "counts" | "continuous";

export interface UnivariateResult {
  /** 1 on the row that opened each alarm (or re-armed an open one: a new, much stronger anomaly), else 0. */
  flags: Uint8Array;
  /** 1 while an alarm is open (including its first row). */
  inAlarm: Uint8Array;
  /** The kind the series was scored as (decided at the end of the warm-up; a later non-count value makes it continuous). */
  kind: SeriesKind;
  /** Per row: min over tests of (tail probability × rows of history) × tests; NaN while nothing is tested. */
  novelty: Float64Array;
  /** Per row: index in `tests` of the test behind `novelty`, or −1. */
  test: Int16Array;
  /** Names of the tests, e.g. "level 16 up", "spread 64 down". */
  tests: string[];
}

/**
 * Whether whole non-negative numbers look like counts of events: a level low enough for counting noise
 * to matter (median ≤ maxMedian) and at least `minDispersion` × Poisson's row-to-row variance
 * (Var(x_t − x_{t−1}) ≥ minDispersion · 2 · mean). Speeds or temperatures in whole units vary less:
 * they are measurements. Reads values[0, n).
 */
export function looksLikeCounts(
  values: ArrayLike<number>,
  n: number,
  c: UnivariateConfig["counts"],
): boolean {
  if (n < 2) return true;
  let mean = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!(v >= 0 && Number.isInteger(v))) return false;
    mean += v;
  }
  mean /= n;
  if (!(medianOf(values, 0, n) <= c.maxMedian)) return false;
  let sq = 0;
  for (let i = 1; i < n; i++) sq += (values[i] - values[i - 1]) ** 2;
  return sq / (n - 1) >= c.minDispersion * 2 * mean;
}

const isCount = (v: number) => v >= 0 && Number.isInteger(v);

export function detectSeries(
  times: ArrayLike<number>,
  values: ArrayLike<number>,
  input: UnivariateConfigInput = {},
): UnivariateResult {
  const c = resolveUnivariateConfig(input);
  const n = values.length;
  if (times.length !== n) throw new RangeError("detectSeries: times and values differ in length");
  for (let i = 1; i < n; i++) {
    if (!(times[i] >= times[i - 1]))
      throw new RangeError(`detectSeries: row ${i} is earlier than row ${i - 1}`);
  }
  const W = c.windows;
  const SW = c.spreadWindows;
  const periods = [0, ...c.seasonality.periodsMs];
  const V = periods.length;
  const tests = [
    ...W.flatMap((w) => [`level ${w} up`, `level ${w} down`]),
    ...SW.flatMap((w) => [`spread ${w} up`, `spread ${w} down`]),
  ];
  const runs = [...W, ...SW].flatMap((w) => [w, w]);
  let tails: Tail[] = runs.map((run) => createTail(run));

  const flags = new Uint8Array(n);
  const inAlarm = new Uint8Array(n);
  const novelty = new Float64Array(n).fill(Number.NaN);
  const testOf = new Int16Array(n).fill(-1);

  let kind: SeriesKind = "counts";
  const y = new Float64Array(n);
  // Per view: trailing level, deviation from it, the deseasonalised value, prefix sums for window means.
  const level = periods.map(() => new Float64Array(n).fill(Number.NaN));
  const levelAt = new Float64Array(V).fill(Number.NEGATIVE_INFINITY);
  const dev = periods.map(() => new Float64Array(n).fill(Number.NaN));
  const d = periods.map(() => new Float64Array(n).fill(Number.NaN));
  // D[v][wi][j]: window statistic of view v (window mean − reference median), |D| for the scales.
  const D = periods.map(() => W.map(() => new Float64Array(n).fill(Number.NaN)));
  const absD = periods.map(() => W.map(() => new Float64Array(n).fill(Number.NaN)));
  const scaleCache = new Float64Array(V * W.length).fill(Number.NaN);
  const scaleAt = new Float64Array(V * W.length).fill(Number.NEGATIVE_INFINITY);
  let step = 0;
  let stepAt = Number.NEGATIVE_INFINITY;
  let resolution = Number.POSITIVE_INFINITY;
  let yMin = 0;
  let yMax = 0;
  let open = false;
  let quiet = 0;
  // The novelty of the row that opened (or last re-armed) the open alarm, and which tests (index as in
  // `tails`) have been in their continueAlpha tail at some row of it; hotNow: this row's.
  let armedAt = Number.POSITIVE_INFINITY;
  const hotInAlarm = new Uint8Array(runs.length);
  const hotNow = new Uint8Array(runs.length);

  for (let t = 0; t < n; t++) {
    const x = values[t];
    if (t > 0) {
      const dx = Math.abs(x - values[t - 1]);
      if (dx > 0 && dx < resolution) resolution = dx;
    }
    if (t - stepAt >= 100) {
      step = medianStep(times, t);
      stepAt = t;
    }
    if (kind === "counts" && (!isCount(x) || (t === c.warmupRows && !looksLikeCounts(values, t, c.counts)))) {
      // Continuous from now on: the history is re-derived on the raw scale (rows < t only), and a test
      // learned on the count scale starts again.
      kind = "continuous";
      levelAt.fill(Number.NEGATIVE_INFINITY);
      for (let j = 0; j < t; j++) derive(j);
      yMin = Number.POSITIVE_INFINITY;
      yMax = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < t; j++) {
        yMin = Math.min(yMin, y[j]);
        yMax = Math.max(yMax, y[j]);
      }
      if (t > c.warmupRows) tails = runs.map((run) => createTail(run));
    }
    derive(t);
    yMin = t === 0 ? y[t] : Math.min(yMin, y[t]);
    yMax = t === 0 ? y[t] : Math.max(yMax, y[t]);
    if (t < c.warmupRows) continue;

    // The statistics of this row: level tests (view with the smallest scale), then spread tests.
    const stats: number[] = [];
    // Scale floors: half the data's resolution (0.5 on the count scale), and a hundredth of the range.
    const resolutionFloor = Math.max(
      kind === "counts" ? 0.5 : Number.isFinite(resolution) ? resolution / 2 : 0,
      1e-12,
    );
    const rangeFloor = c.rangeFloor * (yMax - yMin);
    const floorBase = Math.max(resolutionFloor, rangeFloor);
    let view1 = -1;
    let scale1 = 0;
    for (let wi = 0; wi < W.length; wi++) {
      let best = -1;
      let bestScale = 0;
      let bestEff = Number.POSITIVE_INFINITY;
      for (let v = 0; v < V; v++) {
        if (Number.isNaN(D[v][wi][t])) continue;
        if (v > 0 && times[t] - times[0] < (c.seasonality.minCycles + 1) * periods[v]) continue;
        const slot = v * W.length + wi;
        if (t - scaleAt[slot] >= 12 || Number.isNaN(scaleCache[slot])) {
          scaleCache[slot] = medianOf(absD[v][wi], Math.max(0, t - c.scaleRows), t);
          scaleAt[slot] = t;
        }
        const s = scaleCache[slot];
        if (Number.isNaN(s)) continue;
        const eff = v === 0 ? s : s / c.seasonality.gain;
        if (eff < bestEff) {
          bestEff = eff;
          best = v;
          bestScale = s;
        }
      }
      if (best < 0) {
        stats.push(Number.NaN);
        continue;
      }
      const s = Math.max(1.4826 * bestScale, resolutionFloor / Math.sqrt(W[wi]), rangeFloor);
      if (wi === 0) {
        view1 = best;
        scale1 = s;
      }
      stats.push(D[best][wi][t] / s);
    }
    for (const w of SW) {
      if (kind === "counts" || view1 < 0 || t - w + 1 < 0) {
        stats.push(Number.NaN);
        continue;
      }
      const local = 1.4826 * medianOf(absD[view1][0], t - w + 1, t + 1);
      stats.push(Math.log((local + floorBase) / (scale1 + floorBase)) * Math.sqrt(w));
    }

    // Calibration: each test and direction against its own tail.
    let best = Number.POSITIVE_INFINITY;
    let bestTest = -1;
    let tested = 0;
    let hot = false;
    hotNow.fill(0);
    const lnContinue = Math.log(c.alarm.continueAlpha);
    for (let k = 0; k < stats.length; k++) {
      const stat = stats[k];
      if (Number.isNaN(stat)) continue;
      const isLevel = k < W.length;
      for (let dir = 0; dir < 2; dir++) {
        if (isLevel && dir === 1 && kind === "counts") continue;
        const s = dir === 0 ? stat : -stat;
        const tail = tails[2 * k + dir];
        if (tail.ready) {
          const lnP = tailLogSurvival(tail, s, c.tail);
          const ln = lnP + Math.log(tail.values.length);
          if (ln < best) {
            best = ln;
            bestTest = 2 * k + dir;
          }
          if (lnP < lnContinue) {
            hot = true;
            hotNow[2 * k + dir] = 1;
          }
          tested++;
        }
        pushTail(tail, s, c.tail);
      }
    }
    if (tested === 0) continue;
    const nov = Math.exp(best) * tested;
    novelty[t] = nov;
    testOf[t] = bestTest;
    if (open) {
      if (
        nov < c.alarm.alpha &&
        hotInAlarm[bestTest] === 0 &&
        c.alarm.rearmFactor > 0 &&
        nov * c.alarm.rearmFactor < armedAt
      ) {
        // A new anomaly through the mask: another test, much stronger than what armed the alarm.
        flags[t] = 1;
        armedAt = nov;
        quiet = 0;
      } else if (hot) quiet = 0;
      else if (++quiet >= c.alarm.quietRows) open = false;
    } else if (nov < c.alarm.alpha) {
      flags[t] = 1;
      open = true;
      quiet = 0;
      armedAt = nov;
      hotInAlarm.fill(0);
    }
    if (open) for (let k = 0; k < runs.length; k++) hotInAlarm[k] |= hotNow[k];
    if (open || flags[t]) inAlarm[t] = 1;
  }
  return { flags, inAlarm, kind, novelty, test: testOf, tests };

  /** Derives row j of every view (reads rows ≤ j). */
  function derive(j: number): void {
    y[j] = kind === "counts" ? 2 * Math.sqrt(Math.max(0, values[j]) + 0.375) : values[j];
    for (let v = 0; v < V; v++) {
      d[v][j] = deseasonalise(j, v);
      for (let wi = 0; wi < W.length; wi++) {
        const w = W[wi];
        const L = Math.max(c.reference.minRows, Math.round(c.reference.factor * w));
        const a = j - w + 1;
        if (a - L < 0) continue;
        const centre = w < 3 ? meanOf(d[v], a, j + 1) : midmeanOf(d[v], a, j + 1);
        if (Number.isNaN(centre)) continue;
        const base = medianOf(d[v], a - L, a);
        if (Number.isNaN(base)) continue;
        D[v][wi][j] = centre - base;
        absD[v][wi][j] = Math.abs(centre - base);
      }
    }
  }

  function deseasonalise(j: number, v: number): number {
    const period = periods[v];
    if (period === 0) return y[j];
    // Trailing level over one period, refreshed every 1/48 of it.
    const first = firstAtOrAfter(times[j] - period + 1, j);
    const stride = Math.max(1, Math.round((j - first + 1) / 48));
    if (j - levelAt[v] >= stride || j === 0 || Number.isNaN(level[v][j - 1])) {
      level[v][j] = medianOf(y, first, j + 1);
      levelAt[v] = j;
    } else level[v][j] = level[v][j - 1];
    dev[v][j] = y[j] - level[v][j];
    const refs: number[] = [];
    for (let k = 1; k <= c.seasonality.cycles; k++) {
      const target = times[j] - k * period;
      if (target < times[0]) break;
      const i = nearest(target, j);
      if (i >= 0 && !Number.isNaN(dev[v][i])) refs.push(dev[v][i]);
    }
    if (refs.length < c.seasonality.minCycles) return Number.NaN;
    // An odd number of cycles (the most recent ones): the median is one of them, and one odd cycle
    // (a holiday, the day of a level shift) cannot leak into it.
    const used = refs.length % 2 === 1 ? refs.length : refs.length - 1;
    return y[j] - medianOf(refs, 0, used);
  }

  function firstAtOrAfter(target: number, upTo: number): number {
    let lo = 0;
    let hi = upTo;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (times[mid] < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The row before `upTo` nearest to `target`, if within one sampling interval; else −1. */
  function nearest(target: number, upTo: number): number {
    const lo = firstAtOrAfter(target, upTo - 1);
    const best = lo > 0 && Math.abs(times[lo - 1] - target) < Math.abs(times[lo] - target) ? lo - 1 : lo;
    return Math.abs(times[best] - target) <= Math.max(step, 1) ? best : -1;
  }
}

/** Median interval between the (up to) 1,000 rows before row t: the sampling interval, inferred. */
function medianStep(times: ArrayLike<number>, t: number): number {
  const from = Math.max(1, t - 1000);
  const diffs: number[] = [];
  for (let i = from; i < t; i++) diffs.push(times[i] - times[i - 1]);
  return diffs.length > 0 ? medianOf(diffs, 0, diffs.length) : 0;
}

let scratch = new Float64Array(1024);

/** Median of the non-NaN values of src[from, to); NaN when there are none. */
export function medianOf(src: ArrayLike<number>, from: number, to: number): number {
  const len = to - from;
  if (len <= 0) return Number.NaN;
  if (scratch.length < len) scratch = new Float64Array(2 * len);
  let m = 0;
  for (let i = from; i < to; i++) {
    const v = src[i];
    if (!Number.isNaN(v)) scratch[m++] = v;
  }
  if (m === 0) return Number.NaN;
  const a = scratch.subarray(0, m);
  const upper = selectKth(a, m >> 1);
  if (m % 2 === 1) return upper;
  let lower = a[0];
  for (let i = 1; i < m >> 1; i++) if (a[i] > lower) lower = a[i];
  return (lower + upper) / 2;
}

function meanOf(src: ArrayLike<number>, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += src[i];
  return sum / (to - from);
}

/** Mean of the middle half of src[from, to) (a quarter trimmed at each end); NaN if any is NaN. */
function midmeanOf(src: ArrayLike<number>, from: number, to: number): number {
  const len = to - from;
  if (scratch.length < len) scratch = new Float64Array(2 * len);
  for (let i = 0; i < len; i++) {
    const v = src[from + i];
    if (Number.isNaN(v)) return Number.NaN;
    scratch[i] = v;
  }
  const a = scratch.subarray(0, len).sort();
  const cut = Math.floor(len / 4);
  let sum = 0;
  for (let i = cut; i < len - cut; i++) sum += a[i];
  return sum / (len - 2 * cut);
}
