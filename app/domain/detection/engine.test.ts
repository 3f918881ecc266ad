import { describe, expect, it } from "vitest";
import { type DetectorConfigInput, resolveConfig } from "./config";
import { ALL_REGIONS, type CellDecision, type CellInput, type CellState, evaluateBucket } from "./engine";
import { replaySeries, seriesInputAt } from "./series";
import { negBinom, rhythmRate, rhythmSeries, rng } from "./synthetic";

const WEEK = 2016; // 5-minute buckets in a week
const DAY = 288;
const STEP = 300_000;
const START = Date.UTC(2026, 0, 5); // a Monday, 00:00 UTC

const run = (values: number[], overrides: DetectorConfigInput = {}, start = START) =>
  replaySeries(values, { start, config: resolveConfig(overrides) });
const onsets = (ds: CellDecision[], from = 0, to = ds.length) =>
  ds.slice(from, to).filter((d) => d.opened).length;
const detectedOnsets = (ds: CellDecision[], from = 0, to = ds.length) =>
  ds
    .slice(from, to)
    .filter((d, i) => d.level === "detected" && (d.opened || ds[from + i - 1]?.level !== "detected")).length;

describe("evaluateBucket on hand-made series", () => {
  it("stays quiet on a flat, overdispersed series", () => {
    const v = rhythmSeries(1, START, 3 * WEEK, 5, { mean: 20, size: 10 });
    const ds = run(v);
    expect(detectedOnsets(ds)).toBe(0);
    expect(onsets(ds)).toBeLessThanOrEqual(3); // a few `possible` at most in three weeks
  });

  it("follows a diurnal and weekly rhythm without alarms, then flags a sharp spike at once", () => {
    const rhythm = { mean: 20, diurnal: 0.8, weekend: 0.6 };
    const v = rhythmSeries(2, START, 4 * WEEK, 5, { ...rhythm, size: 10 });
    const at = 3 * WEEK + 2 * DAY + 14 * 12; // Wednesday 14:00, near the daily peak
    const rate = rhythmRate(START + at * STEP, rhythm);
    v[at] = Math.round(rate * 6);
    const ds = run(v);
    expect(detectedOnsets(ds, 0, at)).toBe(0);
    expect(ds[at].level).toBe("detected");
    expect(ds[at].opened).toBe(true);
    expect(ds[at].reason).toBe("spike");
    expect(ds[at].baseline).toBe("weekly");
    expect(ds[at].expected).toBeGreaterThan(rate * 0.7);
    expect(ds[at].expected).toBeLessThan(rate * 1.3);
    expect(ds[at].pValue).toBeLessThan(1e-6);
    expect(ds[at].score).toBeGreaterThan(6);
    // The quiet night is not a spike, and the spike is on the bucket, not before it.
    expect(ds[at - 1].level).toBeNull();
  });

  it("catches a slow ramp with the CUSUM that no single bucket would flag", () => {
    const v = rhythmSeries(1, START, 3 * WEEK + 300, 5, { mean: 20, size: 50 });
    const r0 = 3 * WEEK;
    const rand = rng(77);
    // 20 → 36 over three hours, then stays at 36: never more than 1.8× in any one bucket's mean.
    for (let i = 0; i < 300; i++) v[r0 + i] = negBinom(rand, 20 + Math.min(i, 36) * (16 / 36), 50);
    const withCusum = run(v);
    // Without the CUSUM and with single-bucket tests only (the summed windows see a ramp too).
    const without = run(v, { cusum: { enabled: false }, scales: [1] });
    const firstDetected = (ds: CellDecision[]) => ds.findIndex((d, i) => i >= r0 && d.level === "detected");
    const a = firstDetected(withCusum);
    expect(a).toBeGreaterThan(r0);
    expect(a - r0).toBeLessThan(60);
    expect(withCusum[a].reason).toBe("cusum");
    // Without it, only the slower sustained-`possible` escalation may get there, and later.
    const b = firstDetected(without);
    if (b !== -1) {
      expect(b).toBeGreaterThan(a);
      expect(without[b].reason).toBe("sustained");
    }
  });

  it("is robust to a single outlier: flagged once, ends, and does not poison next week's baseline", () => {
    const v = rhythmSeries(3, START, 4 * WEEK, 5, { mean: 20, size: 10 });
    const x = 3 * WEEK - 500;
    v[x] = 400;
    const ds = run(v);
    expect(ds[x].level).toBe("detected");
    const config = resolveConfig({});
    const end = ds.findIndex((d, i) => i > x && !d.inSpike);
    expect(end).toBeGreaterThan(x);
    expect(end - x).toBeLessThanOrEqual(4 * config.endQuietBuckets);
    expect(ds.slice(x + 1, end).filter((d) => d.level).length).toBeLessThanOrEqual(3);
    // Same time next week: the 400 is clipped out of the seasonal reference.
    expect(ds[x + WEEK].expected).toBeGreaterThan(14);
    expect(ds[x + WEEK].expected).toBeLessThan(26);
    expect(ds[x + WEEK].level).toBeNull();
  });

  it("treats missing buckets as zeros without alarming when counting resumes", () => {
    const rhythm = { mean: 20, diurnal: 0.8, weekend: 0.6 };
    const v = rhythmSeries(5, START, 4 * WEEK, 5, { ...rhythm, size: 10 });
    const gap = 3 * WEEK - 1000;
    for (let i = gap; i < gap + 26; i++) v[i] = 0; // a 2-hour hole in the counts
    const ds = run(v);
    expect(onsets(ds, gap, gap + 60)).toBe(0);
    // A week later the hole is one week of several in the reference, not the baseline.
    const rate = rhythmRate(START + (gap + WEEK + 13) * STEP, rhythm);
    expect(ds[gap + WEEK + 13].expected).toBeGreaterThan(rate * 0.6);
    expect(onsets(ds, gap + WEEK - 6, gap + WEEK + 40)).toBe(0);
  });

  it("tolerates skipped evaluations and rejects going back in time", () => {
    const config = resolveConfig({});
    const v = rhythmSeries(6, START, 2 * WEEK, 5, { mean: 20, size: 10 });
    const cell = (i: number, state: CellState | null): CellInput => ({
      region: "CA",
      topic: "outage",
      ...seriesInputAt(v, i, START, config),
      state,
    });
    const [a] = evaluateBucket({ bucketStart: START + 2000 * STEP, config, cells: [cell(2000, null)] });
    const [b] = evaluateBucket({ bucketStart: START + 2010 * STEP, config, cells: [cell(2010, a.state)] });
    expect(b.state.lastBucket).toBe(START + 2010 * STEP);
    expect(b.state.cusum).toBeGreaterThanOrEqual(0);
    expect(() =>
      evaluateBucket({ bucketStart: START + 2010 * STEP, config, cells: [cell(2010, b.state)] }),
    ).toThrow(RangeError);
  });

  it("aligns the weekly season on local time across a DST change", () => {
    // Busy 09:00–17:00 New York time on weekdays, quiet otherwise; DST starts Sunday 8 March 2026.
    const start = Date.UTC(2026, 1, 2, 5); // Monday 2 February, 00:00 EST
    const hourFmt = new Intl.DateTimeFormat("en-US", {
      timeZone: "America/New_York",
      hourCycle: "h23",
      hour: "numeric",
      weekday: "short",
    });
    const rand = rng(11);
    const v: number[] = [];
    for (let i = 0; i < 6 * WEEK; i++) {
      const parts = hourFmt.formatToParts(new Date(start + i * STEP));
      const hour = Number(parts.find((p) => p.type === "hour")?.value);
      const weekday = parts.find((p) => p.type === "weekday")?.value;
      const busy = hour >= 9 && hour < 17 && weekday !== "Sat" && weekday !== "Sun";
      v.push(negBinom(rand, busy ? 60 : 5, 20));
    }
    const change = Math.round((Date.UTC(2026, 2, 8, 7) - start) / STEP);
    const local = run(v, { timeZone: "America/New_York" }, start);
    const utc = run(v, { timeZone: "UTC" }, start);
    // Local time of week: opening hour is expected, before and after the change.
    expect(detectedOnsets(local, 4 * WEEK, change + WEEK)).toBe(0);
    // A fixed 7 × 24 h lookback compares 09:00 with last week's 08:00 and cries wolf every morning.
    expect(detectedOnsets(utc, change, change + WEEK)).toBeGreaterThanOrEqual(3);
  });

  it("is conservative at cold start, and silent with almost no history", () => {
    const config = resolveConfig({});
    const v = rhythmSeries(3, START, 4 * WEEK, 5, { mean: 20, size: 10 });
    const at = 3 * WEEK + 100;
    const observed = 100; // 5× the mean
    const warm = run([...v.slice(0, at), observed])[at];
    const [cold] = evaluateBucket({
      bucketStart: START,
      config,
      cells: [
        { region: "CA", topic: "outage", observed, seasonal: [], recent: v.slice(at - 36, at), state: null },
      ],
    });
    expect(cold.baseline).toBe("short");
    expect(warm.level).not.toBeNull();
    expect(cold.level).toBeNull();
    expect(cold.pValue).toBeGreaterThan(warm.pValue);
    const [none] = evaluateBucket({
      bucketStart: START,
      config,
      cells: [
        { region: "CA", topic: "outage", observed: 5000, seasonal: [], recent: [20, 18, 22], state: null },
      ],
    });
    expect(none.baseline).toBe("none");
    expect(none.level).toBeNull();
    expect(none.pValue).toBe(1);
  });

  it("tests each window against a calibration record that none of the window's buckets has entered", () => {
    const v = rhythmSeries(12, START, WEEK + DAY, 5, { mean: 0.05, size: 1 });
    for (const k of [0, 2, 3, 5, 6, 8]) v[WEEK + 100 + k] += 1; // the rising edge of a small burst
    const ds = run(v);
    const lag = Math.max(...resolveConfig({}).scales);
    expect(START % (lag * STEP)).toBe(0); // periods are aligned on the clock: here on bucket 0
    for (let i = 3 * lag; i < ds.length; i++) {
      // The record as it was before the previous period began: at least `lag` buckets old.
      const previousPeriod = i - (i % lag) - lag;
      expect(ds[i].state.calLag).toEqual(ds[previousPeriod - 1].state.cal);
    }
  });

  it("is causal: a prefix gets exactly the decisions it gets inside the whole series", () => {
    const v = rhythmSeries(8, START, 2 * WEEK + 2 * DAY, 5, { mean: 15, diurnal: 0.6, size: 8 });
    v[2 * WEEK + 100] = 300;
    const full = run(v);
    const cut = 2 * WEEK + 150;
    const prefix = run(v.slice(0, cut));
    expect(prefix).toEqual(full.slice(0, cut));
    expect(full[2 * WEEK + 100].level).toBe("detected"); // and the prefix saw the same spike
  });
});

