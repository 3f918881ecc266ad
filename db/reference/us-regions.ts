import { createRequire } from "node:module";
import bboxOf from "@turf/bbox";
import centroidOf from "@turf/centroid";
import type { Feature, Geometry } from "geojson";
import { feature, neighbors } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import { US_STATE_BY_FIPS } from "./us-states";

export interface RegionSeed {
  code: string;
  name: string;
  externalId: string;
  geometry: Geometry;
  bbox: [number, number, number, number];
  centroidLat: number;
  centroidLon: number;
  neighbours: string[];
  population: number;
  timeZones: string[];
}

let cached: RegionSeed[] | null = null;

/**
 * The 50 states + DC from us-atlas (Census cartographic boundaries, 1:10m), converted from TopoJSON to
 * GeoJSON. Neighbours are states whose polygons share an arc: a shared border, as TopoJSON encodes it.
 */
export function usStateRegions(): RegionSeed[] {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const topology = require("us-atlas/states-10m.json") as Topology<{
    states: GeometryCollection<{ name: string }>;
  }>;
  const geometries = topology.objects.states.geometries;
  const adjacency = neighbors(geometries as never);
  const regions: RegionSeed[] = [];
  geometries.forEach((geom, index) => {
    const info = US_STATE_BY_FIPS.get(String(geom.id));
    if (!info) return; // territories (PR, GU, VI, AS, MP) are not default regions
    const f = feature(topology, geom) as Feature;
    const [lon, lat] = centroidOf(f).geometry.coordinates;
    const neighbours = adjacency[index]
      .map((i) => US_STATE_BY_FIPS.get(String(geometries[i].id))?.code)
      // us-atlas has Oregon touching itself (two of its arcs meet): a region is not its own neighbour.
      .filter((code): code is string => Boolean(code) && code !== info.code)
      .sort();
    regions.push({
      code: info.code,
      name: info.name,
      externalId: info.fips,
      geometry: f.geometry,
      bbox: bboxOf(f) as [number, number, number, number],
      centroidLat: lat,
      centroidLon: lon,
      neighbours,
      population: info.population,
      timeZones: info.timeZones,
    });
  });
  cached = regions.sort((a, b) => a.code.localeCompare(b.code));
  return cached;
}
