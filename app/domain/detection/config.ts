/**
 * Every tunable of the spike detector, in one object, with its meaning and default.
 *
 * The defaults are chosen from first principles (rates of false alarms we can live with, the size of
 * a 5-minute bucket, what "a week of history" means) and checked — not fitted row by row — against the
 * NAB realTweets development set (`bench/eval-nab.ts`, which also reports leave-one-file-out figures).
 *
 * Override any part with `resolveConfig({ ... })`; nested groups are merged key by key.
 */
export interface DetectorConfig {
  /** Length of one count bucket, in minutes. Counts are per bucket; every "buckets" below is in these. */
  bucketMinutes: number;
  /**
   * IANA time zone whose LOCAL time of week defines the weekly season (the seasonal lookback uses the
   * same local wall-clock time N weeks back, so DST changes keep "Monday 09:00" aligned). Used by the
   * caller when it gathers `seasonal` (see `seasonalBucketStarts`) and by `scoreSeries`.
   */
  timeZone: string;

  seasonal: {
    /** How many past weeks the caller gathers for each bucket. */
    weeks: number;
    /**
     * Half-width of the window gathered around the same local time in each past week: the caller passes
     * `2 * halfWidth + 1` counts per week, offsets `-halfWidth … +halfWidth` buckets (index `halfWidth`
     * is the same local time). Default 6, i.e. ±30 min: tolerant of a rhythm that drifts by half an hour
     * from week to week, narrow enough to keep the diurnal shape.
     */
    halfWidth: number;
    /**
     * Weeks of history needed before the weekly season is trusted on its own. With fewer, the counts of
     * the same time on the previous days (taken from `recent`) are pooled in as extra reference values.
     */
    minWeeks: number;
  };

  /**
   * How many buckets before the current one the caller passes in `recent` (oldest first). To use all
   * `dailyDays` days of the daily fallback it must cover them plus `seasonal.halfWidth` buckets (days it
   * does not reach are left out). Default: 2 days + 30 min.
   */
  recentBuckets: number;
  /** Days of "same time yesterday" reference (read from `recent`) used while weekly history is short. */
  dailyDays: number;
  /**
   * Buckets of the immediate past used as the reference when there is less than a day of history at
   * all (the coldest start). Default 36 (3 hours).
   */
  shortBuckets: number;
  /** Fewer reference values than this (after all fallbacks) and the cell is not tested: level null. */
  minReferenceValues: number;

  /**
   * Robust reference statistics. Reference counts above `median + winsorK * scale` are clipped to that
   * value before the mean and variance are taken (scale = max(1.4826·MAD, sqrt(max(median, 1)))), so an
   * earlier spike in the history cannot inflate the baseline or its spread.
   */
  winsorK: number;
  /**
   * Largest negative-binomial size r allowed (variance = mean + mean²/r). Caps how Poisson-like a cell
   * may look: social counts are overdispersed, and a little extra spread keeps small-sample fits honest.
   */
  maxSize: number;
  /** Smallest expected count used in ratios and tests (an empty history still has some chance of a count). */
  minExpected: number;

  level: {
    /**
     * Half-life, in buckets, of the slow level tracker: the ratio of (smoothed) observed counts to the
     * (smoothed) seasonal reference, updated only outside spikes, which rescales the weekly/daily
     * reference when the cell's volume grows or shrinks. Default 288 (one day).
     */
    halfLifeBuckets: number;
    /** The level factor is clamped to [1/maxFactor, maxFactor]. */
    maxFactor: number;
    /** Pseudo-count added to both smoothed sums, so a young or tiny cell's factor stays near 1. */
    pseudoCount: number;
  };

  /**
   * Window lengths, in buckets, over which each cell is tested (1 = the bucket alone). A longer window
   * sums the last w counts and their expected values, so a sparse cell where a dozen complaints arrive
   * over half an hour — never more than two in one bucket — is seen. The p-values of the windows are
   * combined with a Bonferroni factor (the number of windows tested), then adjusted across cells; the
   * minimum count and ratio of each level apply to the window's sums. The window sum is modelled as a
   * negative binomial with the per-bucket size r (not w·r): counts within half an hour share their
   * bursts, so they are treated as one overdispersed draw.
   */
  scales: number[];

