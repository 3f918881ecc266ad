/**
 * The comms metrics' charts (recharts), drawn at a fixed size so they print the same on A4 and Letter
 * (640 px fits both pages' printable width at 96 dpi). Rendered in the browser only, like the room's
 * volume chart: the server sends a placeholder of the same size. Presentational: data arrives in props.
 */
import { type ReactNode, useEffect, useState } from "react";
import {
  Area,
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  ComposedChart,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";

export const CHART_WIDTH = 640;
const GRID = "#e5e7eb";
export const COLOURS = {
  observed: "#D55E00",
  expected: "#6B7280",
  update: "#2563EB",
  kept: "#009E73",
  missed: "#C2410C",
  sent: "#009E73",
  failed: "#C2410C",
  unknown: "#CC79A7",
  pending: "#9CA3AF",
};
/** One colour per severity (SEV1 the most alarming). */
export const SEVERITY_COLOURS: Record<string, string> = {
  SEV1: "#B91C1C",
  SEV2: "#D55E00",
  SEV3: "#0072B2",
  SEV4: "#6B7280",
};

/** A chart's size: fixed pixels (the report: prints the same everywhere), or "fill" its container's width. */
export type ChartWidth = number | "fill";

function sizeProps(width: ChartWidth, height: number) {
  return width === "fill" ? { responsive: true, style: { width: "100%", height } } : { width, height };
}

function useMounted() {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return mounted;
}

/** A figure with its caption; the chart itself only once mounted in the browser. */
export function ChartFigure({
  label,
  caption,
  height,
  width = CHART_WIDTH,
  testId,
  children,
}: {
  label: string;
  caption?: ReactNode;
  height: number;
  width?: ChartWidth;
  testId: string;
  children: () => ReactNode;
}) {
  const mounted = useMounted();
  return (
    <figure
      className="metrics-chart"
      aria-label={label}
      data-testid={testId}
      data-state={mounted ? "ready" : "loading"}
    >
      {mounted ? (
        children()
      ) : (
        <div
          className="metrics-chart-placeholder"
          style={{ width: width === "fill" ? "100%" : width, height }}
        />
      )}
      {caption ? <figcaption className="muted small">{caption}</figcaption> : null}
    </figure>
  );
}

const utcTime = (t: number) => new Date(t).toISOString().slice(11, 16);
const utcDayTime = (t: number) => new Date(t).toISOString().slice(5, 16).replace("T", " ");

export function InboundVolumeChart({
  points,
  markers,
  stepMinutes,
  seasonalWeeks,
  height = 240,
}: {
  points: { t: number; observed: number; expected: number | null }[];
  markers: { t: number; label: string }[];
  stepMinutes: number;
  seasonalWeeks: number;
  height?: number;
}) {
  const span = points.length ? points[points.length - 1].t - points[0].t : 0;
  const format = span > 86_400_000 ? utcDayTime : utcTime;
  const hasExpected = points.some((p) => p.expected !== null);
  return (
    <ChartFigure
      label="Complaints in the affected cells over time, the usual for those times, and each published update"
      testId="report-volume-chart"
      height={height}
      caption={`Complaints per ${stepMinutes} minutes in the incident's regions × topics (UTC); dashed: the usual for those times of the week (${seasonalWeeks ? `mean of ${seasonalWeeks} earlier week${seasonalWeeks > 1 ? "s" : ""}` : "no history yet"}); blue lines: published updates.`}
    >
      {() => (
        <ComposedChart
          width={CHART_WIDTH}
          height={height}
          data={points}
          margin={{ top: 8, right: 16, bottom: 0, left: 0 }}
        >
          <CartesianGrid stroke={GRID} vertical={false} />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={["dataMin", "dataMax"]}
            tickFormatter={format}
            fontSize={11}
          />
          <YAxis allowDecimals={false} width={44} fontSize={11} />
          <Tooltip labelFormatter={(t) => `${utcDayTime(Number(t))} UTC`} />
          <Legend verticalAlign="top" height={24} wrapperStyle={{ fontSize: 12 }} />
          <Area
            dataKey="observed"
            name="Complaints"
            type="monotone"
            stroke={COLOURS.observed}
            fill={COLOURS.observed}
            fillOpacity={0.35}
            isAnimationActive={false}
          />
          {hasExpected ? (
            <Line
              dataKey="expected"
              name="Usual"
              type="monotone"
              stroke={COLOURS.expected}
              strokeDasharray="4 3"
              dot={false}
              isAnimationActive={false}
            />
          ) : null}
          {markers.map((m) => (
            <ReferenceLine
              key={`${m.t}-${m.label}`}
              x={m.t}
              stroke={COLOURS.update}
              strokeWidth={2}
              label={{ value: m.label, position: "insideTopLeft", fontSize: 10, fill: COLOURS.update }}
            />
          ))}
        </ComposedChart>
      )}
    </ChartFigure>
  );
}

export function CadenceChart({
  promises,
  height = 200,
}: {
  promises: { number: number; lateMinutes: number | null; status: string }[];
  height?: number;
}) {
  const data = promises
    .filter((p) => p.lateMinutes !== null)
    .map((p) => ({ name: `#${p.number}`, late: p.lateMinutes as number, status: p.status }));
  if (data.length === 0) return null;
  return (
    <ChartFigure
      label="Minutes each next update went out after (above zero) or before (below) the promised time"
      testId="report-cadence-chart"
      height={height}
      caption="Minutes after the promised time each next update went out (below zero: early). Overdue promises count up to now."
    >
      {() => (
        <BarChart
          width={CHART_WIDTH}
          height={height}
          data={data}
          margin={{ top: 8, right: 16, bottom: 0, left: 0 }}
        >
          <CartesianGrid stroke={GRID} vertical={false} />
          <XAxis dataKey="name" fontSize={11} />
          <YAxis width={44} fontSize={11} />
          <Tooltip formatter={(v) => [`${v} min`, "late"]} />
          <ReferenceLine y={0} stroke="#374151" />
          <Bar dataKey="late" name="Minutes late" isAnimationActive={false}>
            {data.map((d) => (
              <Cell key={d.name} fill={d.status === "kept" ? COLOURS.kept : COLOURS.missed} />
            ))}
          </Bar>
        </BarChart>
      )}
    </ChartFigure>
  );
}

export function DeliveryChart({
  rows,
  height = 220,
  width = CHART_WIDTH,
}: {
  rows: { label: string; sent: number; failed: number; unknown: number; pending: number }[];
  height?: number;
  width?: ChartWidth;
}) {
  if (rows.length === 0) return null;
  return (
    <ChartFigure
      label="Deliveries per channel by outcome"
      testId="delivery-chart"
      height={height}
      width={width}
    >
      {() => (
        <BarChart
          {...sizeProps(width, height)}
          data={rows}
          margin={{ top: 8, right: 16, bottom: 8, left: 0 }}
        >
          <CartesianGrid stroke={GRID} vertical={false} />
          <XAxis dataKey="label" fontSize={10} interval={0} angle={-20} textAnchor="end" height={48} />
          <YAxis allowDecimals={false} width={44} fontSize={11} />
          <Tooltip />
          <Legend verticalAlign="top" height={24} wrapperStyle={{ fontSize: 12 }} />
          {(["sent", "failed", "unknown", "pending"] as const).map((k) => (
            <Bar key={k} dataKey={k} stackId="d" fill={COLOURS[k]} isAnimationActive={false} />
          ))}
        </BarChart>
      )}
    </ChartFigure>
  );
}

export function CoverageChart({
  rows,
  height = 200,
}: {
  rows: { key: string; coverage: number | null; complaints: number }[];
  height?: number;
}) {
  const data = rows
    .slice(0, 20)
    .map((r) => ({ name: r.key, coverage: r.coverage === null ? 0 : Math.round(r.coverage * 100) }));
  if (data.length === 0) return null;
  return (
    <ChartFigure
      label="Share of complaints answered per region"
      testId="report-coverage-chart"
      height={height}
      caption="Share of each region's complaints answered (%), busiest regions first."
    >
      {() => (
        <BarChart
          width={CHART_WIDTH}
          height={height}
          data={data}
          margin={{ top: 8, right: 16, bottom: 0, left: 0 }}
        >
          <CartesianGrid stroke={GRID} vertical={false} />
          <XAxis dataKey="name" fontSize={11} interval={0} />
          <YAxis domain={[0, 100]} width={44} fontSize={11} unit="%" />
          <Tooltip formatter={(v) => [`${v}%`, "answered"]} />
          <Bar dataKey="coverage" name="Answered" fill={COLOURS.kept} isAnimationActive={false} />
        </BarChart>
      )}
    </ChartFigure>
  );
}

/** One line per severity over months (median minutes to first update, % promises kept, % answered). */
export function TrendChart({
  data,
  severities,
  unit,
  label,
  testId,
  height = 220,
  width = CHART_WIDTH,
}: {
  data: Record<string, number | string | null>[];
  severities: string[];
  unit: string;
  label: string;
  testId: string;
  height?: number;
  width?: ChartWidth;
}) {
  if (data.length === 0) return null;
  return (
    <ChartFigure label={label} testId={testId} height={height} width={width} caption={label}>
      {() => (
        <LineChart
          {...sizeProps(width, height)}
          data={data}
          margin={{ top: 8, right: 16, bottom: 0, left: 0 }}
        >
          <CartesianGrid stroke={GRID} vertical={false} />
          <XAxis dataKey="month" fontSize={11} />
          <YAxis width={48} fontSize={11} unit={unit} />
          <Tooltip />
          <Legend verticalAlign="top" height={24} wrapperStyle={{ fontSize: 12 }} />
          {severities.map((s) => (
            <Line
              key={s}
              dataKey={s}
              name={s}
              type="monotone"
              stroke={SEVERITY_COLOURS[s] ?? "#374151"}
              strokeWidth={2}
              connectNulls
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      )}
    </ChartFigure>
  );
}

export function WorkloadChart({
  rows,
  height = 220,
  width = CHART_WIDTH,
}: {
  rows: { name: string; replies: number; updatesAuthored: number; updatesApproved: number }[];
  height?: number;
  width?: ChartWidth;
}) {
  if (rows.length === 0) return null;
  return (
    <ChartFigure
      label="Replies and updates per team member"
      testId="workload-chart"
      height={height}
      width={width}
    >
      {() => (
        <BarChart
          {...sizeProps(width, height)}
          data={rows.slice(0, 15)}
          margin={{ top: 8, right: 16, bottom: 0, left: 0 }}
        >
          <CartesianGrid stroke={GRID} vertical={false} />
          <XAxis dataKey="name" fontSize={10} interval={0} />
          <YAxis allowDecimals={false} width={44} fontSize={11} />
          <Tooltip />
          <Legend verticalAlign="top" height={24} wrapperStyle={{ fontSize: 12 }} />
          <Bar dataKey="replies" name="Replies" fill={COLOURS.observed} isAnimationActive={false} />
          <Bar
            dataKey="updatesAuthored"
            name="Updates written"
            fill={COLOURS.update}
            isAnimationActive={false}
          />
          <Bar
            dataKey="updatesApproved"
            name="Updates approved"
            fill={COLOURS.kept}
            isAnimationActive={false}
          />
        </BarChart>
      )}
    </ChartFigure>
  );
}
