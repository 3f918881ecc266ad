import { useSearchParams } from "@remix-run/react";
import { OutageMap } from "~/components/outage-map";
import type { RoomPanelProps } from "./types";

/** The outage map: clicking a region (or choosing it in the map's menu) filters the whole room by it. */
export function MapPanel({ room, filter, mapboxToken }: RoomPanelProps) {
  const [params, setParams] = useSearchParams();
  const selectRegion = (code: string | null) => {
    const next = new URLSearchParams(params);
    if (code) next.set("region", code);
    else next.delete("region");
    next.delete("cursor");
    setParams(next, { preventScrollReset: true });
  };
  return (
    <section className="panel">
      <h2>Outage map</h2>
      <OutageMap
        regions={room.map.regions}
        scores={room.map.scores}
        points={room.map.points}
        selectedRegion={filter.region ?? null}
        onRegionClick={selectRegion}
        mapboxToken={mapboxToken}
        height={360}
      />
      <p className="muted">
        Shaded by spike score; dots are geotagged complaints. Click a region to filter the room
        {filter.region ? (
          <>
            {" "}
            (showing <strong>{filter.region}</strong> —{" "}
            <button className="link" type="button" onClick={() => selectRegion(null)}>
              show all
            </button>
            )
          </>
        ) : null}
        .
      </p>
    </section>
  );
}
