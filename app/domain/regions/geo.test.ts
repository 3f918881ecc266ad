import booleanPointInPolygon from "@turf/boolean-point-in-polygon";
import type { Geometry } from "geojson";
import { describe, expect, it } from "vitest";
import { usStateRegions } from "~db/reference/us-regions";
import { GeoIndex } from "./geo";

const box = (x0: number, y0: number, x1: number, y1: number): Geometry => ({
  type: "Polygon",
  coordinates: [
    [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ],
  ],
});

describe("GeoIndex", () => {
  it("matches brute-force point-in-polygon over the states on a dense grid of points", () => {
    const states = usStateRegions();
    const index = new GeoIndex(states.map((s) => s.geometry));
    let checked = 0;
    let inside = 0;
    // A deterministic grid over the US, Alaska and Hawaii, offset so points avoid cell corners.
    for (let lat = 18.013; lat < 72; lat += 0.37) {
      for (let lon = -179.97; lon < 180; lon += lat > 50 || lat < 25 ? 0.61 : 0.29) {
        if (lon > -60 && lon < 170) continue;
        const expected = states.findIndex((s) => booleanPointInPolygon([lon, lat], s.geometry as never));
        expect(index.locate(lon, lat), `${lat},${lon}`).toBe(expected);
        checked++;
        if (expected >= 0) inside++;
      }
    }
    expect(checked).toBeGreaterThan(10_000);
    expect(inside).toBeGreaterThan(1_000);
  });

  it("handles holes", () => {
    const donut: Geometry = {
      type: "Polygon",
      coordinates: [
        [
          [0, 0],
          [10, 0],
          [10, 10],
          [0, 10],
          [0, 0],
        ],
        [
          [4, 4],
          [6, 4],
          [6, 6],
          [4, 6],
          [4, 4],
        ],
      ],
    };
    const index = new GeoIndex([donut]);
    expect(index.locate(2, 2)).toBe(0);
    expect(index.locate(5, 5)).toBe(-1);
    expect(index.locate(8.9, 8.1)).toBe(0);
    expect(index.locate(11, 5)).toBe(-1);
  });

  it("handles a ring that crosses the antimeridian", () => {
    // 170°E → 170°W across 180°, as a service area around the date line could be drawn.
    const dateLine: Geometry = {
      type: "Polygon",
      coordinates: [
        [
          [170, 50],
          [-170, 50],
          [-170, 55],
          [170, 55],
          [170, 50],
        ],
      ],
    };
    const index = new GeoIndex([box(-10, -10, 10, 10), dateLine]);
    expect(index.locate(179.5, 52)).toBe(1);
    expect(index.locate(-179.5, 52)).toBe(1);
    expect(index.locate(180, 52)).toBe(1);
    expect(index.locate(-171, 54.9)).toBe(1);
    expect(index.locate(-169, 52)).toBe(-1);
    expect(index.locate(169, 52)).toBe(-1);
    expect(index.locate(0, 52)).toBe(-1);
    expect(index.locate(0, 0)).toBe(0);
  });

  it("returns the first region in the given order where regions overlap", () => {
    const index = new GeoIndex([box(0, 0, 10, 10), box(5, 5, 15, 15)]);
    expect(index.locate(7, 7)).toBe(0);
    expect(index.locate(12, 12)).toBe(1);
    const reversed = new GeoIndex([box(5, 5, 15, 15), box(0, 0, 10, 10)]);
    expect(reversed.locate(7, 7)).toBe(0);
  });

  it("counts a point on a boundary as inside, and rejects impossible coordinates", () => {
    const index = new GeoIndex([box(0, 0, 10, 10)]);
    expect(index.locate(10, 5)).toBe(0);
    expect(index.locate(0, 0)).toBe(0);
    expect(index.locate(Number.NaN, 5)).toBe(-1);
    expect(index.locate(200, 5)).toBe(-1);
    expect(index.locate(5, -95)).toBe(-1);
  });

  it("ignores geometries that enclose nothing", () => {
    const index = new GeoIndex([{ type: "Point", coordinates: [1, 1] }, box(0, 0, 2, 2)]);
    expect(index.locate(1, 1)).toBe(1);
  });
});
