/**
 * Complaint volume over time by topic (stacked areas), the expected range as a grey band, and vertical
 * markers for incident events and published updates. Presentational only: everything arrives in props.
 *
 * Rendered in the browser only: the chart measures its container, and the time axis is in the viewer's
 * own time zone, which the server does not know. The server renders a placeholder of the same height.
 */
import { useEffect, useMemo, useState } from "react";
import { Area, CartesianGrid, ComposedChart, Legend, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";

export interface VolumePoint {
  /** Bucket start, ms since the epoch. */
  t: number;
  /** Complaints of each topic in the bucket, by topic slug; a missing topic counts as 0. */
  [topic: string]: number;
}

export interface ChartTopic {
  slug: string;
  label: string;
  /** Overrides the topic's colour from the fixed palette. */
  colour?: string;
}

export interface BaselinePoint {
  t: number;
  /** Expected range of the total (all topics shown) for the bucket. */
  low: number;
  high: number;
}

export interface ChartMarker {
  t: number;
  label: string;
  kind: "event" | "update";
}

export interface VolumeChartProps {
  series: VolumePoint[];
  /** The topics to stack, bottom first; each keeps one colour (see TOPIC_COLOURS). */
  topics: ChartTopic[];
  baseline?: BaselinePoint[];
  /** Incident events and published updates; those outside the series' time span are not shown. */
  markers?: ChartMarker[];
  /** Height in pixels (the width follows the container). Default 280. */
  height?: number;
  /** Accessible name of the chart. */
  label?: string;
}

/**
 * Fixed colours of the default topics (colour-blind-safe Okabe–Ito / Tol hues), chosen so that topics
 * that rise together in an outage (outage, degraded, safety) differ most.
 */
export const TOPIC_COLOURS: Record<string, string> = {
  outage: "#D55E00",
  degraded: "#0072B2",
  billing: "#009E73",
  "app-login": "#56B4E9",
  install: "#999933",
  support: "#CC79A7",
  safety: "#882255",
  other: "#8C8C8C",
};
/** Colours for other topics, in the order they are listed. */
const EXTRA_COLOURS = [
  "#332288",
  "#117733",
  "#44AA99",
  "#999933",
  "#AA4499",
  "#88CCEE",
  "#DDCC77",
  "#661100",
];
export const MARKER_COLOURS = { event: "#374151", update: "#2563EB" } as const;
const BAND_COLOUR = "#6B7280";

export function topicColours(topics: ChartTopic[]): string[] {
  let extra = 0;
  return topics.map(
    (t) => t.colour ?? TOPIC_COLOURS[t.slug] ?? EXTRA_COLOURS[extra++ % EXTRA_COLOURS.length],
  );
}

type Row = { t: number; expected?: [number, number] } & Record<string, number | [number, number] | undefined>;

/** One row per time: topic values under `v0`, `v1`… (slugs never collide with `t` or `expected`). */
function mergeRows(series: VolumePoint[], topics: ChartTopic[], baseline: BaselinePoint[]): Row[] {
  const byTime = new Map<number, Row>();
  for (const point of series) {
    const row: Row = { t: point.t };
    topics.forEach((topic, i) => {
      const v = point[topic.slug];
      row[`v${i}`] = Number.isFinite(v) ? v : 0;
    });
    byTime.set(point.t, row);
  }
  for (const b of baseline) {
    const row = byTime.get(b.t) ?? { t: b.t };
    row.expected = [b.low, b.high];
    byTime.set(b.t, row);
  }
  return [...byTime.values()].sort((a, b) => a.t - b.t);
}

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;
const TICK_STEPS = [5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080].map((m) => m * MINUTE);

/** Round local times (on the hour, at midnight…) between min and max, about `target` of them. */
export function timeTicks(min: number, max: number, target = 7): { ticks: number[]; step: number } {
  if (!(max > min)) return { ticks: Number.isFinite(min) ? [min] : [], step: DAY };
  const step = TICK_STEPS.find((s) => (max - min) / s <= target) ?? TICK_STEPS[TICK_STEPS.length - 1];
  const ticks: number[] = [];
  const midnight = new Date(min);
  midnight.setHours(0, 0, 0, 0);
  if (step >= DAY) {
    const days = step / DAY;
    const d = new Date(midnight);
    while (d.getTime() < min) d.setDate(d.getDate() + 1);
    for (; d.getTime() <= max; d.setDate(d.getDate() + days)) ticks.push(d.getTime());
  } else {
    // Steps divide a day, so counting from local midnight lands on round local times.
    const start = midnight.getTime();
    for (let t = start + Math.ceil((min - start) / step) * step; t <= max; t += step) ticks.push(t);
  }
  return { ticks, step };
}

function tickFormatter(step: number, min: number, max: number): (t: number) => string {
  if (step >= DAY) {
    const f = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });
    return (t) => f.format(t);
  }
  const time = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
  if (max - min <= DAY) return (t) => time.format(t);
  const dayTime = new Intl.DateTimeFormat(undefined, {
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
  });
  return (t) => dayTime.format(t);
}

