import { describe, expect, it } from "vitest";
import { cumulative, hashKey, hashString, mix32, Rng } from "./prng";

function stats(values: number[]): { mean: number; variance: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
  return { mean, variance };
}

function draw(n: number, f: () => number): number[] {
  return Array.from({ length: n }, f);
}

describe("Rng", () => {
  it("repeats its stream for a seed and differs between seeds", () => {
    const a = draw(
      50,
      (
        (r) => () =>
          r.next()
      )(new Rng(7)),
    );
    const b = draw(
      50,
      (
        (r) => () =>
          r.next()
      )(new Rng(7)),
    );
    const c = draw(
      50,
      (
        (r) => () =>
          r.next()
      )(new Rng(8)),
    );
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it("draws uniforms in [0, 1) with the right mean and spread", () => {
    const rng = new Rng(1);
    const values = draw(100_000, () => rng.next());
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const { mean, variance } = stats(values);
    expect(mean).toBeCloseTo(0.5, 2);
    expect(variance).toBeCloseTo(1 / 12, 2);
    // Every tenth of the range gets its share.
    const deciles = new Array(10).fill(0);
    for (const v of values) deciles[Math.floor(v * 10)]++;
    for (const count of deciles) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });

  it("draws Poisson counts with mean ≈ variance ≈ lambda, small and large", () => {
    const rng = new Rng(2);
    for (const lambda of [0.05, 3, 12, 80]) {
      const { mean, variance } = stats(draw(40_000, () => rng.poisson(lambda)));
      expect(Math.abs(mean - lambda) / lambda).toBeLessThan(0.05);
      expect(Math.abs(variance - lambda) / lambda).toBeLessThan(0.1);
    }
    expect(rng.poisson(0)).toBe(0);
  });

  it("draws noise multipliers with mean 1 and the requested coefficient of variation", () => {
    const rng = new Rng(3);
    for (const cv of [0.12, 0.35, 1.5]) {
      const values = draw(40_000, () => rng.noise(cv));
      const { mean, variance } = stats(values);
      expect(mean).toBeCloseTo(1, 1);
      expect(Math.sqrt(variance)).toBeCloseTo(cv, 1);
      expect(Math.min(...values)).toBeGreaterThan(0);
    }
    expect(rng.noise(0)).toBe(1);
  });

  it("picks weighted indices in proportion to the weights", () => {
    const rng = new Rng(4);
    const table = cumulative([1, 0, 3]);
    const counts = [0, 0, 0];
    for (let i = 0; i < 40_000; i++) counts[rng.weighted(table)]++;
    expect(counts[1]).toBe(0);
    expect(counts[2] / counts[0]).toBeGreaterThan(2.8);
    expect(counts[2] / counts[0]).toBeLessThan(3.2);
  });
});

describe("hashing", () => {
  it("mixes distinct inputs to distinct keys", () => {
    const keys = new Set<number>();
    for (let a = 0; a < 50; a++) for (let b = 0; b < 50; b++) keys.add(hashKey(9, a, b));
    expect(keys.size).toBe(2500);
    expect(hashString("western-power-outage")).not.toBe(hashString("western-power-outagE"));
    expect(mix32(1)).not.toBe(mix32(2));
    // Large integers (minute and slice indices, ms) still separate.
    expect(hashKey(1, 2 ** 40)).not.toBe(hashKey(1, 2 ** 40 + 1));
    expect(hashKey(1, 1)).not.toBe(hashKey(1, 2 ** 32));
    expect(hashKey(1, 5, 0)).not.toBe(hashKey(1, 0, 5));
  });
});
