/** Small numerical helpers for burst scoring. */

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x > 0: Stirling's series for x ≥ 7, shifted up by the recurrence below that (≲1e-10). */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma needs x > 0, got ${x}`);
  let shift = 0;
  while (x < 7) {
    shift += Math.log(x);
    x += 1;
  }
  const inv = 1 / x;
  const inv2 = inv * inv;
  const series = inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 / 1680)));
  return (x - 0.5) * Math.log(x) - x + HALF_LOG_TWO_PI + series - shift;
}

/**
 * ln P(X ≥ c) for X ~ NegativeBinomial with shape `r` > 0 and mean `mean` > 0 (variance mean + mean²/r),
 * i.e. P(X = k) = Γ(k+r) / (Γ(r) k!) · q^r (1−q)^k with q = r / (r + mean). Summed from c upward in log
 * space, so tails far below 1e-300 are still ranked correctly. Returns 0 (probability 1) for c ≤ 0.
 */
export function logNegBinomialUpperTail(c: number, r: number, mean: number): number {
  if (c <= 0) return 0;
  if (!(mean > 0) || !(r > 0)) return Number.NEGATIVE_INFINITY;
  const q = r / (r + mean);
  const logQ = Math.log(q);
  const log1mQ = Math.log1p(-q);
  const logPmf = (k: number) => logGamma(k + r) - logGamma(r) - logGamma(k + 1) + r * logQ + k * log1mQ;
  const mode = r > 1 ? Math.floor(((r - 1) * (1 - q)) / q) : 0;
  if (c <= mode) {
    // below the mode the tail is large: 1 − P(X < c), summed directly
    let below = 0;
    for (let k = 0; k < c; k++) below += Math.exp(logPmf(k));
    return Math.log(Math.max(1 - below, Number.MIN_VALUE));
  }
  // above the mode each term is smaller than the last: sum ratios from P(X = c)
  const first = logPmf(c);
  let sum = 1;
  let term = 1;
  for (let k = c; k < c + 100_000; k++) {
    term *= ((k + r) / (k + 1)) * (1 - q);
    sum += term;
    if (term < sum * 1e-15) break;
  }
  return first + Math.log(sum);
}
