/**
 * Region polygons made small enough to send to the browser, and the bounds to fit a map to them.
 *
 *   simplifyRegions(fc, { tolerance, decimals? }) → the same features, coordinates rounded to `decimals`
 *     places and lines simplified (Douglas–Peucker) to within `tolerance` degrees, keeping shared borders
 *     shared: a border between two regions is simplified once, the same way on both sides, so
 *     neighbouring regions neither overlap nor leave slivers between them.
 *   regionBounds(fc) → [[west, south], [east, north]] of every coordinate, across the antimeridian when
 *     that is narrower (Alaska's Aleutians lie on both sides of 180°: west is then below −180).
 *
 * How borders stay shared (the idea behind TopoJSON's arcs, done on plain GeoJSON): after rounding, a
 * vertex where rings stop running together — one that two rings share but reach from different
 * neighbours — is a *junction*. Every ring is cut at its junctions, and each piece is simplified with its
 * ends fixed; two regions that share a border hold the same piece (one reversed), and Douglas–Peucker picks
 * the same points on a piece whichever way it runs (ties are broken by coordinates, not by position).
 * A ring with no junction (an island, or a ring shared whole) is cut at its smallest coordinate and at
 * the vertex farthest from it, so the same ring simplifies the same way from either side.
 *
 * Rings smaller than `minArea`, or that simplify to fewer than three distinct points, are dropped (islets
 * and small lakes); a region never disappears: if every polygon of a feature would go, its largest one is
 * kept as rounded.
 */
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from "geojson";

export type RegionGeometry = Polygon | MultiPolygon;

export interface SimplifyOptions {
  /** Largest distance, in degrees, a simplified border may stray from the original (0.01° ≈ 1 km). */
  tolerance: number;
  /** Decimal places kept (default 3, ≈ 100 m): rounding alone shrinks the JSON by half. */
  decimals?: number;
  /**
   * Rings enclosing less than this many square degrees are dropped (islets, small lakes). Default: the
   * tolerance squared, a square whose side is the tolerance.
   */
  minArea?: number;
}

export type LngLatBounds = [[number, number], [number, number]];

type Ring = Position[];

export function simplifyRegions<P>(
  fc: FeatureCollection<RegionGeometry, P>,
  options: SimplifyOptions,
): FeatureCollection<RegionGeometry, P> {
  const { tolerance } = options;
  const decimals = options.decimals ?? 3;
  if (!(tolerance >= 0)) throw new RangeError("tolerance must be a number ≥ 0");
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 10) {
    throw new RangeError("decimals must be an integer from 0 to 10");
  }
  const minArea = options.minArea ?? tolerance * tolerance;
  if (!(minArea >= 0)) throw new RangeError("minArea must be a number ≥ 0");
  const scale = 10 ** decimals;
  const round = (v: number) => Math.round(v * scale) / scale;

  // Every feature as polygons of rounded rings (open: the closing vertex is implied).
  const features = fc.features.map((f) => ({
    feature: f,
    polygons: polygonsOf(f.geometry).map((rings) =>
      rings.map((ring) => openRing(ring.map((p) => [round(p[0]), round(p[1])]))),
    ),
  }));

  const junctions = findJunctions(features.flatMap((f) => f.polygons.flat()));
  const toleranceSq = tolerance * tolerance;
  const cache = new Map<string, Ring>();
  const simplify = (ring: Ring) => simplifyRing(ring, junctions, toleranceSq, cache);
  const large = (ring: Ring) => distinctCount(ring) >= 3 && Math.abs(ringArea(ring)) >= minArea;

  return {
    ...fc,
    features: features.map(({ feature, polygons }): Feature<RegionGeometry, P> => {
      const kept: Ring[][] = [];
      for (const rings of polygons) {
        if (rings.length === 0 || !large(rings[0])) continue;
        const outer = simplify(rings[0]);
        if (!large(outer)) continue;
        const holes = rings.slice(1).filter(large).map(simplify).filter(large);
        kept.push([outer, ...holes].map(closeRing));
      }
      if (kept.length === 0) {
        // Never lose a region: keep its largest polygon as rounded, unsimplified.
        const largest = polygons
          .filter((rings) => rings.length > 0 && distinctCount(rings[0]) >= 3)
          .sort((a, b) => Math.abs(ringArea(b[0])) - Math.abs(ringArea(a[0])))[0];
        if (largest) kept.push([closeRing(largest[0])]);
      }
      const geometry: RegionGeometry =
        kept.length === 1 && feature.geometry.type === "Polygon"
          ? { type: "Polygon", coordinates: kept[0] }
          : { type: "MultiPolygon", coordinates: kept };
      return { ...feature, geometry };
    }),
  };
}

/**
 * Bounds of every coordinate of the collection; null when it has none. When the collection reaches
 * across the antimeridian (its widest gap in longitude is not the one around ±180°), west is given below
 * −180 so that west < east, which is what map libraries' fitBounds expect.
 */
export function regionBounds(fc: FeatureCollection<RegionGeometry | null>): LngLatBounds | null {
  const lons: number[] = [];
  let south = Number.POSITIVE_INFINITY;
  let north = Number.NEGATIVE_INFINITY;
  for (const f of fc.features) {
    if (!f.geometry) continue;
    for (const rings of polygonsOf(f.geometry)) {
      for (const ring of rings) {
        for (const [lon, lat] of ring) {
          lons.push(normaliseLon(lon));
          if (lat < south) south = lat;
          if (lat > north) north = lat;
        }
      }
    }
  }
  if (lons.length === 0) return null;
  lons.sort((a, b) => a - b);
  // The widest gap between longitudes next to each other around the circle is the part outside the
  // bounds; the wrap-around gap (east end back to west end) is the usual case.
  let gap = lons[0] + 360 - lons[lons.length - 1];
  let west = lons[0];
  let east = lons[lons.length - 1];
  for (let i = 1; i < lons.length; i++) {
    const d = lons[i] - lons[i - 1];
    if (d > gap) {
      gap = d;
      west = lons[i] - 360;
      east = lons[i - 1];
    }
  }
  return [
    [west, south],
    [east, north],
  ];
}

