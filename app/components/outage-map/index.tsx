/**
 * The outage map: region polygons shaded by spike score, complaint points clustered, click a region to
 * select it. Presentational only: everything arrives in props.
 *
 * Renderer (docs/decisions/003-map-renderer.md): mapbox-gl when a Mapbox token is given, maplibre-gl
 * otherwise, both through react-map-gl. The map libraries touch `window`, so the server renders a
 * placeholder of the same size and the browser loads the chosen library with a dynamic `import()` after
 * hydration: a page downloads one of the two libraries, never both, and only pages with a map pay for it.
 *
 * The style is built here from the props, the same for both libraries, and is fully offline: two GeoJSON
 * sources (the regions, the complaint points with `cluster: true`) and fill / line / circle layers. No
 * tiles, no glyphs, no sprites: nothing is fetched. Without a glyph server a map cannot draw text, so
 * cluster sizes are drawn as circles that grow and darken with the count, and the count itself is an HTML
 * label (a react-map-gl Marker) over each cluster, placed from the clustered source after each render.
 * Mapbox draws the same style rather than a Mapbox basemap: the two renderers then show the same map, and
 * the map never depends on Mapbox's styles or fonts (a basemap underneath could be added later).
 *
 * Styles: `links()` gives MapLibre's stylesheet (the offline default) for the route's `links`; the
 * component also makes sure the stylesheet of the library it loads is in the document before the map
 * starts (adding Mapbox's when a token is set), so a route that forgets `links()` still works.
 *
 * Parts: `style.ts` (score classes, GeoJSON, the offline style: pure), `renderer.ts` (loading a map
 * library in the browser), `map-view.tsx` (the drawn map and its count labels), `legend.tsx`.
 */
import type { FeatureCollection, Geometry } from "geojson";
import maplibreStylesheet from "maplibre-gl/dist/maplibre-gl.css";
import { useEffect, useMemo, useState } from "react";
import { type RegionGeometry, regionBounds } from "~/domain/geo-simplify";
import { MapLegend } from "./legend";
import { MapView } from "./map-view";
import { loadRenderer, type Renderer, type RendererKind } from "./renderer";
import {
  BACKGROUND_COLOUR,
  type ComplaintPoint,
  offlineStyle,
  pointData,
  type RegionProperties,
  regionData,
  scoreScale,
} from "./style";

export {
  BACKGROUND_COLOUR,
  CLUSTER_COLOURS,
  type ComplaintPoint,
  NO_SCORE_COLOUR,
  offlineStyle,
  type RegionProperties,
  SCORE_COLOURS,
  type ScoreScale,
  SELECTED_OUTLINE_COLOUR,
  scoreScale,
} from "./style";

export interface OutageMapProps {
  /** Region polygons to draw (and to fit the view to); send them simplified (see `simplifyRegions`). */
  regions: FeatureCollection<Geometry | null, RegionProperties>;
  /** Spike score per region code; regions without one are drawn in a neutral grey. */
  scores: Record<string, number>;
  /**
   * Upper bounds of the lower score classes, ascending (up to 4; five colours in all). Default: four
   * equal steps from 0 to the highest score shown, so the worst region always has the darkest colour.
   */
  scoreBreaks?: number[];
  /**
   * Region codes the view fits to when the map opens (and when this set changes). Default: the regions
   * with a score, or every region when none has one; other regions still draw around them.
   */
  fitRegions?: string[];
  /** Complaint locations, clustered on the map. */
  points?: ComplaintPoint[];
  /** The selected region's code: outlined, the other regions faded. */
  selectedRegion?: string | null;
  /**
   * Called with the code of the region clicked (or chosen in the region menu), or null when the
   * selected region or empty map is clicked. Without it regions are not clickable.
   */
  onRegionClick?: (code: string | null) => void;
  /** A public Mapbox token (`pk.…`): draws with mapbox-gl. Without one, maplibre-gl, fully offline. */
  mapboxToken?: string | null;
  /** Height of the map (CSS length or pixels). Default 420. */
  height?: number | string;
  /** Accessible name of the map. */
  label?: string;
}

