import { selectInPlace } from "./stats";
/**
 * The upper tail of one statistic, learned from the statistic's own history (peaks over threshold).
 *
 *   const tail = createTail({ run: 16 });          // run: rows an excursion may dip below u and still be one
 *   pushTail(tail, s, config)                       // every row, in time order (refits every `refresh` rows)
 *   tailLogSurvival(tail, s)                        // ln P(an excursion of the statistic reaches s), per row
 *
 * How the tail is fitted (every `refresh` rows, from the values pushed so far, never from later ones):
 *   1. u0 = the (1 − q) quantile of the history: the statistic's "hot" level.
 *   2. Runs declustering: values above u0 closer than `run` rows apart are one excursion, and only its
 *      peak counts. A statistic summed over w rows stays high for w rows after one burst; counting each
 *      of those rows would teach the tail that bursts come in dozens.
 *   3. The tail is fitted to the `topClusters` largest excursions (above u, the next-largest peak): the
 *      extremes the series has actually produced, not the bulk just above u0. Their excesses are taken
 *      as exponential (extreme-value theory's generalised Pareto with shape 0; `maxShape` > 0 lets the
 *      shape be estimated by probability-weighted moments, Hosking & Wallis 1987), with the mean excess
 *      shrunk towards `priorExcess` by `priorClusters` pseudo-excursions: a young series, with few
 *      excursions yet, does not get to call its first burst a miracle.
 *   4. Rate: excursions per row, so that ln P(s) is a per-row probability of an excursion reaching s.
 *   5. Precedents: a fitted exponential cannot represent "quiet, then the same big spike every day";
 *      it would call each new spike a little more extreme than the last one impossible. So beyond the
 *      threshold, once two earlier excursions came within 10% of a value, the value is given at least
 *      their empirical rate: two precedents make a pattern.
 *
 * Pure and deterministic; memory grows with the history (one number per row).
 */

export interface TailConfig {
  /** Fraction of rows above the hot level u0. */
  q: number;
  /** Rows between refits. */
  refresh: number;
  /** Rows of history before the tail is used at all… */
  minRows: number;
  /** …and at least this many declustering runs of them: a w-row statistic needs about minRuns · w rows. */
  minRuns: number;
  /** At least this many rows lie above the hot level, however short the history. */
  minExceed: number;
  /** Largest shape ξ of the generalised Pareto tail (0: exponential). */
  maxShape: number;
  /** The tail is fitted to this many of the largest excursions. */
  topClusters: number;
  /** Prior: pseudo-excursions, and their mean excess (in the statistic's units). */
  priorClusters: number;
  priorExcess: number;
  /**
   * Precedents: beyond the fitted threshold, a value that at least this many earlier excursions came
   * within `precedentMargin` (a fraction of it) of is given at least their empirical rate; 0 disables.
   */
  precedents: number;
  precedentMargin: number;
}

export const TAIL_DEFAULTS: TailConfig = {
  q: 0.02,
  refresh: 50,
  minRows: 100,
  minRuns: 10,
  minExceed: 5,
  maxShape: 0,
  topClusters: 10,
  priorClusters: 5,
  priorExcess: 1,
  precedents: 2,
  precedentMargin: 0.1,
};

export interface Tail {
  /** Declustering run, in rows. */
  run: number;
  values: number[];
  sinceFit: number;
  /** Hot level (the 1 − q quantile at the last fit); +∞ before the first fit. */
  hot: number;
  /** Threshold of the fitted tail, excursions per row above it, scale σ and shape ξ of the excesses. */
  u: number;
  rate: number;
  sigma: number;
  xi: number;
  /** Peaks of the excursions above the hot level at the last fit, ascending. */
  peaks: number[];
  /** Whether the tail has been fitted (enough history). */
  ready: boolean;
}

export function createTail(run = 1): Tail {
  return {
    run: Math.max(1, Math.round(run)),
    values: [],
    sinceFit: 0,
    hot: Number.POSITIVE_INFINITY,
    u: 0,
    rate: 1,
    sigma: 1,
    xi: 0,
    peaks: [],
    ready: false,
  };
}

/** Appends the statistic of the next row (NaN is ignored) and refits when due. */
export function pushTail(tail: Tail, value: number, c: TailConfig = TAIL_DEFAULTS): void {
  if (Number.isNaN(value)) return;
  tail.values.push(value);
  tail.sinceFit += 1;
  const n = tail.values.length;
  if (n >= Math.max(c.minRows, c.minRuns * tail.run) && (!tail.ready || tail.sinceFit >= c.refresh)) {
    fitTail(tail, c);
    tail.sinceFit = 0;
  }
}

/**
 * ln of the per-row probability that an excursion reaches s (≤ 0). Above the fitted threshold u: the
 * fitted tail. Between the hot level and u: the excursions that did reach s, per row (the data, where
 * there are data). Below the hot level: the rate of all excursions, scaled by hot / s (nothing there
 * is rare). 0 before the tail is ready, and for s ≤ 0.
 */
