/**
 * Seeded synthetic complaint counts, for tests and benchmarks (never for production data).
 *
 * Counts are negative binomial (a gamma-mixed Poisson) around a rate with a diurnal and weekly rhythm,
 * so they are overdispersed like social counts. Everything is deterministic given the seed.
 */

/** mulberry32: a small, fast, seeded PRNG returning floats in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(rand: () => number): number {
  // Box–Muller
  const u = Math.max(rand(), 1e-300);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** Gamma(shape, 1) by Marsaglia–Tsang (with the shape < 1 boost). */
export function gamma(rand: () => number, shape: number): number {
  if (shape < 1) return gamma(rand, shape + 1) * rand() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(rand);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rand();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Poisson(λ): inversion for small λ, a rounded normal approximation beyond 60. */
export function poisson(rand: () => number, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda > 60) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal(rand)));
  let k = 0;
  let p = Math.exp(-lambda);
  let cdf = p;
  const u = rand();
  while (u > cdf && k < 1000) {
    k++;
    p *= lambda / k;
    cdf += p;
  }
  return k;
}

/** Negative binomial with mean μ and size r (variance μ + μ²/r); r = Infinity gives Poisson. */
export function negBinom(rand: () => number, mean: number, size: number): number {
  if (!Number.isFinite(size)) return poisson(rand, mean);
  return poisson(rand, (gamma(rand, size) * mean) / size);
}

export interface RhythmOptions {
  /** Mean count per bucket averaged over the day. */
  mean: number;
  /** Relative amplitude of the daily cycle (0 = flat; 0.8 = ×9 between trough and peak). */
  diurnal?: number;
  /** Hour of day (in the series' local time) at which the daily cycle peaks. */
  peakHour?: number;
  /** Multiplier on Saturdays and Sundays. */
  weekend?: number;
  /** Local UTC offset in hours, for placing the rhythm in local time (fixed: no DST). */
  utcOffsetHours?: number;
}

/** Expected count at an instant under a daily (cosine) and weekly rhythm. */
export function rhythmRate(t: number, o: RhythmOptions): number {
  const local = t + (o.utcOffsetHours ?? 0) * 3600_000;
  const hour = (local / 3600_000) % 24;
  const dow = new Date(local).getUTCDay();
  const amp = o.diurnal ?? 0;
  const daily = 1 + amp * Math.cos(((hour - (o.peakHour ?? 14)) / 24) * 2 * Math.PI);
  const weekly = dow === 0 || dow === 6 ? (o.weekend ?? 1) : 1;
  return o.mean * daily * weekly;
}

/** A series of `n` overdispersed counts from `start`, one per bucket. */
export function rhythmSeries(
  seed: number,
  start: number,
  n: number,
  bucketMinutes: number,
  o: RhythmOptions & { size?: number },
): number[] {
  const rand = rng(seed);
  const step = bucketMinutes * 60_000;
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(negBinom(rand, rhythmRate(start + i * step, o), o.size ?? 20));
  return out;
}
