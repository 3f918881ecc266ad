import { useId, useMemo } from "react";
import {
  CLUSTER_COLOURS,
  NO_SCORE_COLOUR,
  POINT_COLOUR,
  type RegionFeatureProps,
  type ScoreScale,
} from "./style";

/** The map's legend: score classes, what a dot and a cluster are, and the keyboard menu of regions. */
export function MapLegend({
  scale,
  regions,
  selectedRegion,
  onRegionClick,
}: {
  scale: ScoreScale;
  regions: RegionFeatureProps[];
  selectedRegion: string | null;
  onRegionClick?: (code: string | null) => void;
}) {
  const menuId = useId();
  const ordered = useMemo(
    () => [...regions].sort((a, b) => (b.score ?? -1) - (a.score ?? -1) || a.name.localeCompare(b.name)),
    [regions],
  );
  return (
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
        Complaints <Dot size={8} colour={POINT_COLOUR} /> one <Dot size={14} colour={CLUSTER_COLOURS[1]} /> a
        cluster (count shown)
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
