import { describe, expect, it } from "vitest";
import {
  adjustPValues,
  logGamma,
  logIncompleteBeta,
  logNegBinomUpperTail,
  median,
  negBinomSize,
  type RobustSummary,
  robustSummary,
  robustSummaryInto,
} from "./stats";
import { negBinom, rng } from "./synthetic";

/** The robust summary by its definition: order statistics from a full sort (the reference for the fast paths). */
function summaryBySort(values: number[], k: number): RobustSummary {
  const n = values.length;
  const mid = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return n % 2 === 1 ? s[n >> 1] : (s[(n >> 1) - 1] + s[n >> 1]) / 2;
  };
  const med = mid(values);
  const mad = mid(values.map((v) => Math.abs(v - med)));
  const scale = Math.max(1.4826 * mad, Math.sqrt(Math.max(med, 1)));
  const cap = med + k * scale;
  let sum = 0;
  let sumSq = 0;
  let nonZero = 0;
  for (const x of values) {
    const v = Math.min(x, cap);
    sum += v;
    sumSq += v * v;
    if (x > 0) nonZero++;
  }
  const mean = sum / n;
  const variance = n > 1 ? Math.max(0, (sumSq - n * mean * mean) / (n - 1)) : 0;
  return { n, median: med, mean, variance, nonZero, cap };
}

/** P(X ≥ k) for a negative binomial, by summing the probability mass function directly. */
function tailBySum(k: number, mean: number, size: number): number {
  const p = size / (size + mean);
  let pmf = p ** size; // P(X = 0)
  let below = 0;
  for (let x = 0; x < k; x++) {
    below += pmf;
    pmf *= ((x + size) / (x + 1)) * (1 - p);
  }
  return 1 - below;
}

describe("logGamma", () => {
  it("matches known values", () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(logGamma(101)).toBeCloseTo(363.73937555556347, 9); // ln(100!)
  });
});

describe("incomplete beta and negative-binomial tails", () => {
  it("I_x(1, 1) = x and I_x(a, 1) = x^a", () => {
    expect(Math.exp(logIncompleteBeta(0.3, 1, 1))).toBeCloseTo(0.3, 12);
    expect(Math.exp(logIncompleteBeta(0.7, 3, 1))).toBeCloseTo(0.343, 12);
  });

  it.each([
    [3, 2.5, 1.2],
    [10, 4, 5],
    [40, 20, 3],
    [1, 0.2, 50],
    [150, 100, 30],
  ])("P(X ≥ %d | μ=%d, r=%d) agrees with a direct sum", (k, mean, size) => {
    const direct = tailBySum(k, mean, size);
    expect(Math.exp(logNegBinomUpperTail(k, mean, size))).toBeCloseTo(direct, 9);
  });

  it("approaches the Poisson tail for a large size", () => {
    // P(X ≥ 10 | Poisson(4)) = 0.0081322...
    expect(Math.exp(logNegBinomUpperTail(10, 4, 1e7))).toBeCloseTo(0.008132242, 6);
  });

  it("stays finite and ordered far in the tail", () => {
    const a = logNegBinomUpperTail(5000, 50, 20);
    const b = logNegBinomUpperTail(8000, 50, 20);
    expect(Number.isFinite(a)).toBe(true);
    expect(b).toBeLessThan(a);
    expect(a).toBeLessThan(-700); // far below what a double can hold as a probability
  });

  it("P(X ≥ 0) = 1", () => {
    expect(logNegBinomUpperTail(0, 5, 2)).toBe(0);
  });
});

describe("robust summaries", () => {
  it("clips an earlier spike out of the mean and variance", () => {
    const clean = [18, 22, 19, 21, 20, 23, 17, 20, 21, 19, 22, 18];
    const spiky = [...clean.slice(0, 11), 900];
    const a = robustSummary(clean, 4);
    const b = robustSummary(spiky, 4);
    const rawMean = spiky.reduce((x, y) => x + y, 0) / spiky.length;
    const rawVariance = spiky.reduce((x, y) => x + (y - rawMean) ** 2, 0) / (spiky.length - 1);
    expect(b.mean).toBeLessThan(a.mean + 2); // the 900 counts as ~38, not 900
    expect(b.variance).toBeLessThan(rawVariance / 1000);
    expect(b.cap).toBeLessThan(40);
    expect(median(spiky)).toBe(20.5);
  });

  it("keeps occasional counts of a sparse series", () => {
    const s = robustSummary([0, 0, 0, 1, 0, 0, 2, 0, 0, 1, 0, 0], 4);
    expect(s.mean).toBeCloseTo(4 / 12, 10);
    expect(s.nonZero).toBe(3);
  });

  it("gives the same figures, bit for bit, on every path (mostly zeros, whole counts, large or fractional values)", () => {
    const rand = rng(5);
    const out: RobustSummary = { n: 0, median: 0, mean: 0, variance: 0, nonZero: 0, cap: 0 };
    for (let trial = 0; trial < 3000; trial++) {
      const n = 1 + Math.floor(rand() * 120);
      const kind = trial % 5;
      const mean = [0.05, 0.6, 4, 40, 3000][kind];
      const values = Array.from({ length: n }, () =>
        kind === 4 && trial % 2 === 0 ? negBinom(rand, mean, 3) + rand() : negBinom(rand, mean, 2),
      );
      const expected = summaryBySort(values, 4);
      expect(robustSummary(values, 4)).toEqual(expected);
      // The first n values of a longer buffer, as the engine passes its reference.
      const buffer = new Float64Array(n + 7).fill(99);
      buffer.set(values);
      expect({ ...robustSummaryInto(buffer, n, 4, out) }).toEqual(expected);
    }
  });

  it("fits a negative-binomial size by moments", () => {
    expect(negBinomSize(10, 20, 1000)).toBeCloseTo(10, 10); // 10 + 100/r = 20
    expect(negBinomSize(10, 8, 1000)).toBe(1000); // under-dispersed: as Poisson as allowed
  });
});

describe("multiple-testing adjustment", () => {
  it("Benjamini–Hochberg step-up", () => {
    const q = adjustPValues([0.01, 0.04, 0.03, 0.2], "bh");
    expect(q[0]).toBeCloseTo(0.04, 12);
    expect(q[1]).toBeCloseTo(0.0533333, 6);
    expect(q[2]).toBeCloseTo(0.0533333, 6);
    expect(q[3]).toBeCloseTo(0.2, 12);
  });
  it("Bonferroni and none", () => {
    expect(adjustPValues([0.01, 0.5], "bonferroni")).toEqual([0.02, 1]);
    expect(adjustPValues([0.01, 0.5], "none")).toEqual([0.01, 0.5]);
  });
});