function normaliseLon(lon: number): number {
  return ((((lon + 180) % 360) + 360) % 360) - 180;
}

function polygonsOf(geometry: RegionGeometry): Ring[][] {
  return geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
}

/** Drops consecutive repeats and the closing vertex. */
function openRing(ring: Ring): Ring {
  const out: Ring = [];
  for (const p of ring) {
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  while (out.length > 1 && samePoint(out[0], out[out.length - 1])) out.pop();
  return out;
}

function closeRing(ring: Ring): Ring {
  return [...ring, ring[0]];
}

function samePoint(a: Position, b: Position): boolean {
  return a[0] === b[0] && a[1] === b[1];
}

function keyOf(p: Position): string {
  return `${p[0]},${p[1]}`;
}

function distinctCount(ring: Ring): number {
  return new Set(ring.map(keyOf)).size;
}

/** Shoelace area in square degrees (sign gives the winding); only compared, never shown. */
function ringArea(ring: Ring): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    sum += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  }
  return sum / 2;
}

/**
 * Vertices where shared borders begin or end: seen more than once, with a different pair of neighbours
 * at some sighting (a vertex inside a shared border has the same two neighbours on both sides).
 */
function findJunctions(rings: Ring[]): Set<string> {
  const firstNeighbours = new Map<string, string>();
  const junctions = new Set<string>();
  for (const ring of rings) {
    const n = ring.length;
    for (let i = 0; i < n; i++) {
      const key = keyOf(ring[i]);
      if (junctions.has(key)) continue;
      const a = keyOf(ring[(i - 1 + n) % n]);
      const b = keyOf(ring[(i + 1) % n]);
      const pair = a < b ? `${a}|${b}` : `${b}|${a}`;
      const seen = firstNeighbours.get(key);
      if (seen === undefined) firstNeighbours.set(key, pair);
      else if (seen !== pair) junctions.add(key);
    }
  }
  return junctions;
}

/** An open ring, simplified piece by piece between its fixed vertices. */
function simplifyRing(
  ring: Ring,
  junctions: Set<string>,
  toleranceSq: number,
  cache: Map<string, Ring>,
): Ring {
  const n = ring.length;
  let cuts: number[] = [];
  for (let i = 0; i < n; i++) if (junctions.has(keyOf(ring[i]))) cuts.push(i);
  if (cuts.length === 0) {
    // No junction: cut at the smallest vertex and the one farthest from it (the same for either winding).
    let start = 0;
    for (let i = 1; i < n; i++) if (compare(ring[i], ring[start]) < 0) start = i;
    let far = start;
    let best = -1;
    for (let i = 0; i < n; i++) {
      const d = distSq(ring[i], ring[start]);
      if (d > best || (d === best && compare(ring[i], ring[far]) < 0)) {
        best = d;
        far = i;
      }
    }
    cuts = far === start ? [start] : [start, far].sort((a, b) => a - b);
  }
  const out: Ring = [];
  for (let c = 0; c < cuts.length; c++) {
    const from = cuts[c];
    const to = c + 1 < cuts.length ? cuts[c + 1] : cuts[0] + n;
    const piece: Ring = [];
    for (let i = from; i <= to; i++) piece.push(ring[i % n]);
    const simplified = simplifyPiece(piece, toleranceSq, cache);
    out.push(...simplified.slice(0, -1)); // the end is the next piece's start
  }
  return out;
}

/** Douglas–Peucker with both ends kept; a piece and its reverse give the same points (memoised). */
function simplifyPiece(piece: Ring, toleranceSq: number, cache: Map<string, Ring>): Ring {
  if (piece.length <= 2) return piece;
  const forwardKey = `${keyOf(piece[0])};${keyOf(piece[1])};${keyOf(piece[piece.length - 1])};${piece.length}`;
  const cached = cache.get(forwardKey);
  if (cached) return cached;
  const reverseKey = `${keyOf(piece[piece.length - 1])};${keyOf(piece[piece.length - 2])};${keyOf(piece[0])};${piece.length}`;
  const keep = new Uint8Array(piece.length);
  keep[0] = 1;
  keep[piece.length - 1] = 1;
  const stack: [number, number][] = [[0, piece.length - 1]];
  while (stack.length > 0) {
    const [a, b] = stack.pop()!;
    let index = -1;
    let max = toleranceSq;
    for (let i = a + 1; i < b; i++) {
      const d = segmentDistSq(piece[i], piece[a], piece[b]);
      if (d > max || (index >= 0 && d === max && compare(piece[i], piece[index]) < 0)) {
        max = d;
        index = i;
      }
    }
    if (index >= 0) {
      keep[index] = 1;
      stack.push([a, index], [index, b]);
    }
  }
  const result = piece.filter((_, i) => keep[i] === 1);
  cache.set(forwardKey, result);
  cache.set(reverseKey, [...result].reverse());
  return result;
}

function compare(a: Position, b: Position): number {
  return a[0] - b[0] || a[1] - b[1];
}

function distSq(a: Position, b: Position): number {
  const dx = a[0] - b[0];
  const dy = a[1] - b[1];
  return dx * dx + dy * dy;
}

function segmentDistSq(p: Position, a: Position, b: Position): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len = dx * dx + dy * dy;
  if (len === 0) return distSq(p, a);
  const t = Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len));
  return distSq(p, [a[0] + t * dx, a[1] + t * dy]);
}
