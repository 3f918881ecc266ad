import { describe, expect, it } from "vitest";
import {
  formatScoresCsv,
  parseSeriesCsv,
  parseTimestamp,
  type SeriesRow,
  scoreSeries,
  scoreSeriesWithEngine,
} from "./series";
import { rhythmSeries } from "./synthetic";

const START = Date.UTC(2015, 1, 26, 21, 42, 53);
const iso = (t: number) => new Date(t).toISOString().replace("T", " ").slice(0, 19);

function rows(values: number[]): SeriesRow[] {
  return values.map((value, i) => ({ timestamp: iso(START + i * 300_000), value }));
}

describe("scoreSeries", () => {
  const values = rhythmSeries(4, START, 2 * 2016 + 400, 5, { mean: 30, diurnal: 0.5, size: 8 });
  const spikeAt = 2 * 2016 + 100;
  for (let k = 0; k < 6; k++) values[spikeAt + k] = 600 - 60 * k;

  it("returns one 0/1 per row and flags a spike once, at its onset", () => {
    const scores = scoreSeries(rows(values));
    expect(scores).toHaveLength(values.length);
    expect(scores.every((s) => s === 0 || s === 1)).toBe(true);
    expect(scores[spikeAt]).toBe(1);
    expect(scores.slice(spikeAt + 1, spikeAt + 60).every((s) => s === 0)).toBe(true);
  });

  it("is causal: the flags of a prefix are the prefix of the flags", () => {
    const full = scoreSeries(rows(values));
    const cut = spikeAt + 3;
    expect(scoreSeries(rows(values.slice(0, cut)))).toEqual(full.slice(0, cut));
  });

  it("takes rows as they come: a gap in the rows is time without data", () => {
    const r = rows(values);
    const withGap = [...r.slice(0, 3000), ...r.slice(3010)];
    const scores = scoreSeries(withGap);
    expect(scores).toHaveLength(withGap.length);
    expect(scores[spikeAt - 10]).toBe(1);
    expect(scores.reduce((a, b) => a + b, 0)).toBe(scores.slice(spikeAt - 10).reduce((a, b) => a + b, 0));
  });

  it("scores a row stamped back in time where it stands; the engine's grid refuses it", () => {
    const r = rows([1, 2, 3]);
    expect(scoreSeries([r[1], r[0], r[2]])).toEqual([0, 0, 0]);
    expect(() => scoreSeriesWithEngine([r[1], r[0], r[2]])).toThrow(RangeError);
  });
});

describe("series CSV", () => {
  it("parses NAB CSV and writes scores", () => {
    const parsed = parseSeriesCsv("timestamp,value\n2015-02-26 21:42:53,104\n\n2015-02-26 21:47:53,100\n");
    expect(parsed).toEqual([
      { timestamp: "2015-02-26 21:42:53", value: 104 },
      { timestamp: "2015-02-26 21:47:53", value: 100 },
    ]);
    expect(formatScoresCsv(parsed, [0, 1])).toBe(
      "timestamp,anomaly_score\n2015-02-26 21:42:53,0\n2015-02-26 21:47:53,1\n",
    );
    expect(() => parseSeriesCsv("time,count\n1,2\n")).toThrow(/timestamp and value/);
    expect(() => parseSeriesCsv("timestamp,value\n2015-02-26 21:42:53,lots\n")).toThrow(/line 2/);
  });

  it("reads timestamps as UTC unless they carry a zone", () => {
    expect(parseTimestamp("2015-02-26 21:42:53")).toBe(Date.UTC(2015, 1, 26, 21, 42, 53));
    expect(parseTimestamp("2015-02-26T21:42:53+01:00")).toBe(Date.UTC(2015, 1, 26, 20, 42, 53));
    expect(() => parseTimestamp("yesterday")).toThrow(RangeError);
  });
});
