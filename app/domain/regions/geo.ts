import booleanPointInPolygon from "@turf/boolean-point-in-polygon";
import type { Geometry, Polygon, Position } from "geojson";

/**
 * Point-in-region lookup over arbitrary (multi)polygons, with a uniform grid of bounding boxes.
 *
 * Each polygon of each region is a "part" with its own bbox (so Alaska's 137 islands do not make one
 * globe-wide box). The world is cut into CELL° × CELL° cells; each cell lists the parts whose bbox
 * touches it, in region order, and for each whether the whole cell lies inside that part (no edge of
 * the part touches the cell and the cell's centre is inside, by a scanline over the cell rows). A lookup goes to the point's cell,
 * answers at once from an "inside" entry, and runs turf's point-in-polygon only on the parts whose
 * boundary crosses the cell. The first region (in the order given) containing the point wins, which
 * only matters where an organisation's regions overlap. Points on a boundary count as inside.
 *
 * Antimeridian: a ring whose consecutive vertices jump by more than 180° of longitude is taken to cross
 * it; its part is shifted to 0..360° longitude and a point west of 0° is tested at lon + 360.
 */

const CELL = 0.5;
const COLS = Math.round(360 / CELL);
const ROWS = Math.round(180 / CELL);
const EPS = 1e-9;

interface Part {
  region: number;
  polygon: Polygon;
  bbox: [number, number, number, number];
  shifted: boolean;
}

export class GeoIndex {
  private readonly parts: Part[] = [];
  /** CSR layout: cell → [cellStart[c], cellStart[c+1]) in entries. */
  private readonly cellStart: Int32Array;
  /** part index × 2 + (1 if the cell is wholly inside the part). */
  private readonly entries: Int32Array;

  constructor(geometries: Geometry[]) {
    geometries.forEach((geometry, region) => {
      for (const rings of polygonsOf(geometry)) this.addPart(region, rings);
    });
    // (cell, entry) pairs in part order — parts were added in region order, so each cell's entries
    // come out in region order — then laid out by cell with a counting sort.
    const pairCells: number[] = [];
    const pairEntries: number[] = [];
    const boundary = new Int32Array(COLS * ROWS); // cell → 1 + the last part whose edge touched it
    this.parts.forEach((part, p) => {
      markBoundary(part, boundary, p + 1);
      const [c0, r0, c1, r1] = cellRange(part.bbox);
      for (let r = r0; r <= r1; r++) {
        // Where the row's centre line crosses the part's rings, sorted: a cell centre is inside the
        // part when an odd number of crossings lie west of it (the even–odd rule).
        const crossings = rowCrossings(part, -90 + (r + 0.5) * CELL);
        let west = 0;
        for (let c = c0; c <= c1; c++) {
          const cell = r * COLS + wrapCol(c);
          const lon = -180 + (c + 0.5) * CELL;
          while (west < crossings.length && crossings[west] < lon) west++;
          let inside = 0;
          if (boundary[cell] !== p + 1) {
            // No edge touches the cell: it is wholly inside or wholly outside; its centre says which.
            if (west % 2 === 0) continue;
            inside = 1;
          }
          pairCells.push(cell);
          pairEntries.push(p * 2 + inside);
        }
      }
    });
    this.cellStart = new Int32Array(COLS * ROWS + 1);
    for (const cell of pairCells) this.cellStart[cell + 1]++;
    for (let cell = 0; cell < COLS * ROWS; cell++) this.cellStart[cell + 1] += this.cellStart[cell];
    this.entries = new Int32Array(pairCells.length);
    const next = this.cellStart.slice(0, COLS * ROWS);
    for (let i = 0; i < pairCells.length; i++) this.entries[next[pairCells[i]]++] = pairEntries[i];
  }

  get partCount(): number {
    return this.parts.length;
  }

