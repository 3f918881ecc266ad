import { describe, expect, it } from "vitest";
import { resolveConfig } from "./config";
import type { CellDecision, SpikeLevel } from "./engine";
import { type SpikeEvent, type TrackerState, trackBucket } from "./lifecycle";
import { replaySeries } from "./series";
import { rhythmSeries } from "./synthetic";

const STEP = 300_000;
const T0 = Date.UTC(2026, 4, 4, 12);
const config = resolveConfig({ endQuietBuckets: 3 });

type D = Parameters<typeof trackBucket>[2][number];
const decision = (level: SpikeLevel | null, observed: number, extra: Partial<D> = {}): D => ({
  region: "CA",
  topic: "outage",
  level,
  observed,
  expected: 10,
  score: level ? observed / 10 : 0,
  onsetAt: null,
  opened: false,
  inSpike: level !== null,
  ...extra,
});

function feed(seq: D[][]): { events: SpikeEvent[]; state: TrackerState | null } {
  let state: TrackerState | null = null;
  const events: SpikeEvent[] = [];
  seq.forEach((ds, i) => {
    const r = trackBucket(state, T0 + i * STEP, ds, config);
    state = r.state;
    events.push(...r.events);
  });
  return { events, state };
}

describe("spike lifecycle", () => {
  it("opens, escalates, peaks and ends", () => {
    const { events, state } = feed([
      [decision(null, 9)],
      [decision("possible", 30, { opened: true, onsetAt: T0 + STEP })], // bucket 1
      [decision("detected", 80)], // 2: escalates, new peak
      [decision("detected", 60)], // 3
      [decision(null, 12, { inSpike: true })], // 4: quiet 1
      [decision(null, 11, { inSpike: true })], // 5: quiet 2
      [decision(null, 10, { inSpike: false })], // 6: the detector says it is over
    ]);
    expect(events.map((e) => e.type)).toEqual(["opened", "escalated", "peak", "ended"]);
    const [opened, escalated, , ended] = events;
    expect(opened.spike.level).toBe("possible");
    expect(opened.spike.startedAt).toBe(T0 + STEP);
    expect(opened.spike.detectedAt).toBe(T0 + 2 * STEP); // END of the first flagged bucket
    expect(opened.at).toBe(T0 + 2 * STEP);
    expect(escalated.spike.level).toBe("detected");
    expect(ended.spike).toMatchObject({
      level: "detected",
      startedAt: T0 + STEP,
      detectedAt: T0 + 2 * STEP,
      peakAt: T0 + 2 * STEP,
      endedAt: T0 + 4 * STEP, // end of the last flagged bucket (3)
      observed: 80, // the peak bucket's count
      expected: 10,
      totalObserved: 170,
    });
    expect(ended.at).toBe(T0 + 7 * STEP);
    expect(state?.open).toEqual({});
  });

  it("keeps a spike open through a short lull", () => {
    const { events } = feed([
      [decision("detected", 50, { opened: true })],
      [decision(null, 12, { inSpike: true })],
      [decision("detected", 45)],
      [decision(null, 12, { inSpike: true })],
    ]);
    expect(events.map((e) => e.type)).toEqual(["opened"]);
  });

  it("ends by itself after endQuietBuckets when decisions carry no spike flag", () => {
    // Buckets skipped by the caller count as quiet.
    let r = trackBucket(null, T0, [decision("detected", 50, { opened: true })], config);
    r = trackBucket(
      r.state,
      T0 + 5 * STEP,
      [decision(null, 5, { inSpike: undefined as unknown as boolean })],
      config,
    );
    expect(r.events.map((e) => e.type)).toEqual(["ended"]);
    expect(r.events[0].spike.endedAt).toBe(T0 + STEP);
  });

  it("tracks cells independently and is JSON-round-trippable", () => {
    let r = trackBucket(
      null,
      T0,
      [decision("detected", 50, { opened: true }), decision(null, 1, { region: "NV" })],
      config,
    );
    r = trackBucket(
      JSON.parse(JSON.stringify(r.state)),
      T0 + STEP,
      [decision("detected", 40), decision("possible", 9, { region: "NV", opened: true })],
      config,
    );
    expect(r.open.map((s) => s.key)).toEqual(["CA|outage", "NV|outage"]);
    expect(r.events.map((e) => `${e.type}:${e.spike.region}`)).toEqual(["opened:NV"]);
  });

  it("follows the detector on a real series: one spike per burst, ended after the quiet period", () => {
    const c = resolveConfig({});
    const v = rhythmSeries(21, T0, 2 * 2016 + 200, 5, { mean: 20, size: 10 });
    const at = 2 * 2016 + 50;
    for (let k = 0; k < 4; k++) v[at + k] = 250 - 40 * k;
    const ds: CellDecision[] = replaySeries(v, { start: T0, config: c });
    let state: TrackerState | null = null;
    const events: SpikeEvent[] = [];
    ds.forEach((d, i) => {
      const r = trackBucket(state, T0 + i * STEP, [d], c);
      state = r.state;
      events.push(...r.events.filter(() => i >= 2 * 2016));
    });
    const opened = events.filter((e) => e.type === "opened");
    const ended = events.filter((e) => e.type === "ended");
    expect(opened).toHaveLength(1);
    expect(opened[0].spike.detectedAt).toBe(T0 + (at + 1) * STEP);
    expect(ended).toHaveLength(1);
    expect(ended[0].spike.peakAt).toBe(T0 + at * STEP);
    expect(ended[0].spike.endedAt).toBeGreaterThanOrEqual(T0 + (at + 4) * STEP);
  });
});
