import { describe, expect, it } from "vitest";
import { poisson, rng } from "./synthetic";
import { detectSeries, looksLikeCounts, resolveUnivariateConfig, UNIVARIATE_DEFAULTS } from "./univariate";

const T0 = Date.UTC(2020, 0, 6);
const MIN = 60_000;
const N = 4000;
/** Where each hand-made anomaly starts: about two weeks of 5-minute rows in. */
const AT = 2500;

function normal(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-300))) * Math.cos(2 * Math.PI * rand());
}

/** Five-minute timestamps and values from a generator of row i. */
function series(seed: number, value: (i: number, rand: () => number) => number, n = N) {
  const rand = rng(seed);
  const times = Array.from({ length: n }, (_, i) => T0 + i * 5 * MIN);
  const values = times.map((_, i) => value(i, rand));
  return { times, values };
}

const flagged = (flags: Uint8Array) => [...flags.keys()].filter((i) => flags[i] === 1);
/** Flags after the first 15% of rows (NAB's probation: what a benchmark would count). */
const scored = (flags: Uint8Array) => flagged(flags).filter((i) => i >= 0.15 * flags.length);
const daily = (i: number) => Math.sin((2 * Math.PI * i) / 288);

describe("detectSeries on continuous series", () => {
  it("flags a level shift up once, at its start, and learns the new level", () => {
    const { times, values } = series(1, (i, r) => 50 + 5 * normal(r) + (i >= AT ? 25 : 0));
    const out = detectSeries(times, values);
    expect(out.kind).toBe("continuous");
    const after = scored(out.flags).filter((i) => i >= AT);
    expect(after).toHaveLength(1);
    expect(after[0] - AT).toBeLessThanOrEqual(3);
    expect(out.tests[out.test[after[0]]]).toMatch(/^level \d+ up$/);
    expect(scored(out.flags).length).toBeLessThanOrEqual(2); // at most one stray alarm before it
  });

  it("flags a drop: continuous values are scored in both directions", () => {
    const { times, values } = series(2, (i, r) => 50 + 5 * normal(r) - (i >= AT ? 25 : 0));
    const out = detectSeries(times, values);
    const f = scored(out.flags);
    expect(f).toHaveLength(1);
    expect(f[0] - AT).toBeLessThanOrEqual(3);
    expect(out.tests[out.test[f[0]]]).toMatch(/down$/);
  });

  it("flags a spike on a daily cycle at the spike, and not the cycle itself", () => {
    const { times, values } = series(3, (i, r) => 50 + 20 * daily(i) + 3 * normal(r) + (i === AT ? 30 : 0));
    const f = scored(detectSeries(times, values).flags);
    expect(f).toContain(AT);
    expect(f.filter((i) => i !== AT).length).toBeLessThanOrEqual(1);
  });

  it("models the daily season where there is one: a batch job that does not run is found", () => {
    // Two hours at +30 every day at 02:00; one day it does not run.
    const skipped = Math.floor(AT / 288);
    const job = (i: number) => i % 288 >= 24 && i % 288 < 48 && Math.floor(i / 288) !== skipped;
    const { times, values } = series(11, (i, r) => 20 + 2 * normal(r) + (job(i) ? 30 : 0));
    const missing = skipped * 288 + 24;
    const withSeason = scored(detectSeries(times, values).flags);
    expect(withSeason.some((i) => i >= missing && i < missing + 24)).toBe(true);
    // (While the season is being learned, in the first days, the job's edges raise a few alarms.)
    expect(withSeason.filter((i) => i >= 7 * 288 && (i < missing || i >= missing + 24))).toEqual([]);
    // Without the seasonal views the quiet morning looks like any other quiet time.
    const plain = scored(detectSeries(times, values, { seasonality: { periodsMs: [] } }).flags);
    expect(plain.some((i) => i >= missing && i < missing + 24)).toBe(false);
  });

  it("handles irregular sampling and a gap: timestamps, not row counts, align the days", () => {
    const rand = rng(4);
    const times: number[] = [];
    let t = T0;
    for (let i = 0; i < N; i++) {
      t += (3 + 4 * rand()) * MIN; // 3–7 minutes apart
      if (i === 1500) t += 6 * 60 * MIN; // six hours without data
      times.push(t);
    }
    const values = times.map((ti, i) => {
      const phase = Math.sin((2 * Math.PI * (ti - T0)) / (24 * 60 * MIN));
      return 50 + 20 * phase + 3 * normal(rand) + (i === AT ? 30 : 0);
    });
    const f = scored(detectSeries(times, values).flags);
    expect(f).toContain(AT);
    expect(f.filter((i) => i !== AT).length).toBeLessThanOrEqual(1);
  });

  it("flags a sensor that freezes (the spread falls to nothing), and not its thaw", () => {
    const { times, values } = series(5, (i, r) => (i >= AT && i < AT + 200 ? 50 : 50 + 5 * normal(r)));
    const out = detectSeries(times, values);
    const f = scored(out.flags);
    expect(f).toHaveLength(1);
    expect(f[0] - AT).toBeLessThan(20);
    expect(out.tests[out.test[f[0]]]).toMatch(/^spread \d+ down$/);
  });

  it("raises almost nothing on noise alone", () => {
    let total = 0;
    for (let seed = 10; seed < 15; seed++) {
      const { times, values } = series(seed, (_, r) => 50 + 5 * normal(r));
      total += scored(detectSeries(times, values).flags).length;
    }
    expect(total).toBeLessThanOrEqual(2);
  });

  it("lets a much stronger, new anomaly through an open alarm, and not a continuation of the same one", () => {
    // A moderate drop of 4σ for 40 rows opens an alarm; 8 rows in, a 16σ spike up (another test, ~10⁶×
    // stronger) is flagged as well. The drop deepening to 5σ instead is the same anomaly: not flagged.
    const drop = (i: number) => (i >= AT && i < AT + 40 ? -20 : 0);
    const during = (flags: Uint8Array) => flagged(flags).filter((i) => i >= AT && i < AT + 40);
    const spiked = series(23, (i, r) => 50 + 5 * normal(r) + drop(i) + (i === AT + 8 ? 80 : 0));
    const out = detectSeries(spiked.times, spiked.values);
    const f = during(out.flags);
    expect(f).toHaveLength(2);
    expect(f[0] - AT).toBeLessThanOrEqual(3);
    expect(out.tests[out.test[f[0]]]).toMatch(/down$/);
    expect(f[1]).toBe(AT + 8);
    expect(out.tests[out.test[f[1]]]).toBe("level 1 up");
    expect(out.novelty[f[1]] * UNIVARIATE_DEFAULTS.alarm.rearmFactor).toBeLessThan(out.novelty[f[0]]);
    // Without re-arming, the spike is hidden by the open alarm.
    const masked = detectSeries(spiked.times, spiked.values, { alarm: { rearmFactor: 0 } });
    expect(during(masked.flags)).toEqual([f[0]]);

    const deeper = series(23, (i, r) => 50 + 5 * normal(r) + drop(i) + (i >= AT + 8 && i < AT + 40 ? -5 : 0));
    expect(during(detectSeries(deeper.times, deeper.values).flags)).toEqual([f[0]]);
  });

  it("is causal: a prefix gets exactly the flags and novelty it gets inside the whole series", () => {
    const { times, values } = series(6, (i, r) => 50 + 20 * daily(i) + 3 * normal(r) + (i >= AT ? 15 : 0));
    const full = detectSeries(times, values);
    const cut = AT + 2;
    const prefix = detectSeries(times.slice(0, cut), values.slice(0, cut));
    expect(Array.from(prefix.flags)).toEqual(Array.from(full.flags.slice(0, cut)));
    expect(Array.from(prefix.novelty)).toEqual(Array.from(full.novelty.slice(0, cut)));
    expect(flagged(full.flags)).toContain(flagged(prefix.flags).at(-1));
  });
});

