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
 */
import type { Feature, FeatureCollection, Geometry, Point } from "geojson";
import mapboxStylesheet from "mapbox-gl/dist/mapbox-gl.css";
import maplibreStylesheet from "maplibre-gl/dist/maplibre-gl.css";
import {
  type ComponentType,
  type CSSProperties,
  type ReactNode,
  useCallback,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
} from "react";
import { type LngLatBounds, type RegionGeometry, regionBounds } from "~/domain/geo-simplify";

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

type RendererKind = "mapbox" | "maplibre";

/** The score colour scale (light to dark), no-score grey and the other colours of the style. */
export const SCORE_COLOURS = ["#fdd49e", "#fdbb84", "#fc8d59", "#e34a33", "#b30000"] as const;
export const NO_SCORE_COLOUR = "#d9dee5";
export const BACKGROUND_COLOUR = "#eef3f8";
export const SELECTED_OUTLINE_COLOUR = "#111827";
/** Cluster fill by size: fewer than 10, 10–49, 50–199, 200 or more complaints. */
export const CLUSTER_COLOURS = ["#60a5fa", "#2563eb", "#1e40af", "#172554"] as const;
const CLUSTER_STEPS = [10, 50, 200] as const;
const POINT_COLOUR = "#1d4ed8";

const REGIONS_SOURCE = "regions";
const POINTS_SOURCE = "complaints";
const REGION_FILL_LAYER = "regions-fill";
const MAX_COUNT_LABELS = 300;

/** Route `links`: MapLibre's stylesheet (the offline renderer); Mapbox's is added when it is used. */
export function links() {
  return [{ rel: "stylesheet", href: maplibreStylesheet }];
}

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

interface RegionFeatureProps extends RegionProperties {
  fill: string;
  score: number | null;
}