const fullTime = (t: number) =>
  new Intl.DateTimeFormat(undefined, {
    weekday: "short",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
  }).format(t);

export function VolumeChart({
  series,
  topics,
  baseline = [],
  markers = [],
  height = 280,
  label = "Complaints over time by topic, with the expected range and incident markers",
}: VolumeChartProps) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);

  const rows = useMemo(() => mergeRows(series, topics, baseline), [series, topics, baseline]);
  const colours = useMemo(() => topicColours(topics), [topics]);
  const min = rows.length ? rows[0].t : Number.NaN;
  const max = rows.length ? rows[rows.length - 1].t : Number.NaN;
  const shownMarkers = markers.filter((m) => m.t >= min && m.t <= max);

  const summary = useMemo(() => {
    if (series.length === 0) return null;
    let total = 0;
    let peak = { t: series[0].t, n: -1 };
    for (const p of series) {
      const n = topics.reduce((sum, topic) => sum + (Number.isFinite(p[topic.slug]) ? p[topic.slug] : 0), 0);
      total += n;
      if (n > peak.n) peak = { t: p.t, n };
    }
    return { total, peak };
  }, [series, topics]);

  return (
    <figure
      className="volume-chart"
      aria-label={label}
      data-testid="volume-chart"
      data-state={mounted ? "ready" : "loading"}
      style={{ margin: 0 }}
    >
      {!mounted || rows.length === 0 ? (
        <div
          className="volume-chart-placeholder"
          style={{ height, display: "grid", placeItems: "center", color: "#5b6673" }}
        >
          {mounted ? "No complaints in this period." : "Loading chart…"}
        </div>
      ) : (
        <Chart
          rows={rows}
          topics={topics}
          colours={colours}
          hasBaseline={baseline.length > 0}
          markers={shownMarkers}
          height={height}
          min={min}
          max={max}
        />
      )}
      <figcaption
        className="volume-chart-caption"
        style={{
          fontSize: "0.8rem",
          color: "#5b6673",
          display: "flex",
          flexWrap: "wrap",
          gap: "0.25rem 1rem",
        }}
      >
        {mounted && summary ? (
          <span>
            {summary.total.toLocaleString()} complaints; the busiest bucket had{" "}
            {summary.peak.n.toLocaleString()} at {fullTime(summary.peak.t)}.
          </span>
        ) : null}
        <MarkerKey kind="event" text="incident event" />
        <MarkerKey kind="update" text="published update" />
      </figcaption>
    </figure>
  );
}

function MarkerKey({ kind, text }: { kind: ChartMarker["kind"]; text: string }) {
  return (
    <span style={{ whiteSpace: "nowrap" }}>
      <svg width="18" height="12" aria-hidden="true" style={{ verticalAlign: "-1px" }}>
        <line
          x1="9"
          x2="9"
          y1="0"
          y2="12"
          stroke={MARKER_COLOURS[kind]}
          strokeWidth={kind === "update" ? 2 : 1.5}
          strokeDasharray={kind === "event" ? "3 2" : undefined}
        />
      </svg>
      {text}
    </span>
  );
}

