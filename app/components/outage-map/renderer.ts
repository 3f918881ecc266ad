/**
 * Loading the map library in the browser, after hydration: mapbox-gl when a token is given, maplibre-gl
 * otherwise, each through react-map-gl with a dynamic `import()`, so a page downloads one of the two,
 * and only pages with a map pay for it. Client only: everything here touches `window` or `document`.
 */

import type { Geometry } from "geojson";
import mapboxStylesheet from "mapbox-gl/dist/mapbox-gl.css";
import maplibreStylesheet from "maplibre-gl/dist/maplibre-gl.css";
import type { ComponentType, CSSProperties, ReactNode } from "react";
import type { LngLatBounds } from "~/domain/geo-simplify";
import type { offlineStyle } from "./style";

export type RendererKind = "mapbox" | "maplibre";

/** The subset of a map instance (mapbox-gl or maplibre-gl) this component uses. */
export interface MapInstance {
  fitBounds(bounds: LngLatBounds, options?: { padding?: number; duration?: number }): unknown;
  querySourceFeatures(
    source: string,
    params?: { filter?: unknown[] },
  ): { geometry: Geometry; properties: Record<string, unknown> | null }[];
}

export interface MapEvent {
  target: MapInstance;
}

export interface MapLayerEvent {
  features?: { properties: Record<string, unknown> | null }[];
}

/** The react-map-gl props this component passes, the same for both entry points. */
export interface CommonMapProps {
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

export interface MarkerProps {
  longitude: number;
  latitude: number;
  anchor: "center";
  style?: CSSProperties;
  children: ReactNode;
}

export interface Renderer {
  kind: RendererKind;
  Map: ComponentType<CommonMapProps>;
  Marker: ComponentType<MarkerProps>;
  mapLib: unknown;
}

const renderers = new Map<RendererKind, Promise<Renderer>>();

export function loadRenderer(kind: RendererKind): Promise<Renderer> {
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
