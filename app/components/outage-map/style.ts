/**
 * The outage map's data and look, the same for both renderers: the score classes and their colours, the
 * regions and complaint points as GeoJSON, and the fully offline style (two GeoJSON sources, fill / line
 * / circle layers; no tiles, glyphs or sprites). Pure functions, no React and no map library.
 */
import type { Feature, FeatureCollection, Geometry, Point } from "geojson";

export interface RegionProperties {
  /** Region code, e.g. a USPS state code: what `scores`, `selectedRegion` and the callback use. */
  code: string;
  name: string;
}

export interface ComplaintPoint {
  lat: number;
  lon: number;
  id?: string | number;
}

/** The score colour scale (light to dark), no-score grey and the other colours of the style. */
export const SCORE_COLOURS = ["#fdd49e", "#fdbb84", "#fc8d59", "#e34a33", "#b30000"] as const;
export const NO_SCORE_COLOUR = "#d9dee5";
export const BACKGROUND_COLOUR = "#eef3f8";
export const SELECTED_OUTLINE_COLOUR = "#111827";
/** Cluster fill by size: fewer than 10, 10–49, 50–199, 200 or more complaints. */
export const CLUSTER_COLOURS = ["#60a5fa", "#2563eb", "#1e40af", "#172554"] as const;
const CLUSTER_STEPS = [10, 50, 200] as const;
export const POINT_COLOUR = "#1d4ed8";

const REGIONS_SOURCE = "regions";
export const POINTS_SOURCE = "complaints";
export const REGION_FILL_LAYER = "regions-fill";

// ---------------------------------------------------------------------------------------------------
// Score classes

export interface ScoreScale {
  breaks: number[];
  colourOf(score: number | undefined): string;
  /** One legend entry per colour, e.g. "< 8.4", "8.4–16.8", "≥ 33.6". */
  legend: { colour: string; label: string }[];
}

export function scoreScale(scores: Record<string, number>, breaks?: number[]): ScoreScale {
  let b: number[];
  if (breaks) {
    b = breaks.slice(0, SCORE_COLOURS.length - 1);
    if (b.some((v, i) => !Number.isFinite(v) || (i > 0 && v <= b[i - 1]))) {
      throw new RangeError("scoreBreaks must be finite and ascending");
    }
  } else {
    const max = Math.max(0, ...Object.values(scores).filter(Number.isFinite));
    b = max > 0 ? [0.2, 0.4, 0.6, 0.8].map((f) => round1(max * f)) : [];
    b = b.filter((v, i) => i === 0 || v > b[i - 1]);
  }
  const colours = SCORE_COLOURS.slice(SCORE_COLOURS.length - b.length - 1);
  const fmt = (v: number) => v.toLocaleString(undefined, { maximumFractionDigits: 1 });
  const legend = colours.map((colour, i) => ({
    colour,
    label:
      b.length === 0
        ? "any score"
        : i === 0
          ? `< ${fmt(b[0])}`
          : i === b.length
            ? `≥ ${fmt(b[i - 1])}`
            : `${fmt(b[i - 1])}–${fmt(b[i])}`,
  }));
  return {
    breaks: b,
    legend,
    colourOf(score) {
      if (score === undefined || !Number.isFinite(score)) return NO_SCORE_COLOUR;
      let i = 0;
      while (i < b.length && score >= b[i]) i++;
      return colours[i];
    },
  };
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

// ---------------------------------------------------------------------------------------------------
// The offline style

export interface RegionFeatureProps extends RegionProperties {
  fill: string;
  score: number | null;
}

export function regionData(
  regions: FeatureCollection<Geometry | null, RegionProperties>,
  scores: Record<string, number>,
  scale: ScoreScale,
): FeatureCollection<Geometry, RegionFeatureProps> {
  return {
    type: "FeatureCollection",
    features: regions.features
      .filter((f): f is Feature<Geometry, RegionProperties> => f.geometry !== null)
      .map((f) => {
        const score = scores[f.properties.code];
        return {
          type: "Feature",
          geometry: f.geometry,
          properties: {
            code: f.properties.code,
            name: f.properties.name,
            score: Number.isFinite(score) ? score : null,
            fill: scale.colourOf(score),
          },
        };
      }),
  };
}

export function pointData(
  points: ComplaintPoint[],
): FeatureCollection<Point, { id: string | number | null }> {
  return {
    type: "FeatureCollection",
    features: points
      .filter((p) => Number.isFinite(p.lat) && Number.isFinite(p.lon))
      .map((p) => ({
        type: "Feature",
        geometry: { type: "Point", coordinates: [p.lon, p.lat] },
        properties: { id: p.id ?? null },
      })),
  };
}

/** A style (spec version 8) both libraries draw without a network: no glyphs, sprite or tiles. */
export function offlineStyle(
  regions: FeatureCollection<Geometry, RegionFeatureProps>,
  points: FeatureCollection<Point>,
  selected: string | null,
) {
  const isSelected = ["==", ["get", "code"], selected ?? ""];
  return {
    version: 8 as const,
    name: "Clarion offline",
    sources: {
      [REGIONS_SOURCE]: {
        type: "geojson" as const,
        data: regions,
        attribution: "Boundaries: US Census Bureau",
      },
      [POINTS_SOURCE]: {
        type: "geojson" as const,
        data: points,
        cluster: true,
        clusterRadius: 44,
        clusterMaxZoom: 11,
      },
    },
    layers: [
      { id: "background", type: "background", paint: { "background-color": BACKGROUND_COLOUR } },
      {
        id: REGION_FILL_LAYER,
        type: "fill",
        source: REGIONS_SOURCE,
        paint: {
          "fill-color": ["get", "fill"],
          "fill-opacity": selected ? ["case", isSelected, 1, 0.45] : 1,
        },
      },
      {
        id: "regions-outline",
        type: "line",
        source: REGIONS_SOURCE,
        paint: { "line-color": "#ffffff", "line-width": 0.8 },
      },
      {
        id: "regions-selected",
        type: "line",
        source: REGIONS_SOURCE,
        filter: isSelected,
        paint: { "line-color": SELECTED_OUTLINE_COLOUR, "line-width": 2.5 },
      },
      {
        id: "complaint-points",
        type: "circle",
        source: POINTS_SOURCE,
        filter: ["!", ["has", "point_count"]],
        paint: {
          "circle-color": POINT_COLOUR,
          "circle-radius": 4,
          "circle-stroke-color": "#ffffff",
          "circle-stroke-width": 1,
        },
      },
      {
        id: "complaint-clusters",
        type: "circle",
        source: POINTS_SOURCE,
        filter: ["has", "point_count"],
        paint: {
          "circle-color": [
            "step",
            ["get", "point_count"],
            CLUSTER_COLOURS[0],
            CLUSTER_STEPS[0],
            CLUSTER_COLOURS[1],
            CLUSTER_STEPS[1],
            CLUSTER_COLOURS[2],
            CLUSTER_STEPS[2],
            CLUSTER_COLOURS[3],
          ],
          "circle-radius": ["step", ["get", "point_count"], 12, 10, 16, 50, 21, 200, 27],
          "circle-stroke-color": "#ffffff",
          "circle-stroke-width": 2,
        },
      },
    ],
  };
}
