/**
 * The drawn map (react-map-gl over the loaded renderer): fits the regions, reports region clicks, and
 * labels complaint clusters with their counts as HTML markers (the offline style has no glyphs).
 */
import { useCallback, useEffect, useRef, useState } from "react";
import type { LngLatBounds } from "~/domain/geo-simplify";
import type { MapInstance, Renderer } from "./renderer";
import { type offlineStyle, POINTS_SOURCE, REGION_FILL_LAYER } from "./style";

const MAX_COUNT_LABELS = 300;
const US_VIEW = { longitude: -98.5, latitude: 39.5, zoom: 3 };

interface CountLabel {
  id: string;
  longitude: number;
  latitude: number;
  text: string;
}

export function MapView({
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
