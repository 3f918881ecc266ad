/**
 * VISUAL TEST PAGE (development aid, not a product screen): the outage map and the volume chart on fixed
 * synthetic data, for tests/e2e/components.test.ts and for looking at the components by eye. Signed-in
 * users only. Delete it once the incident room renders both components with real data.
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import type { FeatureCollection } from "geojson";
import { useState } from "react";
import { links as mapLinks, OutageMap, type RegionProperties } from "~/components/outage-map";
import { VolumeChart } from "~/components/volume-chart";
import { type RegionGeometry, simplifyRegions } from "~/domain/geo-simplify";
import { requirePermission } from "~/utils/auth.server";
import { usStateRegions } from "~db/reference/us-regions";

export const links = () => [...mapLinks()];

export const meta: MetaFunction = () => [{ title: "Component visual test · Clarion" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { services } = await requirePermission(request, context, "console.read");
  return { ...visualTestData(), mapboxToken: services.env.MAPBOX_ACCESS_TOKEN ?? null };
}

/** Fixed, seeded data: the same page every time. */
function visualTestData() {
  const regions: FeatureCollection<RegionGeometry, RegionProperties> = simplifyRegions(
    {
      type: "FeatureCollection",
      features: usStateRegions().map((r) => ({
        type: "Feature",
        properties: { code: r.code, name: r.name },
        geometry: r.geometry as RegionGeometry,
      })),
    },
    { tolerance: 0.02 },
  );
  // A western outage: California worst (the only region in the top class), its neighbours less so.
  const scores: Record<string, number> = { CA: 42, NV: 18.5, OR: 11.2, AZ: 7.4, WA: 3.1, UT: 1.6, TX: 0.4 };

  const random = seeded(20261102);
  const centres: [number, number, number][] = [
    // lat, lon, how many complaints
    [34.05, -118.24, 160], // Los Angeles
    [37.77, -122.42, 90], // San Francisco
    [36.74, -119.78, 40], // Fresno
    [36.17, -115.14, 45], // Las Vegas
    [45.52, -122.68, 25], // Portland
    [33.45, -112.07, 20], // Phoenix
    [47.61, -122.33, 8], // Seattle
    [40.71, -74.0, 3], // New York: a few unrelated
  ];
  const points = centres.flatMap(([lat, lon, n], c) =>
    Array.from({ length: n }, (_, i) => ({
      id: `${c}-${i}`,
      lat: round(lat + (random() - 0.5) * 0.9, 4),
      lon: round(lon + (random() - 0.5) * 1.1, 4),
    })),
  );

  const topics = [
    { slug: "outage", label: "Outage" },
    { slug: "degraded", label: "Degraded" },
    { slug: "billing", label: "Billing" },
    { slug: "safety", label: "Safety" },
  ];
  const bucket = 5 * 60_000;
  const start = Date.UTC(2026, 10, 2, 10, 0);
  const spikeAt = start + 2 * 3600_000;
  const series: { t: number; [topic: string]: number }[] = [];
  const baseline: { t: number; low: number; high: number }[] = [];
  for (let i = 0; i < 72; i++) {
    const t = start + i * bucket;
    const since = t - spikeAt;
    const surge = since < 0 ? 0 : 60 * Math.exp(-since / (90 * 60_000)) * Math.min(1, since / (20 * 60_000));
    series.push({
      t,
      outage: Math.round(3 + surge + random() * 3),
      degraded: Math.round(2 + surge * 0.35 + random() * 2),
      billing: Math.round(1 + random() * 2),
      safety: Math.round(surge * 0.06 + random()),
    });
    baseline.push({ t, low: 5, high: 11 + Math.round(2 * Math.sin(i / 12)) });
  }
  const markers = [
    { t: spikeAt + 15 * 60_000, label: "Spike detected in CA, NV", kind: "event" as const },
    { t: spikeAt + 25 * 60_000, label: "Incident opened (SEV2)", kind: "event" as const },
    { t: spikeAt + 40 * 60_000, label: "Holding statement published", kind: "update" as const },
    { t: spikeAt + 110 * 60_000, label: "State: identified", kind: "event" as const },
    { t: spikeAt + 150 * 60_000, label: "Update published", kind: "update" as const },
  ];
  return { regions, scores, points, topics, series, baseline, markers };
}

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function round(v: number, places: number): number {
  const f = 10 ** places;
  return Math.round(v * f) / f;
}

export default function ComponentsVisualTest() {
  const data = useLoaderData<typeof loader>();
  const [selected, setSelected] = useState<string | null>(null);
  return (
    <>
      <h1>Component visual test</h1>
      <p>
        A development page with fixed synthetic data: the outage map (all {data.regions.features.length}{" "}
        regions, {data.points.length} complaint points) and the volume chart. Renderer:{" "}
        {data.mapboxToken ? "Mapbox GL (token set)" : "MapLibre GL, offline"}.
      </p>
      <p data-testid="selected-region">Selected region: {selected ?? "none"}</p>
      <section className="panel">
        <OutageMap
          regions={data.regions}
          scores={data.scores}
          points={data.points}
          selectedRegion={selected}
          onRegionClick={setSelected}
          mapboxToken={data.mapboxToken}
          height={440}
        />
      </section>
      <section className="panel">
        <VolumeChart
          series={data.series}
          topics={data.topics}
          baseline={data.baseline}
          markers={data.markers}
        />
      </section>
    </>
  );
}