  /** Thresholds for a new spike to be flagged `possible`. */
  possible: LevelThresholds;
  /** Thresholds for `detected` (a spike can open at this level directly, or escalate to it). */
  detected: LevelThresholds;
  /**
   * A `possible` spike escalates to `detected` after this many consecutive buckets that each pass the
   * `possible` test on their own (sustained evidence), or at once on a bucket that passes `detected`.
   */
  sustainBuckets: number;
  /**
   * While a spike is open, a bucket counts as "still elevated" when observed ≥ expected × continueRatio
   * and its one-sided p-value ≤ continueAlpha (no multiple-testing correction: the spike is known).
   */
  continueRatio: number;
  continueAlpha: number;
  /** A spike ends after this many consecutive buckets that are not elevated (default 24 = 2 hours). */
  endQuietBuckets: number;

  /**
   * Multiple testing across the cells of ONE bucket: `bh` (Benjamini–Hochberg adjusted p-values,
   * controlling the false discovery rate), `bonferroni` (family-wise), or `none`. The alphas of
   * `possible`/`detected` are compared with the adjusted p-values. Across time, the expected number of
   * false-alarm buckets per day when nothing happens is at most about alpha × buckets per day.
   */
  multipleTesting: "bh" | "bonferroni" | "none";
  /**
   * Cold-start conservatism: while the reference is not a trusted weekly one, alphas are multiplied by
   * this (smaller = stricter). The predictive variance is also inflated by 1/n for n reference values.
   */
  coldAlphaFactor: number;
  /**
   * With no weekly history at all (daily or last-hours reference), the negative-binomial size is capped
   * at this: until a cell has shown its spread, assume it is as overdispersed as social counts usually
   * are (variance = μ + μ²/coldMaxSize), rather than trusting a few hours of calm.
   */
  coldMaxSize: number;

  /**
   * Self-calibration of p-values (peaks over threshold). Real counts have heavier tails than any
   * negative binomial fitted to a handful of reference values, so each cell keeps, in its state, a
   * decayed record of its own surprises S = −ln p: how often S exceeds u = −ln(thresholdP), and the
   * first two moments of the excess above u. The calibrated tail is the generalised Pareto that
   * extreme-value theory prescribes for excesses, P(S ≥ s) = π (1 + ξ (s − u)/σ)^(−1/ξ) for s > u, fitted
   * by moments: a cell whose bursts are routine needs a bigger burst to be surprising.
   * Priors (in pseudo-buckets / pseudo-exceedances) keep a young cell conservative.
   *
   * The record is kept per test window, and of RANDOMISED probability-integral transforms
   * (P(X > x) + U·P(X = x), U uniform, drawn from a hash of the bucket and cell so replays agree), which
   * are exactly uniform under a correct model even where counts are tiny: a sparse cell whose p-values
   * can only take a few values then learns that its model is right instead of mistaking the lattice of
   * possible counts for a heavy tail. The tests themselves use the ordinary (conservative) p-value.
   */
  calibration: {
    enabled: boolean;
    thresholdP: number;
    halfLifeBuckets: number;
    /** Prior exceedance rate and its weight in buckets. */
    priorRate: number;
    priorBuckets: number;
    /** Prior mean excess τ and its weight in exceedances. */
    priorExcess: number;
    priorExceedances: number;
    /** One bucket's excess is capped at this before it enters the moments (a giant spike is one datum). */
    maxExcess: number;
    /** Largest generalised-Pareto shape ξ allowed (0 = exponential tail). */
    maxShape: number;
  };