describe("many cells at once", () => {
  const cellsFor = (
    series: number[][],
    i: number,
    config: ReturnType<typeof resolveConfig>,
    states: (CellState | null)[],
  ) =>
    series.map((v, k) => ({
      region: `R${k}`,
      topic: "outage",
      ...seriesInputAt(v, i, START, config),
      state: states[k],
    }));

  it("controls false alarms across cells tested together (Benjamini–Hochberg)", () => {
    const n = 100;
    const series = Array.from({ length: n }, (_, k) =>
      rhythmSeries(100 + k, START, 3 * WEEK + DAY, 5, { mean: 20, size: 10 }),
    );
    const count = (multipleTesting: "bh" | "none", scales?: number[]) => {
      const config = resolveConfig({ multipleTesting, ...(scales ? { scales } : {}) });
      const states: (CellState | null)[] = Array(n).fill(null);
      let opened = 0;
      for (let i = 3 * WEEK - DAY / 2; i < 3 * WEEK + DAY; i++) {
        const ds = evaluateBucket({
          bucketStart: START + i * STEP,
          config,
          cells: cellsFor(series, i, config, states),
        });
        ds.forEach((d, k) => {
          states[k] = d.state;
          if (i >= 3 * WEEK && d.opened) opened++;
        });
      }
      return opened;
    };
    // 100 quiet cells × 288 buckets = 28,800 tests: at most a couple of alarms once corrected.
    expect(count("bh")).toBeLessThanOrEqual(2);
    // The correction is what keeps it so: single-bucket tests (no Bonferroni over windows) without it
    // raise more.
    const bh = count("bh", [1]);
    const none = count("none", [1]);
    expect(bh).toBeLessThanOrEqual(2);
    expect(none).toBeGreaterThan(bh);
  });

  it("still flags a real spike among many quiet cells", () => {
    const n = 100;
    const config = resolveConfig({});
    const series = Array.from({ length: n }, (_, k) =>
      rhythmSeries(300 + k, START, 3 * WEEK + 10, 5, { mean: 20, size: 10 }),
    );
    const at = 3 * WEEK + 5;
    series[42][at] = 200;
    const ds = evaluateBucket({
      bucketStart: START + at * STEP,
      config,
      cells: cellsFor(series, at, config, Array(n).fill(null)),
    });
    expect(ds[42].level).not.toBeNull();
    expect(ds.filter((d) => d.level).length).toBe(1);
  });

  it("models a sparse cell as its share of the topic over all regions", () => {
    const config = resolveConfig({});
    const n = 10;
    const busy = Array.from({ length: n }, (_, k) =>
      rhythmSeries(500 + k, START, 3 * WEEK + 10, 5, { mean: 20, size: 10 }),
    );
    const sparse = rhythmSeries(600, START, 3 * WEEK + 10, 5, { mean: 0.1, size: 10 });
    const at = 3 * WEEK + 8; // three full weeks of history: a trusted season
    const cells = [
      ...busy.map((v, k) => ({
        region: `R${k}`,
        topic: "outage",
        ...seriesInputAt(v, at, START, config),
        state: null,
      })),
      {
        region: "WY",
        topic: "outage",
        ...seriesInputAt(sparse, at, START, config),
        observed: 6,
        state: null,
      },
    ];
    const ds = evaluateBucket({ bucketStart: START + at * STEP, config, cells });
    const wy = ds[n];
    expect(wy.baseline).toBe("parent-topic");
    expect(wy.expected).toBeGreaterThan(0.03);
    expect(wy.expected).toBeLessThan(0.3); // ≈ 0.1: its share (~0.5%) of ~200 per bucket
    expect(wy.level).not.toBeNull(); // 6 complaints where 0.1 is usual
    expect(ds.slice(0, n).every((d) => d.baseline === "weekly")).toBe(true);
  });

  it("keeps its state JSON-serialisable", () => {
    const v = rhythmSeries(9, START, WEEK + 50, 5, { mean: 20, size: 10 });
    v[WEEK + 40] = 300;
    const ds = run(v);
    const state = ds[WEEK + 41].state;
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    expect(state.episode).not.toBeNull();
  });

  it("decides the same whether states are copied, updated in place, or stored and read back each bucket", () => {
    // Busy and sparse cells of one topic, their all-regions aggregate, a burst, a sparse cell's trickle
    // and a skipped bucket: the replay (`inPlace`, one state object per cell) must decide exactly as
    // the default (a new state per bucket) and as live runs whose states go through jsonb between buckets.
    const config = resolveConfig({});
    const len = 2 * WEEK + 600;
    const series = [
      rhythmSeries(21, START, len, 5, { mean: 30, diurnal: 0.6, size: 8 }),
      rhythmSeries(22, START, len, 5, { mean: 8, size: 5 }),
      rhythmSeries(23, START, len, 5, { mean: 2, diurnal: 0.8, size: 3 }),
      rhythmSeries(24, START, len, 5, { mean: 0.05, size: 1 }),
      rhythmSeries(25, START, len, 5, { mean: 0.01, size: 1 }),
    ];
    const burst = 2 * WEEK + 200;
    for (let k = 0; k < 12; k++) series[0][burst + k] += 40 + 10 * k;
    for (let k = 0; k < 6; k++) series[3][burst + 100 + 2 * k] += 2;
    const all = series[0].map((_, i) => series.reduce((s, v) => s + v[i], 0));
    const skipped = 2 * WEEK + 400;
    const replay = (mode: "copy" | "inPlace" | "stored") => {
      let states: (CellState | null)[] = [...series, all].map(() => null);
      const out: string[] = [];
      for (let i = 0; i < len; i++) {
        if (i === skipped) continue;
        const cells: CellInput[] = [...series, all].map((v, k) => ({
          region: k === series.length ? ALL_REGIONS : `R${k}`,
          topic: "outage",
          ...seriesInputAt(v, i, START, config),
          state: states[k],
        }));
        const ds = evaluateBucket({ bucketStart: START + i * STEP, config, cells, inPlace: mode !== "copy" });
        // Every figure and the state as it is after this bucket (a later bucket may update it in place).
        out.push(JSON.stringify(ds));
        states = ds.map((d) => (mode === "stored" ? JSON.parse(JSON.stringify(d.state)) : d.state));
      }
      return out;
    };
    const copied = replay("copy");
    const inPlace = replay("inPlace");
    expect(inPlace.length).toBe(copied.length);
    expect(inPlace).toEqual(copied);
    expect(replay("stored")).toEqual(copied);
    // The series exercise what they should: a weekly and a parent baseline, a detected burst.
    const decided = copied.map((b) => JSON.parse(b) as CellDecision[]);
    expect(decided.some((ds) => ds[0].level === "detected")).toBe(true);
    expect(decided[burst][3].baseline).toMatch(/^parent/);
    expect(decided[burst][0].baseline).toMatch(/^weekly/);
  });
});

