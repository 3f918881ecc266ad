/**
 * Small seeded randomness for the simulator: a hash-mixed Weyl-sequence generator (a 32-bit counter
 * stepped by the golden-ratio constant and passed through the murmur3 32-bit finaliser), plus the few
 * distributions the simulator draws from. Not for cryptography. Every stream is derived from a seed and a
 * key (`hashKey`), so any slice of simulated time can be regenerated on its own and comes out the same.
 */

/** The murmur3 32-bit finaliser: a bijective avalanche mix of one 32-bit word. */
export function mix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Combines up to four integers (any safe integers, negative ones included) into one 32-bit key. */
export function hashKey(a: number, b = 0, c = 0, d = 0): number {
  let h = mix32(a ^ 0x3c6ef372);
  h = absorb(h, b, 0x9e3779b1);
  h = absorb(h, c, 0x85ebca77);
  return absorb(h, d, 0xc2b2ae3d);
}

function absorb(h: number, value: number, multiplier: number): number {
  const low = value | 0;
  const high = Math.floor(value / 4294967296) | 0;
  let out = mix32(h ^ Math.imul(low + 0x165667b1, multiplier));
  if (high !== 0) out = mix32(out ^ Math.imul(high + 0x27d4eb2f, multiplier));
  return out;
}

/** FNV-1a over the UTF-16 code units, then mixed: a stable 32-bit key for a string (an incident id). */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

const TWO_TO_32 = 4294967296;

export class Rng {
  private state: number;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    this.state = mix32(seed) | 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x9e3779b9) | 0;
    return mix32(this.state) / TWO_TO_32;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform integer in [lo, hi] (both inclusive). */
  between(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Index drawn from a cumulative weight table (last entry = total). */
  weighted(cumulative: ArrayLike<number>): number {
    const target = this.next() * cumulative[cumulative.length - 1];
    let i = 0;
    while (i < cumulative.length - 1 && cumulative[i] <= target) i++;
    return i;
  }

  /** Standard normal (polar Box–Muller, one value kept for the next call). */
  normal(): number {
    if (this.spareNormal !== null) {
      const spare = this.spareNormal;
      this.spareNormal = null;
      return spare;
    }
    let u = 0;
    let v = 0;
    let s = 0;
    do {
      u = this.next() * 2 - 1;
      v = this.next() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * factor;
    return u * factor;
  }

  /** Gamma(shape, scale 1) by Marsaglia and Tsang's squeeze method (boosted for shape < 1). */
  gamma(shape: number): number {
    if (shape < 1) {
      const u = this.next();
      return this.gamma(shape + 1) * u ** (1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = this.normal();
      let v = 1 + c * x;
      if (v <= 0) continue;
      v = v * v * v;
      const u = this.next();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /**
   * A multiplier with mean 1 and the given coefficient of variation (Gamma with shape 1/cv²): the
   * day-level and hour-level noise that makes counts overdispersed (Gamma–Poisson = negative binomial).
   */
  noise(cv: number): number {
    if (cv <= 0) return 1;
    const shape = 1 / (cv * cv);
    return this.gamma(shape) / shape;
  }

  /** Poisson(lambda): multiplication method below 30, a rounded normal approximation above. */
  poisson(lambda: number): number {
    if (!(lambda > 0)) return 0;
    if (lambda < 30) {
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = this.next();
      while (p > limit) {
        k++;
        p *= this.next();
      }
      return k;
    }
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
  }
}

/** Running totals of `weights`, for `Rng.weighted`. */
export function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let total = 0;
  weights.forEach((w, i) => {
    total += Math.max(0, w);
    out[i] = total;
  });
  return out;
}