  cusum: {
    /**
     * One-sided CUSUM on standardised residuals z = (x − μ)/(σ·√φ) for slow build-ups, σ the model's
     * spread and φ ≥ 1 the cell's dispersion factor (mean squared Pearson residual, tracked in the
     * state). Crossing h opens a `possible` spike; crossing h × detectedFactor opens or escalates to
     * `detected`. false disables it.
     */
    enabled: boolean;
    /** Allowance k (in σ): drifts smaller than this are ignored. */
    k: number;
    /** Decision threshold h (in σ) for a single cell; raised by ln(m)/(2k) for m cells tested at once. */
    h: number;
    /** Residuals are clipped to ±zCap before accumulating, so one outlier alone cannot raise an alarm. */
    zCap: number;
    /** Multiplier of h for the `detected` level. */
    detectedFactor: number;
    /** Weight, in buckets, of the prior φ = 1 in the dispersion factor (decayed like the calibration record). */
    dispersionPrior: number;
  };

  /**
   * Sparse cells borrow strength from a parent: a cell whose own reference mean is below `sparseMean`
   * (or has fewer than `sparseNonZero` non-zero reference counts) is modelled as share × parent.
   *
   * The parent is the topic over all regions. When the caller passes that aggregate as a cell of its
   * own (region `ALL_REGIONS`, which may also count complaints whose region is unknown), its baseline is
   * the parent and the share is a Bayesian blend of two estimates: the cell's fraction of the parent's
   * counts in the same reference windows (time-of-week aware: regions sit in different time zones), and
   * its long-run fraction (decayed counts in the state, half-life `shareHalfLifeBuckets`, with one
   * pseudo-count spread uniformly over the parent's cells), which weighs as `sharePrior` complaints of
   * the cell. Otherwise the parent is summed from the cells of the bucket (the topic over the regions
   * passed, then the region over all topics) when it is not sparse itself, and the share is the
   * reference fraction smoothed towards 1 / (cells in the parent) with `sharePrior` pseudo-counts.
   * A parent-based cell's negative-binomial size is capped at `maxSize`: a region's share of a national
   * count has bursts of its own (weather, local news) that the national series averages away.
   */
  parent: {
    enabled: boolean;
    sparseMean: number;
    sparseNonZero: number;
    sharePrior: number;
    shareHalfLifeBuckets: number;
    maxSize: number;
  };

  /**
   * The affected area of an aggregate (all-regions) spike (`area.ts`), judged on the longest test
   * window: the regions whose own counts rose (model p ≤ `regionAlpha`, at least `regionMinCount`,
   * ratio ≥ the `possible` ratio), with their neighbours that rose a little (p ≤ `neighbourAlpha`, same
   * count and ratio; a regional spike's cluster takes in such neighbours too); the
   * whole country when the regions far from those (neither risen nor neighbours) still rose together
   * (p ≤ `diffuseAlpha`, ratio ≥ `diffuseMinRatio`, at least `diffuseMinCount` complaints in the
   * window: a handful of stray complaints far away, against a near-zero night-time or cold-start
   * expectation, does not make a regional outage nationwide), or when no region stands out.
   */
  area: {
    regionAlpha: number;
    regionMinCount: number;
    neighbourAlpha: number;
    diffuseAlpha: number;
    diffuseMinRatio: number;
    diffuseMinCount: number;
  };
}

export interface LevelThresholds {
  /** Largest (adjusted) one-sided p-value that qualifies. */
  alpha: number;
  /** Smallest observed count in the bucket. */
  minCount: number;
  /** Smallest observed / expected ratio. */
  minRatio: number;
}

