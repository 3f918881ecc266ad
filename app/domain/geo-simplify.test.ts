import type { Feature, FeatureCollection, Polygon, Position } from "geojson";
import { describe, expect, it } from "vitest";
import { usStateRegions } from "~db/reference/us-regions";
import { type RegionGeometry, regionBounds, simplifyRegions } from "./geo-simplify";

type Props = { code: string };

function fc(features: Feature<RegionGeometry, Props>[]): FeatureCollection<RegionGeometry, Props> {
  return { type: "FeatureCollection", features };
}

function polygon(code: string, ...rings: Position[][]): Feature<RegionGeometry, Props> {
  return { type: "Feature", properties: { code }, geometry: { type: "Polygon", coordinates: rings } };
}

/** A border from (0,0) up to (0,10) that wiggles by ±amp degrees around x = 0, with n steps. */
function wigglyBorder(n: number, amp: number): Position[] {
  return Array.from({ length: n + 1 }, (_, i) => [
    i === 0 || i === n ? 0 : amp * Math.sin(i * 1.7),
    (10 * i) / n,
  ]);
}

function ringsOf(g: RegionGeometry): Position[][] {
  return g.type === "Polygon" ? g.coordinates : g.coordinates.flat();
}

function vertexKeys(g: RegionGeometry): Set<string> {
  return new Set(ringsOf(g).flatMap((r) => r.map((p) => `${p[0]},${p[1]}`)));
}

function segmentDistance(p: Position, a: Position, b: Position): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len = dx * dx + dy * dy;
  const t = len === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len));
  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy));
}

function distanceToRing(p: Position, ring: Position[]): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 1; i < ring.length; i++) best = Math.min(best, segmentDistance(p, ring[i - 1], ring[i]));
  return best;
}

// West square: x from -5 to the wiggly border; east square: from the border to x = 5.
const border = wigglyBorder(400, 0.05);
const west = polygon("W", [[-5, 0], ...border, [-5, 10], [-5, 0]]);
const east = polygon("E", [[5, 10], ...[...border].reverse(), [5, 0], [5, 10]]);

