import { and, asc, eq, gte, inArray, isNotNull, isNull, lt, lte, or, type SQL, sql } from "drizzle-orm";
import type { Geometry } from "geojson";
import { z } from "zod";
import { REPLY_SLA_MINUTES } from "~/domain/incidents";
import type { Db } from "~db/client.server";
import {
  complaintCounts,
  complaints,
  incidentCoverage,
  regions,
  spikeClusters,
  spikes,
  topics,
  users,
} from "~db/schema";
import { toSpikeOut } from "./detection.server";
import { getIncident, suggestedClusters, timeline } from "./incidents.server";

/**
 * Everything the incident room shows, read from counts and indexes (never a scan of complaints): the
 * header, map shapes and scores, volume by topic with a baseline band, linked and suggested spikes, the
 * first page of the complaint stream, the reply queue, coverage per region and the timeline.
 */

const BUCKET = 5 * 60_000;
const WEEK = 7 * 86_400_000;
const MAX_CHART_MS = 48 * 3600_000;
export const STREAM_PAGE = 50;

export const streamFilterSchema = z.object({
  region: z.string().trim().max(16).optional(),
  topic: z.string().trim().max(48).optional(),
  source: z.string().trim().max(64).optional(),
  sentiment: z.enum(["negative", "neutral", "positive"]).optional(),
  answered: z.enum(["yes", "no"]).optional(),
  q: z.string().trim().max(200).optional(),
  /** Keyset cursor: `<createdAt ms>_<id>` of the last row seen. */
  cursor: z
    .string()
    .regex(/^\d+_\d+$/, "cursor is <ms>_<id>")
    .optional(),
});
export type StreamFilter = z.infer<typeof streamFilterSchema>;

/** Parse the stream filter from URL search params; unknown or bad values are dropped, not fatal. */
export function parseStreamFilter(params: URLSearchParams): StreamFilter {
  const raw = Object.fromEntries([...params.entries()].filter(([, v]) => v !== ""));
  const parsed = streamFilterSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const bad = new Set(parsed.error.issues.map((i) => String(i.path[0])));
  return streamFilterSchema.parse(
    Object.fromEntries(Object.entries(raw).filter(([k]) => !bad.has(k) && k in streamFilterSchema.shape)),
  );
}

export interface StreamRow {
  id: number;
  source: string;
  text: string;
  author: string | null;
  followers: number | null;
  createdAt: string;
  region: string | null;
  topic: string;
  sentiment: number | null;
  url: string | null;
  answeredAt: string | null;
}

/**
 * Newest first, spelled as the incident indexes are built (`created_at desc nulls last, id desc nulls
 * last`). Plain `desc` means `desc nulls first` in Postgres: the columns are never null, but the planner
 * does not know that makes the orders equal, so it would read all of the incident's complaints (100,000 in
 * a big outage) and sort them for every page instead of reading the first 50 from the index.
 */
const NEWEST_FIRST = [sql`${complaints.createdAt} desc nulls last`, sql`${complaints.id} desc nulls last`];