export function tailLogSurvival(tail: Tail, s: number, c: TailConfig = TAIL_DEFAULTS): number {
  if (!tail.ready || !(s > 0)) return 0;
  const n = tail.values.length;
  if (s > tail.u) {
    const y = s - tail.u;
    const logTail = tail.xi > 1e-6 ? -Math.log1p((tail.xi * y) / tail.sigma) / tail.xi : -y / tail.sigma;
    const model = Math.log(tail.rate) + logTail;
    // Precedents: when `precedents` earlier excursions already came within `precedentMargin` of s, the
    // fitted tail may not call s rarer than those excursions were (a pattern that recurs is not news).
    if (c.precedents > 0) {
      const near = s * (1 - c.precedentMargin);
      let seen = 0;
      for (let i = tail.peaks.length - 1; i >= 0 && tail.peaks[i] >= near; i--) seen++;
      if (seen >= c.precedents) return Math.min(0, Math.max(model, Math.log((seen - c.precedents + 1) / n)));
    }
    return Math.min(0, model);
  }
  const peaks = tail.peaks;
  if (s > tail.hot) {
    let lo = 0;
    let hi = peaks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (peaks[mid] < s) lo = mid + 1;
      else hi = mid;
    }
    return Math.min(0, Math.log(Math.max(peaks.length - lo, 1) / n));
  }
  return Math.min(0, Math.log((Math.max(peaks.length, 1) / n) * Math.max(1, tail.hot / s)));
}

/** Peaks of the excursions above u (declustered with runs of `run` rows), in time order. */
export function excursionPeaks(values: readonly number[], u: number, run: number): number[] {
  const peaks: number[] = [];
  let inside = false;
  let gap = 0;
  let peak = 0;
  for (const v of values) {
    if (v > u) {
      peak = inside ? Math.max(peak, v) : v;
      inside = true;
      gap = 0;
    } else if (inside && ++gap >= run) {
      peaks.push(peak);
      inside = false;
    }
  }
  if (inside) peaks.push(peak);
  return peaks;
}

let scratch = new Float64Array(1024);

function fitTail(tail: Tail, c: TailConfig): void {
  const n = tail.values.length;
  const k = Math.max(1, Math.min(n - 1, Math.max(c.minExceed, Math.ceil(c.q * n))));
  if (scratch.length < n) scratch = new Float64Array(2 * n);
  const a = scratch.subarray(0, n);
  for (let i = 0; i < n; i++) a[i] = tail.values[i];
  const hot = selectKth(a, n - k - 1);
  const peaks = excursionPeaks(tail.values, hot, tail.run).sort((x, y) => x - y);
  let u = hot;
  let top = peaks;
  if (c.topClusters > 0 && peaks.length > c.topClusters) {
    u = peaks[peaks.length - c.topClusters - 1];
    top = peaks.slice(peaks.length - c.topClusters);
  }
  const excess = top.map((p) => p - u);
  const m = excess.length;
  let { sigma, xi } = fitExcesses(excess, c.maxShape);
  sigma = (sigma * m + c.priorClusters * c.priorExcess) / (m + c.priorClusters);
  tail.hot = hot;
  tail.peaks = peaks;
  tail.u = u;
  tail.rate = Math.max(m, 1) / n;
  tail.sigma = Math.max(sigma, 1e-12);
  tail.xi = xi;
  tail.ready = true;
}

/**
 * Scale and shape of a generalised Pareto fitted to excesses (ascending) by probability-weighted
 * moments; ξ kept in [0, maxShape] (never lighter than exponential), σ = mean excess when ξ = 0.
 */
export function fitExcesses(excess: readonly number[], maxShape: number): { sigma: number; xi: number } {
  const m = excess.length;
  if (m === 0) return { sigma: 0, xi: 0 };
  let a0 = 0;
  let a1 = 0;
  for (let i = 0; i < m; i++) {
    a0 += excess[i];
    a1 += excess[i] * (1 - (i + 1 - 0.35) / m);
  }
  a0 /= m;
  a1 /= m;
  if (maxShape <= 0 || m < 3 || !(a0 - 2 * a1 > 1e-12)) return { sigma: a0, xi: 0 };
  let xi = 2 - a0 / (a0 - 2 * a1);
  let sigma = (2 * a0 * a1) / (a0 - 2 * a1);
  if (!(xi >= 0)) return { sigma: a0, xi: 0 };
  if (xi > maxShape) {
    xi = maxShape;
    sigma = a0 * (1 - xi);
  }
  return { sigma, xi };
}

/** The k-th smallest of a (0-based), rearranging a (quickselect). */
export function selectKth(a: Float64Array, k: number): number {
  return selectInPlace(a, a.length, k);
}
