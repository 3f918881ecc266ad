import { and, asc, eq, isNotNull, isNull, lt, type SQL, sql } from "drizzle-orm";
import type { Geometry } from "geojson";
import { z } from "zod";
import { REPLY_SLA_MINUTES } from "~/domain/incidents";
import { type Db, queryRows } from "~db/client.server";
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
import { pgArray } from "./intake.server";

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

/** Three letters or digits in a row: a query pg_trgm takes at least one trigram from. */
const HAS_TRIGRAM = /[a-z0-9]{3}/i;

/**
 * The stream's search: the text contains `q`, ignoring case (ILIKE, with LIKE's `\`, `%` and `_` taken
 * literally). A query with a trigram is answered through `complaints_incident_text_trgm_idx` when the
 * planner expects few matches (migration 0006, docs/decisions/009-room-search.md): a search that matches
 * nothing reads a few index pages instead of the incident's every complaint. A query without three
 * letters or digits in a row (`ok`, `5%`, `!!`) may have no trigram, and then the index could only be
 * read whole (every complaint of every incident: 0.6 s at 150k, bench:room), so it is written in a form
 * the trigram index cannot serve (`text || ''`, the same value): the incident's complaints are read
 * newest first until a page is full, as before the index.
 */
function textSearch(q: string): SQL {
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return HAS_TRIGRAM.test(q)
    ? sql`${complaints.text} ilike ${pattern}`
    : sql`(${complaints.text} || '') ilike ${pattern}`;
}

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
  if (filter.q) conditions.push(textSearch(filter.q));
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
 * One range scan per window (a lateral join over the five weeks), each reading only the covering
 * index `complaint_counts_chart_idx` (org, region, topic, bucket) INCLUDE (count): an OR of five time
 * ranges is not an index condition, and reading the counts' heap costs a page per ~10 rows. The
 * topics are named (the organisation's, archived ones included) so each window is one bounded range
 * per region × topic. Charts over 12 hours step by 15 minutes: a 2-day chart of 5-minute points is
 * both ~3× the rows and more points than the chart has pixels for.
 */
/**
 * The earlier weeks' band is history: it is kept per database, organisation, regions, topics and chart
 * grid, and only its last hour (a bin may have been cut at the previous `to`) and newer bins are read
 * again, until the entry is BAND_TTL_MS old (late complaints for a past week then show up). Every viewer
 * of a room re-loads it on each live event, so this is most of the chart's reading.
 */
const BAND_TTL_MS = 10 * 60_000;
const BAND_ENTRIES = 500;
interface BandEntry {
  readTo: number;
  bins: Map<number, number[]>;
  loadedAt: number;
}
const bandCache = new WeakMap<Db, Map<string, BandEntry>>();

function bandEntry(db: Db, key: string, start: number): BandEntry {
  let entries = bandCache.get(db);
  if (!entries) {
    entries = new Map();
    bandCache.set(db, entries);
  }
  const cached = entries.get(key);
  if (cached && Date.now() - cached.loadedAt < BAND_TTL_MS) return cached;
  if (entries.size >= BAND_ENTRIES) entries.delete(entries.keys().next().value as string);
  const fresh = { readTo: start, bins: new Map<number, number[]>(), loadedAt: Date.now() };
  entries.set(key, fresh);
  return fresh;
}

async function volume(
  db: Db,
  orgId: number,
  regionList: string[],
  topicSlugs: string[],
  from: number,
  to: number,
) {
  if (regionList.length === 0) return { step: BUCKET, series: [], baseline: [] };
  const step = to - from > 12 * 3600_000 ? 3 * BUCKET : BUCKET;
  const start = Math.floor(from / step) * step;
  const band = bandEntry(
    db,
    `${orgId}|${regionList.join(",")}|${topicSlugs.join(",")}|${step}|${start}`,
    start,
  );
  const pastFrom = Math.max(start, Math.floor((band.readTo - 3600_000) / step) * step);
  // `bin` is the bin in the CURRENT window (earlier weeks shifted forward by k weeks), so the database
  // sums each week per bin and the band is four numbers per bin. Week 0 is read whole, by topic; the
  // earlier weeks from `pastFrom`.
  const rows = await queryRows<{ week: number; bin: number; topic: string | null; n: number }>(
    db,
    sql`
    select w.k::int as week,
      floor((date_part('epoch', c.bucket_start) * 1000 + w.k * ${WEEK}::float8 - ${start}::float8) / ${step}::float8)::int as bin,
      case when w.k = 0 then c.topic_slug end as topic,
      sum(c.count)::int as n
    from generate_series(0, 4) as w(k)
    cross join lateral (
      select ${complaintCounts.bucketStart} as bucket_start, ${complaintCounts.topicSlug} as topic_slug,
        ${complaintCounts.count} as count
      from ${complaintCounts}
      where ${complaintCounts.orgId} = ${orgId}
        and ${complaintCounts.regionCode} = any(${pgArray(regionList, "text")})
        and ${complaintCounts.topicSlug} = any(${pgArray(topicSlugs, "text")})
        and ${complaintCounts.bucketStart} >= (case when w.k = 0 then ${new Date(start).toISOString()}::timestamptz
          else ${new Date(pastFrom).toISOString()}::timestamptz end) - w.k * interval '7 days'
        and ${complaintCounts.bucketStart} <= ${new Date(to).toISOString()}::timestamptz - w.k * interval '7 days'
    ) as c
    group by 1, 2, 3`,
  );
  const bins = Math.floor((to - start) / step) + 1;
  const current: Record<string, number>[] = Array.from({ length: bins }, () => ({}));
  for (let t = pastFrom; t <= to; t += step) band.bins.set(t, [0, 0, 0, 0]);
  for (const r of rows) {
    const bin = Number(r.bin);
    if (bin < 0 || bin >= bins) continue;
    const week = Number(r.week);
    if (week === 0 && r.topic !== null) current[bin][r.topic] = (current[bin][r.topic] ?? 0) + Number(r.n);
    else if (week >= 1) {
      const weeks = band.bins.get(start + bin * step);
      if (weeks) weeks[week - 1] += Number(r.n);
    }
  }
  band.readTo = Math.max(band.readTo, to);
  const series: { t: number; [topic: string]: number }[] = current.map((point, i) => ({
    t: start + i * step,
    ...point,
  }));
  const baseline = current.map((_, i) => {
    const t = start + i * step;
    const weeks = band.bins.get(t) ?? [0, 0, 0, 0];
    return { t, low: Math.min(...weeks), high: Math.max(...weeks) };
  });
  return { step, series, baseline };
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
  // The organisation's topics (archived ones too): the chart's legend and the counts it reads.
  const topicsLoad = db
    .select({ slug: topics.slug, label: topics.label })
    .from(topics)
    .where(eq(topics.orgId, orgId))
    .orderBy(asc(topics.position));
  const chartLoad = Promise.all([incidentLoad, topicsLoad]).then(([{ row }, topicList]) => {
    const chartTo = Math.min(now, row.resolvedAt ? row.resolvedAt.getTime() + 3600_000 : now);
    const chartFrom = Math.max(row.startedAt.getTime() - 3 * 3600_000, chartTo - MAX_CHART_MS);
    const slugs = topicList.map((t) => t.slug);
    return volume(db, orgId, row.regions, slugs, chartFrom, chartTo);
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
    topicsLoad,
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