export async function complaintStream(db: Db, orgId: number, incidentId: number, filter: StreamFilter) {
  const conditions: (SQL | undefined)[] = [
    eq(complaints.orgId, orgId),
    eq(complaints.incidentId, incidentId),
  ];
  if (filter.region) conditions.push(eq(complaints.regionCode, filter.region));
  if (filter.topic) conditions.push(eq(complaints.topicSlug, filter.topic));
  if (filter.source) conditions.push(eq(complaints.source, filter.source));
  if (filter.sentiment === "negative") conditions.push(lt(complaints.sentiment, -0.2));
  if (filter.sentiment === "positive") conditions.push(sql`${complaints.sentiment} > 0.2`);
  if (filter.sentiment === "neutral") conditions.push(sql`${complaints.sentiment} between -0.2 and 0.2`);
  if (filter.answered === "yes") conditions.push(isNotNull(complaints.answeredAt));
  if (filter.answered === "no") conditions.push(isNull(complaints.answeredAt));
  if (filter.q)
    conditions.push(sql`${complaints.text} ilike ${`%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`);
  if (filter.cursor) {
    // A row comparison, not `a < x or (a = x and b < y)`: Postgres seeks straight to it in the index
    // instead of reading and discarding every newer row of the incident first.
    const [ms, id] = filter.cursor.split("_").map(Number);
    conditions.push(
      sql`(${complaints.createdAt}, ${complaints.id}) < (${new Date(ms).toISOString()}::timestamptz, ${id}::bigint)`,
    );
  }
  const rows = await db
    .select({
      id: complaints.id,
      source: complaints.source,
      text: complaints.text,
      authorHandle: complaints.authorHandle,
      authorName: complaints.authorName,
      followers: complaints.authorFollowers,
      createdAt: complaints.createdAt,
      region: complaints.regionCode,
      topic: complaints.topicSlug,
      sentiment: complaints.sentiment,
      url: complaints.url,
      answeredAt: complaints.answeredAt,
    })
    .from(complaints)
    .where(and(...conditions))
    .orderBy(...NEWEST_FIRST)
    .limit(STREAM_PAGE + 1);
  const page = rows.slice(0, STREAM_PAGE);
  const last = page.at(-1);
  return {
    rows: page.map(
      (r): StreamRow => ({
        id: r.id,
        source: r.source,
        text: r.text,
        author: r.authorHandle ?? r.authorName,
        followers: r.followers,
        createdAt: r.createdAt.toISOString(),
        region: r.region,
        topic: r.topic,
        sentiment: r.sentiment === null ? null : Math.round(r.sentiment * 100) / 100,
        url: r.url,
        answeredAt: r.answeredAt?.toISOString() ?? null,
      }),
    ),
    nextCursor: rows.length > STREAM_PAGE && last ? `${last.createdAt.getTime()}_${last.id}` : null,
  };
}

/** The reply queue: unanswered complaints of the incident, most reach first (an index range). */
export async function replyQueue(db: Db, orgId: number, incidentId: number, now = Date.now(), limit = 30) {
  const rows = await db
    .select({
      id: complaints.id,
      source: complaints.source,
      text: complaints.text,
      author: sql<string | null>`coalesce(${complaints.authorHandle}, ${complaints.authorName})`,
      followers: complaints.authorFollowers,
      createdAt: complaints.createdAt,
      region: complaints.regionCode,
      url: complaints.url,
    })
    .from(complaints)
    .where(
      and(eq(complaints.orgId, orgId), eq(complaints.incidentId, incidentId), isNull(complaints.answeredAt)),
    )
    .orderBy(sql`${complaints.authorFollowers} desc nulls last`, asc(complaints.createdAt))
    .limit(limit);
  return rows.map((r) => {
    const ageMinutes = Math.floor((now - r.createdAt.getTime()) / 60_000);
    return {
      ...r,
      createdAt: r.createdAt.toISOString(),
      ageMinutes,
      overdue: ageMinutes >= REPLY_SLA_MINUTES,
    };
  });
}

interface RegionShapeOut {
  code: string;
  name: string;
  geometry: Geometry;
  neighbours: string[];
}
const shapeCache = new Map<number, { version: string; shapes: RegionShapeOut[] }>();

/** Region shapes for the map, cached per organisation (they change only when regions are reloaded). */
async function regionShapes(db: Db, orgId: number): Promise<RegionShapeOut[]> {
  const [v] = await db
    .select({ n: sql<number>`count(*)::int`, at: sql<string>`max(${regions.createdAt})::text` })
    .from(regions)
    .where(eq(regions.orgId, orgId));
  const version = `${v.n}:${v.at}`;
  const cached = shapeCache.get(orgId);
  if (cached?.version === version) return cached.shapes;
  const rows = await db
    .select({
      code: regions.code,
      name: regions.name,
      geometry: regions.geometry,
      neighbours: regions.neighbours,
    })
    .from(regions)
    .where(eq(regions.orgId, orgId));
  const shapes = rows.map((r) => ({ ...r, geometry: simplifyGeometry(r.geometry) }));
  shapeCache.set(orgId, { version, shapes });
  return shapes;
}

/** Round coordinates to ~1 km and drop repeated points: ample for a state-level map, a fraction of the bytes. */
function simplifyGeometry(geometry: Geometry): Geometry {
  const ring = (points: number[][]) => {
    const out: number[][] = [];
    for (const [x, y] of points) {
      const p = [Math.round(x * 100) / 100, Math.round(y * 100) / 100];
      const prev = out.at(-1);
      if (!prev || prev[0] !== p[0] || prev[1] !== p[1]) out.push(p);
    }
    return out;
  };
  if (geometry.type === "Polygon") return { type: "Polygon", coordinates: geometry.coordinates.map(ring) };
  if (geometry.type === "MultiPolygon") {
    return { type: "MultiPolygon", coordinates: geometry.coordinates.map((poly) => poly.map(ring)) };
  }
  return geometry;
}

/**
 * Volume by topic over the incident's regions, with the same window of the 4 previous weeks as a band.
 *
 * The counts' key is (org, region, topic, bucket): naming the organisation's topics as well as the
 * regions makes each window one bounded range per region × topic of that key. With the regions alone
 * the topic column sits between them and the time range, and Postgres reads every bucket of those
 * regions since the beginning (at 5M complaints over 8 weeks: ~250,000 entries for ~12,000 wanted).
 */
async function volume(db: Db, orgId: number, regionList: string[], from: number, to: number) {
  if (regionList.length === 0) return { series: [], baseline: [] };
  const windows = [0, 1, 2, 3, 4].map((w) => [from - w * WEEK, to - w * WEEK] as const);
  const rows = await db
    .select({
      t: sql<number>`(extract(epoch from ${complaintCounts.bucketStart}) * 1000)::float8`.mapWith(Number),
      // By topic in the incident's own window; the four earlier weeks are only wanted as totals.
      topic: sql<
        string | null
      >`case when ${complaintCounts.bucketStart} >= ${new Date(from).toISOString()}::timestamptz then ${complaintCounts.topicSlug} end`,
      n: sql<number>`sum(${complaintCounts.count})::int`,
    })
    .from(complaintCounts)
    .where(
      and(
        eq(complaintCounts.orgId, orgId),
        inArray(complaintCounts.regionCode, regionList),
        sql`${complaintCounts.topicSlug} = any(array(select ${topics.slug} from ${topics} where ${topics.orgId} = ${orgId}))`,
        or(
          ...windows.map(([a, b]) =>
            and(gte(complaintCounts.bucketStart, new Date(a)), lte(complaintCounts.bucketStart, new Date(b))),
          ),
        ),
      ),
    )
    .groupBy(sql`1`, sql`2`);
  const current = new Map<number, Record<string, number>>();
  const past = new Map<number, number[]>();
  for (const r of rows) {
    const t = r.t;
    if (r.topic !== null) {
      const point = current.get(t) ?? {};
      point[r.topic] = (point[r.topic] ?? 0) + r.n;
      current.set(t, point);
    } else {
      // Which earlier week this bucket belongs to, and where it falls in the current window.
      const week = Math.ceil((from - t) / WEEK);
      const aligned = t + week * WEEK;
      if (week < 1 || week > 4 || aligned > to) continue;
      const totals = past.get(aligned) ?? [0, 0, 0, 0];
      totals[week - 1] += r.n;
      past.set(aligned, totals);
    }
  }
  const series: { t: number; [topic: string]: number }[] = [];
  const baseline: { t: number; low: number; high: number }[] = [];
  for (let t = Math.floor(from / BUCKET) * BUCKET; t <= to; t += BUCKET) {
    series.push({ t, ...(current.get(t) ?? {}) });
    const weeks = past.get(t) ?? [0, 0, 0, 0];
    baseline.push({ t, low: Math.min(...weeks), high: Math.max(...weeks) });
  }
  return { series, baseline };
}

export async function loadRoom(
  db: Db,
  orgId: number,
  incidentId: number,
  filter: StreamFilter,
  now = Date.now(),
) {
  // Everything keyed by the incident alone starts at once, beside the incident itself; only the chart
  // waits for the incident's regions and start. An unknown incident (or another organisation's) still
  // fails the whole load with getIncident's NotFoundError, and nothing fetched is returned.
  const incidentLoad = getIncident(db, orgId, incidentId);
  const chartLoad = incidentLoad.then(({ row }) => {
    const chartTo = Math.min(now, row.resolvedAt ? row.resolvedAt.getTime() + 3600_000 : now);
    const chartFrom = Math.max(row.startedAt.getTime() - 3 * 3600_000, chartTo - MAX_CHART_MS);
    return volume(db, orgId, row.regions, chartFrom, chartTo);
  });
  const [
    incident,
    chart,
    shapes,
    topicRows,
    regionScores,
    points,
    suggestions,
    stream,
    queue,
    coverage,
    events,
    people,
  ] = await Promise.all([
    incidentLoad,
    chartLoad,
    regionShapes(db, orgId),
    db
      .select({ slug: topics.slug, label: topics.label })
      .from(topics)
      .where(eq(topics.orgId, orgId))
      .orderBy(asc(topics.position)),
    // Scores of the linked spikes' regions (the clusters getIncident lists as `linked`).
    db
      .select({ region: spikes.regionCode, score: sql<number>`max(${spikes.score})` })
      .from(spikes)
      .innerJoin(spikeClusters, eq(spikeClusters.id, spikes.clusterId))
      .where(
        and(
          eq(spikes.orgId, orgId),
          eq(spikeClusters.orgId, orgId),
          eq(spikeClusters.incidentId, incidentId),
        ),
      )
      .groupBy(spikes.regionCode),
    db
      .select({ id: complaints.id, lat: complaints.lat, lon: complaints.lon })
      .from(complaints)
      .where(
        and(eq(complaints.orgId, orgId), eq(complaints.incidentId, incidentId), isNotNull(complaints.lat)),
      )
      .orderBy(NEWEST_FIRST[0])
      .limit(1000),
    suggestedClusters(db, orgId, incidentId),
    complaintStream(db, orgId, incidentId, filter),
    replyQueue(db, orgId, incidentId, now),
    db
      .select()
      .from(incidentCoverage)
      .where(eq(incidentCoverage.incidentId, incidentId))
      .orderBy(asc(incidentCoverage.regionCode)),
    timeline(db, orgId, incidentId),
    db
      .select({ id: users.id, name: users.name, role: users.role })
      .from(users)
      .where(eq(users.orgId, orgId))
      .orderBy(asc(users.name)),
  ]);
  const { row } = incident;
  // getIncident already read the updates (oldest first); the room wants the newest first.
  const updates = [...incident.updates].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  const affected = new Set(row.regions);
  const shown = new Set(row.regions);
  for (const s of shapes) if (affected.has(s.code)) for (const n of s.neighbours) shown.add(n);
  const markerEvents = events.filter((e) => e.kind === "created" || e.kind === "state_changed");
  return {
    incident: {
      id: row.id,
      title: row.title,
      state: row.state,
      severity: row.severity,
      summary: row.summary,
      regions: row.regions,
      topics: row.topics,
      componentIds: row.componentIds,
      cadenceMinutes: row.cadenceMinutes,
      startedAt: row.startedAt.toISOString(),
      resolvedAt: row.resolvedAt?.toISOString() ?? null,
      nextUpdateDueAt: incident.nextUpdateDueAt,
      commander: incident.assignments.find((a) => a.role === "commander") ?? null,
      assignments: incident.assignments.map(({ role, userId, name }) => ({ role, userId, name })),
    },
    map: {
      regions: {
        type: "FeatureCollection" as const,
        features: shapes
          .filter((s) => (shown.size ? shown.has(s.code) : true))
          .map((s) => ({
            type: "Feature" as const,
            properties: { code: s.code, name: s.name },
            geometry: s.geometry,
          })),
      },
      scores: Object.fromEntries(regionScores.map((r) => [r.region, Math.round(Number(r.score) * 10) / 10])),
      points: points.map((p) => ({ id: p.id, lat: p.lat as number, lon: p.lon as number })),
    },
    chart: {
      ...chart,
      topics: topicRows,
      markers: [
        ...markerEvents.map((e) => ({ t: e.at.getTime(), label: e.message, kind: "event" as const })),
        ...updates
          .filter((u) => u.publishedAt)
          .map((u) => ({
            t: u.publishedAt!.getTime(),
            label: `${u.kind} published`,
            kind: "update" as const,
          })),
      ],
    },
    linked: incident.linked.map(toSpikeOut),
    suggestions: suggestions.map(toSpikeOut),
    stream,
    queue,
    coverage: coverage.map((c) => ({ region: c.regionCode, complaints: c.complaints, answered: c.answered })),
    timeline: events.map((e) => ({
      id: e.id,
      at: e.at.toISOString(),
      kind: e.kind,
      message: e.message,
      actor: e.actorName,
    })),
    people,
    holdingStatement: holdingStatement(row, updates),
  };
}

/** The reply prefill: the newest published update's words, else a plain holding line. */
function holdingStatement(
  row: { title: string; regions: string[] },
  updates: { body: string; publishedAt: Date | null }[],
): string {
  const published = updates.find((u) => u.publishedAt);
  if (published) return published.body;
  const where = row.regions.length ? ` in ${row.regions.join(", ")}` : "";
  return `We're aware of the problem${where} (${row.title}) and are working on it now. We'll post updates as soon as we know more. Sorry for the trouble.`;
}

export type Room = Awaited<ReturnType<typeof loadRoom>>;