  /** Index of the first region containing (lon, lat), or -1. */
  locate(lon: number, lat: number): number {
    if (!Number.isFinite(lon) || !Number.isFinite(lat) || lat < -90 || lat > 90 || lon < -180 || lon > 180) {
      return -1;
    }
    const col = Math.min(COLS - 1, Math.floor((lon + 180) / CELL));
    const row = Math.min(ROWS - 1, Math.floor((lat + 90) / CELL));
    const cell = row * COLS + col;
    const end = this.cellStart[cell + 1];
    for (let i = this.cellStart[cell]; i < end; i++) {
      const e = this.entries[i];
      const part = this.parts[e >> 1];
      if (e & 1) return part.region;
      const x = part.shifted && lon < 0 ? lon + 360 : lon;
      const [minX, minY, maxX, maxY] = part.bbox;
      if (x < minX || x > maxX || lat < minY || lat > maxY) continue;
      if (booleanPointInPolygon([x, lat], part.polygon)) return part.region;
    }
    return -1;
  }

  private addPart(region: number, rings: Position[][]): void {
    if (rings.length === 0 || rings[0].length < 4) return;
    const shifted = rings.some(crossesAntimeridian);
    const coordinates = shifted ? rings.map((ring) => ring.map(([x, y]) => [x < 0 ? x + 360 : x, y])) : rings;
    let minX = Number.POSITIVE_INFINITY;
    let minY = Number.POSITIVE_INFINITY;
    let maxX = Number.NEGATIVE_INFINITY;
    let maxY = Number.NEGATIVE_INFINITY;
    for (const [x, y] of coordinates[0]) {
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    this.parts.push({
      region,
      polygon: { type: "Polygon", coordinates },
      bbox: [minX, minY, maxX, maxY],
      shifted,
    });
  }
}

function polygonsOf(geometry: Geometry): Position[][][] {
  switch (geometry.type) {
    case "Polygon":
      return [geometry.coordinates];
    case "MultiPolygon":
      return geometry.coordinates;
    case "GeometryCollection":
      return geometry.geometries.flatMap(polygonsOf);
    default:
      return []; // points and lines enclose nothing
  }
}

function crossesAntimeridian(ring: Position[]): boolean {
  for (let i = 1; i < ring.length; i++) {
    if (Math.abs(ring[i][0] - ring[i - 1][0]) > 180) return true;
  }
  return false;
}

function wrapCol(c: number): number {
  return ((c % COLS) + COLS) % COLS;
}

/** Cells (column unwrapped, so shifted parts may run past 180°) covering a bbox. */
function cellRange(b: [number, number, number, number]): [number, number, number, number] {
  return [
    Math.floor((b[0] + 180 - EPS) / CELL),
    Math.max(0, Math.floor((b[1] + 90 - EPS) / CELL)),
    Math.floor((b[2] + 180 + EPS) / CELL),
    Math.min(ROWS - 1, Math.floor((b[3] + 90 + EPS) / CELL)),
  ];
}

/** Longitudes where the horizontal line at `lat` crosses the part's edges, ascending. */
function rowCrossings(part: Part, lat: number): number[] {
  const xs: number[] = [];
  for (const ring of part.polygon.coordinates) {
    for (let i = 1; i < ring.length; i++) {
      const [x0, y0] = ring[i - 1];
      const [x1, y1] = ring[i];
      if (y0 > lat !== y1 > lat) xs.push(x0 + ((lat - y0) * (x1 - x0)) / (y1 - y0));
    }
  }
  return xs.sort((a, b) => a - b);
}

/** Stamp every cell that an edge of the part touches (conservatively: the cells of each edge's bbox). */
function markBoundary(part: Part, cells: Int32Array, stamp: number): void {
  for (const ring of part.polygon.coordinates) {
    for (let i = 1; i < ring.length; i++) {
      const [x0, y0] = ring[i - 1];
      const [x1, y1] = ring[i];
      const [c0, r0, c1, r1] = cellRange([
        Math.min(x0, x1),
        Math.min(y0, y1),
        Math.max(x0, x1),
        Math.max(y0, y1),
      ]);
      for (let r = r0; r <= r1; r++) {
        for (let c = c0; c <= c1; c++) cells[r * COLS + wrapCol(c)] = stamp;
      }
    }
  }
}