export const DEFAULT_CONFIG: DetectorConfig = {
  bucketMinutes: 5,
  timeZone: "UTC",
  seasonal: { weeks: 8, halfWidth: 6, minWeeks: 3 },
  recentBuckets: 2 * 288 + 6,
  dailyDays: 2,
  shortBuckets: 36,
  minReferenceValues: 12,
  winsorK: 4,
  maxSize: 1000,
  minExpected: 0.05,
  level: { halfLifeBuckets: 288, maxFactor: 4, pseudoCount: 2 },
  scales: [1, 3, 6, 12],
  possible: { alpha: 1e-3, minCount: 3, minRatio: 1.5 },
  detected: { alpha: 1e-6, minCount: 4, minRatio: 2.5 },
  sustainBuckets: 3,
  continueRatio: 1.2,
  continueAlpha: 0.01,
  endQuietBuckets: 24,
  multipleTesting: "bh",
  coldAlphaFactor: 0.1,
  coldMaxSize: 5,
  calibration: {
    enabled: true,
    thresholdP: 0.01,
    halfLifeBuckets: 4 * 2016,
    priorRate: 0.02,
    priorBuckets: 500,
    priorExcess: 2,
    priorExceedances: 20,
    maxExcess: 30,
    maxShape: 0,
  },
  cusum: { enabled: true, k: 1, h: 8, zCap: 3, detectedFactor: 2, dispersionPrior: 288 },
  parent: {
    enabled: true,
    sparseMean: 1,
    sparseNonZero: 10,
    sharePrior: 4,
    shareHalfLifeBuckets: 4 * 2016,
    maxSize: 10,
  },
  area: {
    regionAlpha: 1e-4,
    regionMinCount: 2,
    neighbourAlpha: 1e-3,
    diffuseAlpha: 1e-3,
    diffuseMinRatio: 1.5,
    diffuseMinCount: 10,
  },
};

/** A partial config: any key, at any depth, may be left out. */
export type DetectorConfigInput = {
  [K in keyof DetectorConfig]?: DetectorConfig[K] extends object
    ? Partial<DetectorConfig[K]>
    : DetectorConfig[K];
};

/** Merges overrides onto the defaults (one level of nesting) and checks the values make sense. */
export function resolveConfig(
  input: DetectorConfigInput = {},
  base: DetectorConfig = DEFAULT_CONFIG,
): DetectorConfig {
  const out = { ...base } as Record<string, unknown>;
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    const current = (base as unknown as Record<string, unknown>)[key];
    out[key] =
      current !== null && typeof current === "object" && !Array.isArray(value) && typeof value === "object"
        ? { ...(current as object), ...(value as object) }
        : value;
  }
  const config = out as unknown as DetectorConfig;
  validateConfig(config);
  return config;
}

function validateConfig(c: DetectorConfig): void {
  const positive: [string, number][] = [
    ["bucketMinutes", c.bucketMinutes],
    ["recentBuckets", c.recentBuckets],
    ["shortBuckets", c.shortBuckets],
    ["maxSize", c.maxSize],
    ["minExpected", c.minExpected],
    ["level.halfLifeBuckets", c.level.halfLifeBuckets],
    ["level.maxFactor", c.level.maxFactor],
    ["endQuietBuckets", c.endQuietBuckets],
    ["cusum.k", c.cusum.k],
    ["cusum.h", c.cusum.h],
  ];
  for (const [name, v] of positive) {
    if (!(Number.isFinite(v) && v > 0))
      throw new RangeError(`detector config: ${name} must be > 0 (got ${v})`);
  }
  for (const [name, t] of [
    ["possible", c.possible],
    ["detected", c.detected],
  ] as const) {
    if (!(t.alpha > 0 && t.alpha < 1))
      throw new RangeError(`detector config: ${name}.alpha must be in (0, 1)`);
    if (!(t.minRatio >= 1)) throw new RangeError(`detector config: ${name}.minRatio must be ≥ 1`);
  }
  if (
    !(Array.isArray(c.scales) && c.scales.length > 0) ||
    c.scales.some((w) => !(Number.isInteger(w) && w >= 1 && w <= c.recentBuckets + 1))
  ) {
    throw new RangeError("detector config: scales must be whole numbers of buckets, 1 … recentBuckets + 1");
  }
  if (!(c.seasonal.halfWidth >= 0 && Number.isInteger(c.seasonal.halfWidth))) {
    throw new RangeError("detector config: seasonal.halfWidth must be a whole number ≥ 0");
  }
}

export const bucketMs = (c: Pick<DetectorConfig, "bucketMinutes">): number => c.bucketMinutes * 60_000;
export const bucketsPerDay = (c: Pick<DetectorConfig, "bucketMinutes">): number =>
  Math.round((24 * 60) / c.bucketMinutes);
