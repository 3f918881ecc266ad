import { describe, expect, it } from "vitest";
import { rng } from "./synthetic";
import { createTail, excursionPeaks, fitExcesses, pushTail, TAIL_DEFAULTS, tailLogSurvival } from "./tail";

const exponential = (rand: () => number) => -Math.log(1 - rand());

describe("excursionPeaks", () => {
  it("keeps one peak per excursion: dips below u shorter than the run stay in it", () => {
    const values = [0, 5, 0, 6, 0, 0, 0, 7, 0];
    expect(excursionPeaks(values, 1, 2)).toEqual([6, 7]);
    expect(excursionPeaks(values, 1, 1)).toEqual([5, 6, 7]);
    expect(excursionPeaks([0, 3, 4], 1, 5)).toEqual([4]);
  });
});

describe("fitExcesses", () => {
  it("is exponential (ξ = 0, σ = mean excess) unless a heavier shape is allowed and present", () => {
    const rand = rng(3);
    const light = Array.from({ length: 2000 }, () => exponential(rand)).sort((a, b) => a - b);
    const mean = light.reduce((a, b) => a + b, 0) / light.length;
    expect(fitExcesses(light, 0)).toEqual({ sigma: mean, xi: 0 });
    expect(fitExcesses(light, 0.5).xi).toBeLessThan(0.1);
    // Pareto excesses with shape 0.4: P(Y > y) = (1 + 0.4 y)^(−2.5).
    const heavy = Array.from({ length: 4000 }, () => ((1 - rand()) ** -0.4 - 1) / 0.4).sort((a, b) => a - b);
    const fitted = fitExcesses(heavy, 0.5);
    expect(fitted.xi).toBeGreaterThan(0.3);
    expect(fitted.xi).toBeLessThanOrEqual(0.5);
    expect(fitExcesses(heavy, 0.2).xi).toBe(0.2);
  });
});

describe("tail", () => {
  it("says nothing before minRows, then estimates a per-row tail probability", () => {
    const tail = createTail(1);
    const rand = rng(11);
    for (let i = 0; i < TAIL_DEFAULTS.minRows - 1; i++) pushTail(tail, exponential(rand));
    expect(tail.ready).toBe(false);
    expect(tailLogSurvival(tail, 50)).toBe(0);
    for (let i = 0; i < 20_000; i++) pushTail(tail, exponential(rand));
    expect(tail.ready).toBe(true);
    // Exp(1): ln P(X ≥ s) = −s.
    for (const s of [6, 8, 10]) expect(Math.abs(tailLogSurvival(tail, s) + s)).toBeLessThan(1);
    expect(tailLogSurvival(tail, 12)).toBeLessThan(tailLogSurvival(tail, 10));
    expect(tailLogSurvival(tail, -1)).toBe(0);
  });

  it("waits for about minRuns independent windows of a long statistic", () => {
    const rand = rng(12);
    const long = createTail(30); // a 30-row window statistic: 300 rows before its tail speaks
    for (let i = 0; i < 299; i++) pushTail(long, exponential(rand));
    expect(long.ready).toBe(false);
    pushTail(long, exponential(rand));
    expect(long.ready).toBe(true);
  });

  it("counts a long excursion once: a statistic that stays high for w rows is one event", () => {
    const rand = rng(5);
    const perRow = createTail(1);
    const declustered = createTail(20);
    for (let i = 0; i < 5000; i++) {
      // Every 500 rows a 20-row burst that flickers (6, 0, 6, 0, …), on quiet noise.
      const v = i % 500 < 20 ? (i % 2 === 0 ? 6 : 0) : 0.3 * exponential(rand);
      pushTail(perRow, v);
      pushTail(declustered, v);
    }
    // Ten bursts in 5,000 rows: at most one excursion to 6 per 500 rows — not the ten flickers of each.
    const rate = Math.exp(tailLogSurvival(declustered, 5.9));
    expect(rate).toBeLessThan(1 / 400);
    expect(rate).toBeGreaterThan(1 / 5000);
    expect(Math.exp(tailLogSurvival(perRow, 5.9))).toBeCloseTo(100 / 5000, 6);
  });

  it("is conservative while young: the prior keeps the first burst from looking impossible", () => {
    const rand = rng(7);
    const tail = createTail(1);
    // A very quiet history (tiny excesses) of just enough rows.
    for (let i = 0; i < TAIL_DEFAULTS.minRows + 20; i++) pushTail(tail, 0.01 * exponential(rand));
    const withPrior = tailLogSurvival(tail, 3);
    const noPrior = createTail(1);
    for (const v of tail.values) pushTail(noPrior, v, { ...TAIL_DEFAULTS, priorClusters: 0 });
    expect(withPrior).toBeGreaterThan(tailLogSurvival(noPrior, 3) + 10);
  });

  it("takes two precedents as a pattern: the third similar spike is not rarer than the first two", () => {
    const rand = rng(13);
    const spikes = [6.1, 6.0, 6.3]; // three excursions of about the same height, far in the tail
    const tail = createTail(1);
    for (let i = 0; i < 3000; i++)
      pushTail(tail, i % 1000 === 500 ? spikes[Math.floor(i / 1000)] : 0.3 * exponential(rand));
    const n = tail.values.length;
    // 6.5 is a little above every spike so far: two of them came within 10%, so it is not rarer than 1 / n.
    expect(tailLogSurvival(tail, 6.5)).toBeGreaterThanOrEqual(Math.log(1 / n) - 1e-12);
    const strict = { ...TAIL_DEFAULTS, precedents: 0 };
    expect(tailLogSurvival(tail, 6.5, strict)).toBeLessThan(Math.log(1 / n));
    // Far beyond them (+50%) the fitted tail speaks again.
    expect(tailLogSurvival(tail, 9.5)).toBeLessThan(Math.log(1 / n));
  });
});