describe("detectSeries on counts", () => {
  it("scores counts upwards: a burst is flagged, a fall in volume is not", () => {
    const { times, values } = series(7, (i, r) => {
      if (i >= AT && i < AT + 6) return poisson(r, 40);
      return poisson(r, i >= AT + 1000 ? 2 : 8);
    });
    const out = detectSeries(times, values);
    expect(out.kind).toBe("counts");
    expect(scored(out.flags)).toEqual([AT]);
    // The same fall in a continuous series (the counts plus a fraction) is flagged.
    const cont = detectSeries(
      times,
      values.map((v) => v + 0.25),
    );
    expect(cont.kind).toBe("continuous");
    expect(scored(cont.flags).some((i) => i >= AT + 1000 && i < AT + 1100)).toBe(true);
  });

  it("turns continuous at the first value that is not a count, and stays causal", () => {
    const { times, values } = series(8, (i, r) => poisson(r, 20) + (i === 3000 ? 0.5 : 0));
    const out = detectSeries(times, values);
    expect(out.kind).toBe("continuous");
    expect(detectSeries(times.slice(0, 2999), values.slice(0, 2999)).kind).toBe("counts");
  });
});

describe("looksLikeCounts", () => {
  const c = UNIVARIATE_DEFAULTS.counts;
  it("takes event counts (Poisson or burstier) as counts", () => {
    const rand = rng(9);
    expect(
      looksLikeCounts(
        Array.from({ length: 200 }, () => poisson(rand, 0.4)),
        200,
        c,
      ),
    ).toBe(true);
    expect(
      looksLikeCounts(
        Array.from({ length: 200 }, () => poisson(rand, 90)),
        200,
        c,
      ),
    ).toBe(true);
  });
  it("takes whole-unit measurements, large volumes and fractions as continuous", () => {
    const rand = rng(10);
    const speeds = Array.from({ length: 200 }, () => Math.round(65 + 1.5 * normal(rand)));
    expect(looksLikeCounts(speeds, 200, c)).toBe(false);
    const taxis = Array.from({ length: 200 }, () => poisson(rand, 15_000));
    expect(looksLikeCounts(taxis, 200, c)).toBe(false);
    expect(looksLikeCounts([1, 2, 2.5, 3], 4, c)).toBe(false);
    expect(looksLikeCounts([1, -2, 3, 4], 4, c)).toBe(false);
  });
});

describe("resolveUnivariateConfig", () => {
  it("merges nested overrides and refuses windows that are not whole rows", () => {
    const c = resolveUnivariateConfig({ alarm: { alpha: 3 } });
    expect(c.alarm).toEqual({ ...UNIVARIATE_DEFAULTS.alarm, alpha: 3 });
    expect(() => resolveUnivariateConfig({ windows: [1.5] })).toThrow(RangeError);
    expect(() => resolveUnivariateConfig({ windows: [] })).toThrow(RangeError);
    expect(() => detectSeries([2, 1], [0, 0])).toThrow(RangeError);
  });
});