function Chart({
  rows,
  topics,
  colours,
  hasBaseline,
  markers,
  height,
  min,
  max,
}: {
  rows: Row[];
  topics: ChartTopic[];
  colours: string[];
  hasBaseline: boolean;
  markers: ChartMarker[];
  height: number;
  min: number;
  max: number;
}) {
  const { ticks, step } = timeTicks(min, max);
  const format = tickFormatter(step, min, max);
  return (
    <ComposedChart
      responsive
      data={rows}
      style={{ width: "100%", height }}
      margin={{ top: 8, right: 16, bottom: 0, left: 0 }}
    >
      <CartesianGrid stroke="#e5e7eb" vertical={false} />
      <XAxis
        dataKey="t"
        type="number"
        scale="time"
        domain={[min, max]}
        ticks={ticks}
        tickFormatter={format}
        fontSize={11}
      />
      <YAxis allowDecimals={false} width={44} fontSize={11} />
      <Tooltip
        labelFormatter={(t) => fullTime(Number(t))}
        // Top of the stack first, as drawn; the expected range last.
        itemSorter={(item) => (item.dataKey === "expected" ? 1 : -Number(String(item.dataKey).slice(1)))}
        formatter={(value, name) => [Array.isArray(value) ? `${value[0]}–${value[1]}` : value, name]}
      />
      <Legend
        verticalAlign="top"
        height={28}
        iconType="square"
        itemSorter={null}
        wrapperStyle={{ fontSize: 12 }}
      />
      {topics.map((topic, i) => (
        <Area
          key={topic.slug}
          className={`volume-topic volume-topic-${topic.slug}`}
          dataKey={`v${i}`}
          name={topic.label}
          stackId="topics"
          type="monotone"
          stroke={colours[i]}
          fill={colours[i]}
          fillOpacity={0.55}
          strokeWidth={1.2}
          isAnimationActive={false}
        />
      ))}
      {hasBaseline ? (
        <Area
          className="volume-baseline"
          dataKey="expected"
          name="Expected range"
          type="monotone"
          stroke={BAND_COLOUR}
          strokeDasharray="4 3"
          fill={BAND_COLOUR}
          fillOpacity={0.16}
          isAnimationActive={false}
        />
      ) : null}
      {markers.map((m) => (
        <ReferenceLine
          key={`${m.kind}-${m.t}-${m.label}`}
          className={`volume-marker volume-marker-${m.kind}`}
          x={m.t}
          stroke={MARKER_COLOURS[m.kind]}
          strokeWidth={m.kind === "update" ? 2 : 1.5}
          strokeDasharray={m.kind === "event" ? "3 2" : undefined}
          label={<MarkerLabel marker={m} />}
        />
      ))}
    </ComposedChart>
  );
}

/** The marker's text written down along its line, with the full text and time as a tooltip. */
function MarkerLabel({ marker, viewBox }: { marker: ChartMarker; viewBox?: { x?: number; y?: number } }) {
  const x = viewBox?.x ?? 0;
  const y = viewBox?.y ?? 0;
  const text = marker.label.length > 34 ? `${marker.label.slice(0, 33)}…` : marker.label;
  return (
    <g className="volume-marker-label">
      <title>{`${marker.kind === "update" ? "Update" : "Event"} · ${fullTime(marker.t)} · ${marker.label}`}</title>
      <text
        transform={`translate(${x + 3},${y + 4}) rotate(90)`}
        fontSize={10}
        fill={MARKER_COLOURS[marker.kind]}
        stroke="#ffffff"
        strokeWidth={3}
        paintOrder="stroke"
      >
        {text}
      </text>
    </g>
  );
}