describe("a small outage in a normally silent cell", () => {
  // Ten busy regions of one topic, their aggregate (the topic over all regions) and a small state where
  // a complaint of the topic is rare: about one a day, mostly in the evening, and a few lone ones at
  // night. Counts are what intake counts: one per author per region × topic per hour.
  const n = 10;
  const length = 3 * WEEK + DAY;
  const evening = 3 * WEEK + 19 * 12; // Monday 19:00, the fourth week
  const night = 3 * WEEK + 3 * 12; // Monday 03:00
  const history = () => {
    const busy = Array.from({ length: n }, (_, k) =>
      rhythmSeries(700 + k, START, length, 5, { mean: 2, diurnal: 0.8, size: 10, peakHour: 19 }),
    );
    const quiet = rhythmSeries(800, START, length, 5, { mean: 0.001, diurnal: 0.9, size: 1, peakHour: 19 });
    for (let week = 0; week < 3; week++) quiet[week * WEEK + 2 * DAY + 3 * 12 + 5] += 1; // lone night ones
    return { busy, quiet };
  };
  const replay = (quiet: number[], busy: number[][], to: number) => {
    const config = resolveConfig({});
    const series = [...busy, quiet];
    const total = Array.from({ length }, (_, i) => series.reduce((s, v) => s + v[i], 0));
    const names = [...busy.map((_, k) => `R${k}`), "VT", ALL_REGIONS];
    const all = [...series, total];
    let states: (CellState | null)[] = all.map(() => null);
    const vt: CellDecision[] = [];
    for (let i = 0; i <= to; i++) {
      const ds = evaluateBucket({
        bucketStart: START + i * STEP,
        config,
        cells: all.map((v, k) => ({
          region: names[k],
          topic: "outage",
          ...seriesInputAt(v, i, START, config),
          state: states[k],
        })),
      });
      states = ds.map((d) => d.state);
      vt.push(ds[n]);
    }
    return vt;
  };
  const clear = (v: number[], from: number, to: number) => {
    for (let i = from; i < to; i++) v[i] = 0;
  };

  it("detects ~8 complaints from distinct people in an hour where ~0.1 are usual", () => {
    const { busy, quiet } = history();
    clear(quiet, evening - 12, evening + 24);
    // One or two minutes apart at first, then a steady trickle: never more than one in a bucket.
    for (const k of [0, 1, 3, 4, 6, 7, 9, 11]) quiet[evening + k] = 1;
    const vt = replay(quiet, busy, evening + 24);
    expect(vt.slice(3 * WEEK, evening).some((d) => d.level === "detected")).toBe(false);
    const hour = vt.slice(evening, evening + 13);
    expect(hour[0].baseline).toBe("parent-topic");
    expect(hour.some((d) => d.level === "detected")).toBe(true);
  });

  it("does not alarm on the same complaints from one author, or on a lone complaint at night", () => {
    const { busy, quiet } = history();
    clear(quiet, evening - 12, evening + 24);
    clear(quiet, night - 12, night + 24);
    // One author posting eight times in the hour is counted once; one night-time complaint is one.
    quiet[evening + 5] = 1;
    quiet[night] = 1;
    const vt = replay(quiet, busy, evening + 24);
    expect(vt.slice(night, night + 13).some((d) => d.level === "detected")).toBe(false);
    expect(vt.slice(evening, evening + 25).some((d) => d.level === "detected")).toBe(false);
    expect(vt.slice(night, evening + 25).some((d) => d.level !== null)).toBe(false);
  });
});