describe("simplifyRegions", () => {
  it("rounds, closes every ring and removes the vertices within the tolerance", () => {
    const out = simplifyRegions(fc([west]), { tolerance: 0.1, decimals: 3 });
    const ring = ringsOf(out.features[0].geometry)[0];
    expect(ring[0]).toEqual(ring[ring.length - 1]);
    expect(ring.length).toBeGreaterThanOrEqual(4);
    expect(ring.length).toBeLessThan(border.length / 4);
    for (const [x, y] of ring) {
      expect(Math.round(x * 1000) / 1000).toBe(x);
      expect(Math.round(y * 1000) / 1000).toBe(y);
    }
    // Every original vertex stays within the tolerance (plus the rounding) of the simplified ring.
    for (const p of west.geometry.type === "Polygon" ? west.geometry.coordinates[0] : []) {
      expect(distanceToRing(p, ring)).toBeLessThanOrEqual(0.1 + 0.001);
    }
    expect(out.features[0].properties).toEqual({ code: "W" });
  });

  it("keeps a shared border identical on both sides, so neighbours leave no gap", () => {
    const out = simplifyRegions(fc([west, east]), { tolerance: 0.03 });
    const onBorder = (g: RegionGeometry) =>
      [...vertexKeys(g)].filter((k) => {
        const [x] = k.split(",").map(Number);
        return Math.abs(x) <= 0.06;
      });
    const w = onBorder(out.features[0].geometry).sort();
    const e = onBorder(out.features[1].geometry).sort();
    expect(w.length).toBeGreaterThan(2);
    expect(w.length).toBeLessThan(border.length);
    expect(w).toEqual(e);
  });

  it("simplifies a ring shared whole (an enclave and the hole around it) the same way on both sides", () => {
    const island = Array.from({ length: 200 }, (_, i): Position => {
      const a = (2 * Math.PI * i) / 200;
      const r = 2 + 0.04 * Math.sin(7 * a);
      return [r * Math.cos(a), r * Math.sin(a)];
    });
    const enclave = polygon("IN", [...island, island[0]]);
    const around = polygon(
      "OUT",
      [
        [-5, -5],
        [5, -5],
        [5, 5],
        [-5, 5],
        [-5, -5],
      ],
      [...[...island].reverse(), island[island.length - 1]],
    );
    const out = simplifyRegions(fc([enclave, around]), { tolerance: 0.05 });
    const inner = ringsOf(out.features[0].geometry)[0];
    const hole = ringsOf(out.features[1].geometry)[1];
    expect(inner.length).toBeLessThan(island.length / 2);
    expect(new Set(inner.map(String))).toEqual(new Set(hole.map(String)));
  });

  it("drops rings that collapse but never a whole region", () => {
    const tiny: Position[] = [
      [20, 20],
      [20.001, 20],
      [20.001, 20.001],
      [20, 20.001],
      [20, 20],
    ];
    const withIsland: Feature<RegionGeometry, Props> = {
      type: "Feature",
      properties: { code: "W" },
      geometry: {
        type: "MultiPolygon",
        coordinates: [(west.geometry as Polygon).coordinates, [tiny]],
      },
    };
    const onlyTiny = polygon("T", tiny);
    const out = simplifyRegions(fc([withIsland, onlyTiny]), { tolerance: 0.1 });
    expect(out.features[0].geometry.type).toBe("MultiPolygon");
    expect(ringsOf(out.features[0].geometry)).toHaveLength(1);
    expect(ringsOf(out.features[1].geometry)).toHaveLength(1);
    expect(ringsOf(out.features[1].geometry)[0]).toHaveLength(5);
  });

  it("rejects a tolerance or precision it cannot use", () => {
    expect(() => simplifyRegions(fc([west]), { tolerance: Number.NaN })).toThrow(RangeError);
    expect(() => simplifyRegions(fc([west]), { tolerance: 0.1, decimals: 1.5 })).toThrow(RangeError);
    expect(() => simplifyRegions(fc([west]), { tolerance: 0.1, minArea: -1 })).toThrow(RangeError);
  });

  it("shrinks the 50 states + DC to a size fit for a page, keeping every state and its shape", () => {
    const states = usStateRegions();
    const input = fc(
      states.map((s) => ({
        type: "Feature",
        properties: { code: s.code },
        geometry: s.geometry as RegionGeometry,
      })),
    );
    const before = JSON.stringify(input).length;
    const out = simplifyRegions(input, { tolerance: 0.02 });
    const after = JSON.stringify(out).length;
    expect(before).toBeGreaterThan(400_000);
    expect(after).toBeLessThan(before * 0.3);
    expect(JSON.stringify(simplifyRegions(input, { tolerance: 0.05 })).length).toBeLessThan(after / 2);
    expect(out.features.map((f) => f.properties.code)).toEqual(states.map((s) => s.code));
    // Each state's area changes little (square degrees are fine for a ratio).
    for (let i = 0; i < states.length; i++) {
      const a = Math.abs(area(input.features[i].geometry));
      const b = Math.abs(area(out.features[i].geometry));
      expect(Math.abs(b - a) / a, states[i].code).toBeLessThan(0.05);
    }
    // California and Nevada still share their border vertex for vertex.
    const ca = vertexKeys(out.features[states.findIndex((s) => s.code === "CA")].geometry);
    const nv = vertexKeys(out.features[states.findIndex((s) => s.code === "NV")].geometry);
    expect([...ca].filter((k) => nv.has(k)).length).toBeGreaterThan(3);
  });
});

describe("regionBounds", () => {
  it("is the box around every coordinate", () => {
    expect(regionBounds(fc([west, east]))).toEqual([
      [-5, 0],
      [5, 10],
    ]);
    expect(regionBounds({ type: "FeatureCollection", features: [] })).toBeNull();
  });

  it("reaches across the antimeridian when that is narrower (Alaska, and the whole US with it)", () => {
    const states = usStateRegions();
    const toFc = (codes: string[]) =>
      fc(
        states
          .filter((s) => codes.length === 0 || codes.includes(s.code))
          .map((s) => ({
            type: "Feature",
            properties: { code: s.code },
            geometry: s.geometry as RegionGeometry,
          })),
      );
    const [[w, s], [e, n]] = regionBounds(toFc(["AK"]))!;
    expect(w).toBeLessThan(-180);
    expect(w).toBeGreaterThan(-200);
    expect(e).toBeCloseTo(-130, 0);
    expect(n).toBeGreaterThan(71);
    expect(s).toBeGreaterThan(51);
    const [[uw, us], [ue, un]] = regionBounds(toFc([]))!;
    expect(uw).toBe(w);
    expect(ue).toBeCloseTo(-67, 0);
    expect(us).toBeCloseTo(18.9, 1);
    expect(un).toBe(n);
    const [[cw], [ce]] = regionBounds(toFc(["CA", "NV"]))!;
    expect(cw).toBeCloseTo(-124.4, 1);
    expect(ce).toBeCloseTo(-114, 0);
  });
});

function area(g: RegionGeometry): number {
  const polygons = g.type === "Polygon" ? [g.coordinates] : g.coordinates;
  let sum = 0;
  for (const rings of polygons) {
    rings.forEach((ring, i) => {
      let a = 0;
      for (let k = 0, j = ring.length - 1; k < ring.length; j = k++) {
        a += (ring[j][0] - ring[k][0]) * (ring[j][1] + ring[k][1]);
      }
      sum += (i === 0 ? 1 : -1) * Math.abs(a / 2);
    });
  }
  return sum;
}
