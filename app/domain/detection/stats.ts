/**
 * Small numerical toolkit for the detector: log-gamma, the regularised incomplete beta function,
 * negative-binomial upper tails in log space (a p-value of 1e-400 is still ordered correctly), robust
 * summaries of counts, and multiple-testing adjustments. Pure functions, no dependencies.
 */

const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * ln Γ(x) for x > 0: Stirling's series (terms to x⁻⁹) once x ≥ 10, shifted there by the recurrence
 * Γ(x) = Γ(x + n) / (x (x+1) … (x+n−1)). Absolute error below 1e-12 over the range the detector uses.
 */
export function logGamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  let shift = 0;
  let z = x;
  while (z < 10) {
    shift += Math.log(z);
    z += 1;
  }
  const inv = 1 / z;
  const inv2 = inv * inv;
  const series =
    inv * (1 / 12 + inv2 * (-1 / 360 + inv2 * (1 / 1260 + inv2 * (-1 / 1680 + inv2 * (1 / 1188)))));
  return (z - 0.5) * Math.log(z) - z + LN_SQRT_2PI + series - shift;
}

export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/**
 * Continued fraction for the incomplete beta function (modified Lentz), valid for
 * x < (a + 1) / (a + b + 2); returns the fraction's value (without the prefactor).
 */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  const eps = 1e-14;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    // even step
    let num = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + num * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + num / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    // odd step
    num = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + num * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + num / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < eps) break;
  }
  return h;
}

/** ln I_x(a, b), the log of the regularised incomplete beta function, for a, b > 0 and 0 ≤ x ≤ 1. */
export function logIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return Number.NEGATIVE_INFINITY;
  if (x >= 1) return 0;
  const logFront = a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b);
  if (x < (a + 1) / (a + b + 2)) {
    return logFront + Math.log(betaContinuedFraction(a, b, x)) - Math.log(a);
  }
  // Symmetry: I_x(a, b) = 1 − I_{1−x}(b, a); the complement is small here, so log1p keeps precision.
  const complement = Math.exp(logFront + Math.log(betaContinuedFraction(b, a, 1 - x)) - Math.log(b));
  return Math.log1p(-Math.min(complement, 1));
}

/**
 * ln P(X ≥ k) for X ~ NegativeBinomial(mean μ, size r) (variance μ + μ²/r).
 * Uses P(X ≥ k) = I_{μ/(μ+r)}(k, r) for integer k ≥ 1. Non-integer k are rounded up (counts are whole).
 */
export function logNegBinomUpperTail(k: number, mean: number, size: number): number {
  const kk = Math.ceil(k);
  if (kk <= 0) return 0;
  if (!(mean > 0)) return Number.NEGATIVE_INFINITY;
  const p = mean / (mean + size);
  return logIncompleteBeta(p, kk, size);
}

/** ln P(X = k) for X ~ NB(mean, size) (variance mean + mean²/size), k a whole number ≥ 0. */
export function logNegBinomPmf(k: number, mean: number, size: number): number {
  if (k < 0) return Number.NEGATIVE_INFINITY;
  if (!(mean > 0)) return k === 0 ? 0 : Number.NEGATIVE_INFINITY;
  const logQ = -Math.log1p(mean / size); // ln(size / (size + mean))
  const logP = Math.log(mean) - Math.log(mean + size); // ln(mean / (size + mean))
  const coef = k === 0 ? 0 : logGamma(k + size) - logGamma(size) - logGamma(k + 1);
  return coef + size * logQ + k * logP;
}

/** Median of a numeric array (does not modify the input). NaN for an empty array. */
export function median(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface RobustSummary {
  /** How many values were summarised. */
  n: number;
  median: number;
  /** Mean after clipping values above the winsorisation cap. */
  mean: number;
  /** Variance (n − 1 denominator) after the same clipping. */
  variance: number;
  /** How many values are non-zero. */
  nonZero: number;
  /** The clipping cap used. */
  cap: number;
}

/** Scratch space for order statistics (reused: these functions never re-enter one another). */
let scratch = new Float64Array(256);

function scratchOf(n: number): Float64Array {
  if (scratch.length < n) scratch = new Float64Array(Math.max(n, 2 * scratch.length));
  return scratch;
}

/** Rearranges a[0..n) so that a[k] is the k-th smallest and nothing before it is larger (quickselect). */
export function selectInPlace(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    // Median-of-three pivot, then Hoare partition.
    const mid = (lo + hi) >> 1;
    const x = a[lo];
    const y = a[mid];
    const z = a[hi];
    const pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z)); // median of the three
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

/** Largest value for which `robustSummaryInto` uses a histogram instead of quickselect. */
const HISTOGRAM_MAX = 4096;
let histogram = new Int32Array(1024);

function histogramOf(size: number): Int32Array {
  if (histogram.length < size) histogram = new Int32Array(Math.max(size, 2 * histogram.length));
  return histogram;
}

/**
 * Median of n values given as a histogram over whole numbers (h[x] = how many are x ÷ unit), computed
 * as `medianInPlace` does: the middle value, or the mean of the two middle ones when n is even.
 */
function middleOf(h: Int32Array, n: number, unit: number): number {
  const mid = n >> 1;
  let lower = -1;
  let seen = 0;
  for (let x = 0; ; x++) {
    seen += h[x];
    if (lower < 0 && seen > mid - 1) lower = x;
    if (seen > mid) {
      const upper = x / unit;
      return n % 2 === 1 ? upper : (lower / unit + upper) / 2;
    }
  }
}