function regionData(
  regions: OutageMapProps["regions"],
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

function pointData(points: ComplaintPoint[]): FeatureCollection<Point, { id: string | number | null }> {
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

// ---------------------------------------------------------------------------------------------------
// Loading the renderer (client only)

/** The subset of a map instance (mapbox-gl or maplibre-gl) this component uses. */
interface MapInstance {
  fitBounds(bounds: LngLatBounds, options?: { padding?: number; duration?: number }): unknown;
  querySourceFeatures(
    source: string,
    params?: { filter?: unknown[] },
  ): { geometry: Geometry; properties: Record<string, unknown> | null }[];
}

interface MapEvent {
  target: MapInstance;
}

interface MapLayerEvent {
  features?: { properties: Record<string, unknown> | null }[];
}

/** The react-map-gl props this component passes, the same for both entry points. */
interface CommonMapProps {
  mapLib: unknown;
  mapboxAccessToken?: string;
  projection?: "mercator";
  initialViewState:
    | { bounds: LngLatBounds; fitBoundsOptions: { padding: number } }
    | { longitude: number; latitude: number; zoom: number };
  mapStyle: ReturnType<typeof offlineStyle>;
  style: CSSProperties;
  interactiveLayerIds: string[];
  cursor: string;
  dragRotate: boolean;
  pitchWithRotate: boolean;
  touchPitch: boolean;
  maxZoom: number;
  onLoad: (e: MapEvent) => void;
  onIdle: (e: MapEvent) => void;
  onZoomStart: () => void;
  onClick: (e: MapLayerEvent) => void;
  onMouseEnter: () => void;
  onMouseLeave: () => void;
  onError: (e: { error: Error }) => void;
  children?: ReactNode;
}

interface MarkerProps {
  longitude: number;
  latitude: number;
  anchor: "center";
  style?: CSSProperties;
  children: ReactNode;
}

interface Renderer {
  kind: RendererKind;
  Map: ComponentType<CommonMapProps>;
  Marker: ComponentType<MarkerProps>;
  mapLib: unknown;
}

const renderers = new Map<RendererKind, Promise<Renderer>>();

function loadRenderer(kind: RendererKind): Promise<Renderer> {
  let promise = renderers.get(kind);
  if (!promise) {
    promise = kind === "mapbox" ? loadMapbox() : loadMaplibre();
    promise.catch(() => renderers.delete(kind)); // a later mount may try again
    renderers.set(kind, promise);
  }
  return promise;
}

async function loadMaplibre(): Promise<Renderer> {
  const [reactMap, lib] = await Promise.all([
    import("react-map-gl/maplibre"),
    import("maplibre-gl"),
    ensureStylesheet(maplibreStylesheet),
  ]);
  lib.setWorkerUrl(maplibreWorkerUrl());
  return {
    kind: "maplibre",
    Map: reactMap.Map as unknown as ComponentType<CommonMapProps>,
    Marker: reactMap.Marker as unknown as ComponentType<MarkerProps>,
    mapLib: lib,
  };
}

async function loadMapbox(): Promise<Renderer> {
  const [reactMap, lib] = await Promise.all([
    import("react-map-gl/mapbox"),
    import("mapbox-gl"),
    ensureStylesheet(mapboxStylesheet),
  ]);
  return {
    kind: "mapbox",
    Map: reactMap.Map as unknown as ComponentType<CommonMapProps>,
    Marker: reactMap.Marker as unknown as ComponentType<MarkerProps>,
    mapLib: lib.default ?? lib,
  };
}

/**
 * MapLibre 6 runs its tile work in a module worker, `maplibre-gl-worker.mjs`, which it looks for beside
 * its own file; once bundled it is not there, so it must be told where the worker is (`setWorkerUrl`).
 * The Remix classic compiler (esbuild) has no way to emit a file and give back its URL for a `.mjs`
 * import, but it does code-split a dynamic `import()` of the worker into its own chunk and writes that
 * chunk's URL into the compiled call. This function is never called: its compiled text is read for that
 * URL. If a future compiler writes it differently, this throws (the map shows the error) rather than
 * failing quietly; with a bundler that supports `new URL(…, import.meta.url)` use that instead.
 */
const importMaplibreWorker = () =>
  // @ts-expect-error: the worker bundle ships without type declarations, and none are needed here
  import("maplibre-gl/dist/maplibre-gl-worker.mjs");

function maplibreWorkerUrl(): string {
  const match = /import\(\s*(["'`])([^"'`]+)\1\s*\)/.exec(String(importMaplibreWorker));
  if (!match || !/maplibre-gl-worker/.test(match[2])) {
    throw new Error("Could not find the MapLibre worker chunk in the build (see maplibreWorkerUrl).");
  }
  return new URL(match[2], document.baseURI).href;
}

/** Resolves once the stylesheet is applied, adding its <link> unless the route's `links` did. */
function ensureStylesheet(href: string): Promise<void> {
  const existing = Array.from(document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')).find(
    (l) => l.getAttribute("href") === href,
  );
  if (existing?.sheet) return Promise.resolve();
  const link = existing ?? document.createElement("link");
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The map stylesheet ${href} did not load`)), 15_000);
    link.addEventListener("load", () => {
      clearTimeout(timer);
      resolve();
    });
    link.addEventListener("error", () => {
      clearTimeout(timer);
      reject(new Error(`The map stylesheet ${href} did not load`));
    });
    if (!existing) {
      link.rel = "stylesheet";
      link.href = href;
      document.head.append(link);
    }
  });
}

// ---------------------------------------------------------------------------------------------------
// The component

const US_VIEW = { longitude: -98.5, latitude: 39.5, zoom: 3 };
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
  const menuId = useId();
  const ordered = useMemo(
    () =>
      regionFc.features
        .map((f) => f.properties)
        .sort((a, b) => (b.score ?? -1) - (a.score ?? -1) || a.name.localeCompare(b.name)),
    [regionFc],
  );

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
      <figcaption
        className="outage-map-legend"
        style={{
          display: "flex",
          flexWrap: "wrap",
          alignItems: "center",
          gap: "0.35rem 1rem",
          fontSize: "0.8rem",
          color: "#5b6673",
          marginTop: "0.4rem",
        }}
      >
        <span>
          Spike score{" "}
          {scale.legend.map((entry) => (
            <Swatch key={entry.colour} colour={entry.colour} label={entry.label} />
          ))}
          <Swatch colour={NO_SCORE_COLOUR} label="no spike" />
        </span>
        <span>
          Complaints <Dot size={8} colour={POINT_COLOUR} /> one <Dot size={14} colour={CLUSTER_COLOURS[1]} />{" "}
          a cluster (count shown)
        </span>
        {onRegionClick ? (
          <span>
            <label htmlFor={menuId}>Region </label>
            <select
              id={menuId}
              value={selectedRegion ?? ""}
              onChange={(e) => onRegionClick(e.target.value || null)}
            >
              <option value="">All regions</option>
              {ordered.map((r) => (
                <option key={r.code} value={r.code}>
                  {r.name} ({r.code}){r.score === null ? "" : ` · ${r.score}`}
                </option>
              ))}
            </select>
          </span>
        ) : null}
      </figcaption>
    </figure>
  );
}

function Swatch({ colour, label }: { colour: string; label: string }) {
  return (
    <span style={{ whiteSpace: "nowrap", marginRight: "0.5rem" }}>
      <span
        aria-hidden="true"
        style={{
          display: "inline-block",
          width: 12,
          height: 12,
          background: colour,
          border: "1px solid #0000001f",
          verticalAlign: "-2px",
          marginRight: 3,
        }}
      />
      {label}
    </span>
  );
}

function Dot({ size, colour }: { size: number; colour: string }) {
  return (
    <span
      aria-hidden="true"
      style={{
        display: "inline-block",
        width: size,
        height: size,
        borderRadius: "50%",
        background: colour,
        border: "1.5px solid #fff",
        boxShadow: "0 0 0 1px #0000002a",
        verticalAlign: "middle",
      }}
    />
  );
}

interface CountLabel {
  id: string;
  longitude: number;
  latitude: number;
  text: string;
}

function MapView({
  renderer,
  token,
  mapStyle,
  bounds,
  selectedRegion,
  onRegionClick,
  onDrawn,
  onFailure,
}: {
  renderer: Renderer;
  token: string | null;
  mapStyle: ReturnType<typeof offlineStyle>;
  bounds: LngLatBounds | null;
  selectedRegion: string | null;
  onRegionClick?: (code: string | null) => void;
  onDrawn: () => void;
  onFailure: (message: string) => void;
}) {
  const { Map: MapComponent, Marker } = renderer;
  const mapRef = useRef<MapInstance | null>(null);
  const [hovering, setHovering] = useState(false);
  const [labels, setLabels] = useState<CountLabel[]>([]);

  // The view fits the regions when the map is made, and again whenever the set of regions changes.
  const boundsKey = bounds ? bounds.flat().join(",") : "";
  const [initialView] = useState(() => (bounds ? { bounds, fitBoundsOptions: { padding: 24 } } : US_VIEW));
  const fittedKey = useRef(boundsKey);
  useEffect(() => {
    if (!mapRef.current || !bounds || fittedKey.current === boundsKey) return;
    fittedKey.current = boundsKey;
    mapRef.current.fitBounds(bounds, { padding: 24, duration: 0 });
  }, [bounds, boundsKey]);

  const updateLabels = useCallback((map: MapInstance) => {
    const seen = new Set<string>();
    const next: CountLabel[] = [];
    for (const f of map.querySourceFeatures(POINTS_SOURCE, { filter: ["has", "point_count"] })) {
      const id = String(f.properties?.cluster_id);
      if (seen.has(id) || f.geometry.type !== "Point") continue;
      seen.add(id);
      const [longitude, latitude] = f.geometry.coordinates;
      next.push({ id, longitude, latitude, text: String(f.properties?.point_count_abbreviated ?? "") });
      if (next.length >= MAX_COUNT_LABELS) break;
    }
    next.sort((a, b) => a.id.localeCompare(b.id));
    setLabels((current) =>
      current.length === next.length &&
      current.every((l, i) => l.id === next[i].id && l.text === next[i].text)
        ? current
        : next,
    );
  }, []);

  return (
    <MapComponent
      mapLib={renderer.mapLib}
      {...(renderer.kind === "mapbox"
        ? { mapboxAccessToken: token ?? undefined, projection: "mercator" }
        : {})}
      initialViewState={initialView}
      mapStyle={mapStyle}
      style={{ width: "100%", height: "100%" }}
      interactiveLayerIds={onRegionClick ? [REGION_FILL_LAYER] : []}
      cursor={hovering ? "pointer" : "grab"}
      dragRotate={false}
      pitchWithRotate={false}
      touchPitch={false}
      maxZoom={12}
      onLoad={(e) => {
        mapRef.current = e.target;
      }}
      onIdle={(e) => {
        mapRef.current = e.target;
        updateLabels(e.target);
        onDrawn();
      }}
      onZoomStart={() => setLabels([])}
      onClick={(e) => {
        if (!onRegionClick) return;
        const code = e.features?.[0]?.properties?.code;
        onRegionClick(typeof code === "string" && code !== selectedRegion ? code : null);
      }}
      onMouseEnter={() => setHovering(true)}
      onMouseLeave={() => setHovering(false)}
      onError={(e) => {
        console.error(e.error);
        onFailure(e.error?.message ?? "unknown map error");
      }}
    >
      {labels.map((l) => (
        <Marker
          key={l.id}
          longitude={l.longitude}
          latitude={l.latitude}
          anchor="center"
          style={{ pointerEvents: "none" }}
        >
          <span
            className="outage-map-count"
            style={{ color: "#fff", font: "600 11px/1 system-ui, sans-serif", textShadow: "0 0 2px #0009" }}
          >
            {l.text}
          </span>
        </Marker>
      ))}
    </MapComponent>
  );
}