/** Route `links`: MapLibre's stylesheet (the offline renderer); Mapbox's is added when it is used. */
export function links() {
  return [{ rel: "stylesheet", href: maplibreStylesheet }];
}

const NO_POINTS: ComplaintPoint[] = [];

export function OutageMap({
  regions,
  scores,
  scoreBreaks,
  fitRegions,
  points = NO_POINTS,
  selectedRegion = null,
  onRegionClick,
  mapboxToken = null,
  height = 420,
  label = "Map of affected regions, shaded by spike score, with complaint clusters",
}: OutageMapProps) {
  const kind: RendererKind = mapboxToken ? "mapbox" : "maplibre";
  const [renderer, setRenderer] = useState<Renderer | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [drawn, setDrawn] = useState(false);

  useEffect(() => {
    let live = true;
    setRenderer(null);
    setDrawn(false);
    setFailure(null);
    loadRenderer(kind).then(
      (r) => live && setRenderer(r),
      (error: unknown) => {
        console.error(error);
        if (live) setFailure(error instanceof Error ? error.message : String(error));
      },
    );
    return () => {
      live = false;
    };
  }, [kind]);

  // Keyed by value, so an inline array does not rebuild the style on every render.
  const breaksKey = scoreBreaks ? JSON.stringify(scoreBreaks) : undefined;
  const scale = useMemo(
    () => scoreScale(scores, breaksKey === undefined ? undefined : (JSON.parse(breaksKey) as number[])),
    [scores, breaksKey],
  );
  const regionFc = useMemo(() => regionData(regions, scores, scale), [regions, scores, scale]);
  const pointFc = useMemo(() => pointData(points), [points]);
  const mapStyle = useMemo(
    () => offlineStyle(regionFc, pointFc, selectedRegion),
    [regionFc, pointFc, selectedRegion],
  );
  const fitKey = fitRegions?.length ? fitRegions.join(",") : undefined;
  const bounds = useMemo(() => {
    const codes = fitKey !== undefined ? new Set(fitKey.split(",")) : null;
    const scored = regionFc.features.filter((f) => f.properties.score !== null);
    const chosen = codes ? regionFc.features.filter((f) => codes.has(f.properties.code)) : scored;
    const fit = chosen.length > 0 ? chosen : regionFc.features;
    return regionBounds({ type: "FeatureCollection", features: fit } as FeatureCollection<RegionGeometry>);
  }, [regionFc, fitKey]);

  const state = failure ? "error" : renderer && drawn ? "ready" : "loading";
  const legendRegions = useMemo(() => regionFc.features.map((f) => f.properties), [regionFc]);

  return (
    <figure
      className="outage-map"
      aria-label={label}
      data-testid="outage-map"
      data-renderer={kind}
      data-state={state}
      style={{ margin: 0 }}
    >
      <div
        className="outage-map-canvas"
        style={{
          position: "relative",
          height,
          background: BACKGROUND_COLOUR,
          borderRadius: 6,
          overflow: "hidden",
        }}
      >
        {renderer ? (
          <MapView
            renderer={renderer}
            token={mapboxToken}
            mapStyle={mapStyle}
            bounds={bounds}
            selectedRegion={selectedRegion}
            onRegionClick={onRegionClick}
            onDrawn={() => setDrawn(true)}
            onFailure={setFailure}
          />
        ) : (
          <div
            className="outage-map-placeholder"
            style={{ display: "grid", placeItems: "center", height: "100%", color: "#5b6673" }}
          >
            {failure ? null : "Loading map…"}
          </div>
        )}
        {failure ? (
          <div
            role="alert"
            className="outage-map-error"
            style={{
              position: "absolute",
              inset: "0 0 auto 0",
              padding: "0.5rem 0.75rem",
              background: "#fef2f2",
              color: "#b91c1c",
              fontSize: "0.85rem",
            }}
          >
            The map could not be drawn: {failure}
          </div>
        ) : null}
      </div>
      <MapLegend
        scale={scale}
        regions={legendRegions}
        selectedRegion={selectedRegion}
        onRegionClick={onRegionClick}
      />
    </figure>
  );
}