/** Median of the first n values of a scratch array (reordered in place). */
function medianInPlace(a: Float64Array, n: number): number {
  const mid = n >> 1;
  const upper = selectInPlace(a, n, mid);
  if (n % 2 === 1) return upper;
  let lower = a[0];
  for (let i = 1; i < mid; i++) if (a[i] > lower) lower = a[i];
  return (lower + upper) / 2;
}

/**
 * Winsorised mean and variance of counts: values above median + k · scale are clipped, where
 * scale = max(1.4826 · MAD, sqrt(max(median, 1))). The Poisson-like floor on the scale keeps sparse
 * series (mostly zeros, MAD = 0) from clipping every occasional count away.
 */
export function robustSummary(values: ArrayLike<number>, k: number): RobustSummary {
  return robustSummaryInto(values, values.length, k, {
    n: 0,
    median: 0,
    mean: 0,
    variance: 0,
    nonZero: 0,
    cap: 0,
  });
}

/**
 * `robustSummary` of the first n values, written into `out` (no allocation: the replay summarises
 * every cell of every bucket). When more than half the values are 0 and none is negative — the
 * reference of a sparse cell — the median and the MAD are 0 without sorting; the result is the same,
 * bit for bit, as the general path's.
 */
export function robustSummaryInto(
  values: ArrayLike<number>,
  n: number,
  k: number,
  out: RobustSummary,
): RobustSummary {
  if (n === 0) {
    out.n = 0;
    out.median = 0;
    out.mean = 0;
    out.variance = 0;
    out.nonZero = 0;
    out.cap = 0;
    return out;
  }
  let zeros = 0;
  let positive = 0;
  let smallCounts = true;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === 0) zeros++;
    else if (v > 0) positive++;
    if (v > max) max = v;
    if ((v | 0) !== v || v < 0) smallCounts = false;
  }
  let med: number;
  let mad: number;
  if (zeros > n >> 1 && zeros + positive === n) {
    // Sorted, the values start with more than n/2 zeros: the median (both middle values when n is
    // even) is 0, and so is the median of |v − 0| = v.
    med = 0;
    mad = 0;
  } else if (smallCounts && max <= HISTOGRAM_MAX) {
    // Whole counts: the order statistics from a histogram (the same values quickselect finds). The
    // deviations from a median of whole or half counts are whole or half: histogram of 2·|v − med|.
    const h = histogramOf(2 * max + 1);
    h.fill(0, 0, max + 1);
    for (let i = 0; i < n; i++) h[values[i]]++;
    med = middleOf(h, n, 1);
    const med2 = 2 * med;
    h.fill(0, 0, 2 * max + 1);
    for (let i = 0; i < n; i++) h[Math.abs(2 * values[i] - med2)]++;
    mad = middleOf(h, n, 2);
  } else {
    const a = scratchOf(n);
    for (let i = 0; i < n; i++) a[i] = values[i];
    med = medianInPlace(a, n);
    for (let i = 0; i < n; i++) a[i] = Math.abs(values[i] - med);
    mad = medianInPlace(a, n);
  }
  const scale = Math.max(1.4826 * mad, Math.sqrt(Math.max(med, 1)));
  const cap = med + k * scale;
  let sum = 0;
  let sumSq = 0;
  let nonZero = 0;
  for (let i = 0; i < n; i++) {
    const v = Math.min(values[i], cap);
    sum += v;
    sumSq += v * v;
    if (values[i] > 0) nonZero++;
  }
  const mean = sum / n;
  const variance = n > 1 ? Math.max(0, (sumSq - n * mean * mean) / (n - 1)) : 0;
  out.n = n;
  out.median = med;
  out.mean = mean;
  out.variance = variance;
  out.nonZero = nonZero;
  out.cap = cap;
  return out;
}

/**
 * Negative-binomial size r matching a mean and variance (method of moments), capped at maxSize
 * (a variance at or below the mean gives maxSize: as close to Poisson as we allow).
 */
export function negBinomSize(mean: number, variance: number, maxSize: number): number {
  const excess = variance - mean;
  if (!(mean > 0) || !(excess > 0)) return maxSize;
  return Math.min(maxSize, Math.max((mean * mean) / excess, 1e-3));
}

/**
 * Multiple-testing adjusted p-values, in the input order. `bh`: Benjamini–Hochberg step-up
 * (q_(i) = min_{j ≥ i} m p_(j) / j); `bonferroni`: m · p; `none`: unchanged. All capped at 1.
 */
export function adjustPValues(pValues: readonly number[], method: "bh" | "bonferroni" | "none"): number[] {
  const m = pValues.length;
  if (method === "none" || m <= 1) return pValues.map((p) => Math.min(1, p));
  if (method === "bonferroni") return pValues.map((p) => Math.min(1, p * m));
  const order = pValues.map((_, i) => i).sort((a, b) => pValues[a] - pValues[b] || a - b);
  const adjusted = new Array<number>(m);
  let running = 1;
  for (let rank = m; rank >= 1; rank--) {
    const i = order[rank - 1];
    running = Math.min(running, (pValues[i] * m) / rank);
    adjusted[i] = Math.min(1, running);
  }
  return adjusted;
}
