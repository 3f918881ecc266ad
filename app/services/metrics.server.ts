import { and, asc, eq, isNotNull, type SQL, sql } from "drizzle-orm";
import { type InboundInput, inboundWindows, seasonalWeeks, WEEK_MS } from "~/domain/metrics/inbound";
import { type IncidentMetrics, incidentMetrics } from "~/domain/metrics/incident";
import type { CoverageGroup, DeliveryGroup, DeliveryPurpose } from "~/domain/metrics/summaries";
import { NotFoundError } from "~/utils/errors";
import { type Db, queryRows } from "~db/client.server";
import { complaintCounts, incidents, spikeClusters, statusUpdates } from "~db/schema";
import { pgArray } from "./intake.server";

/**
 * The comms metrics of one incident (docs/decisions/015-comms-metrics.md): a handful of set-based queries
 * — each an aggregate or an index range scoped by organisation and incident, none per row — whose results
 * app/domain/metrics turns into the numbers. The report and the cross-incident page reuse the pieces.
 */

export type IncidentRow = typeof incidents.$inferSelect;

export async function loadIncidentRow(db: Db, orgId: number, incidentId: number): Promise<IncidentRow> {
  const [row] = await db
    .select()
    .from(incidents)
    .where(and(eq(incidents.id, incidentId), eq(incidents.orgId, orgId)));
  if (!row) throw new NotFoundError(`Incident ${incidentId} does not exist.`);
  return row;
}

export async function incidentMetricsFor(
  db: Db,
  orgId: number,
  incidentId: number,
  options: { now?: number; windowMinutes?: number } = {},
): Promise<IncidentMetrics> {
  const row = await loadIncidentRow(db, orgId, incidentId);
  return metricsOf(db, orgId, row, options.now ?? Date.now(), options.windowMinutes ?? 30);
}

export async function metricsOf(
  db: Db,
  orgId: number,
  row: IncidentRow,
  now: number,
  windowMinutes: number,
): Promise<IncidentMetrics> {
  const [spike, updates, coverage, deliveries, reached, historyStart] = await Promise.all([
    firstSpike(db, orgId, row.id),
    publishedUpdates(db, orgId, [row.id]),
    coverageGroups(db, orgId, row.id),
    deliveryGroups(db, orgId, [row.id]),
    subscribersReached(db, orgId, [row.id]),
    countsHistoryStart(db, orgId),
  ]);
  const windows = await inboundFor(db, orgId, row, updates, windowMinutes, historyStart);
  return incidentMetrics({
    incident: {
      startedAt: row.startedAt.getTime(),
      openedAt: row.createdAt.getTime(),
      resolvedAt: row.resolvedAt?.getTime() ?? null,
    },
    firstSpike: spike,
    updates,
    coverage,
    inbound: { windowMinutes, windows },
    deliveries,
    subscribersReached: reached,
    now,
  });
}

async function firstSpike(db: Db, orgId: number, incidentId: number) {
  const [c] = await db
    .select({ startedAt: spikeClusters.startedAt, detectedAt: spikeClusters.detectedAt })
    .from(spikeClusters)
    .where(and(eq(spikeClusters.orgId, orgId), eq(spikeClusters.incidentId, incidentId)))
    .orderBy(asc(spikeClusters.startedAt), asc(spikeClusters.detectedAt))
    .limit(1);
  return c ? { startedAt: c.startedAt.getTime(), detectedAt: c.detectedAt.getTime() } : null;
}

/** Published updates of these incidents, oldest first (what cadence and the windows are measured on). */
export async function publishedUpdates(db: Db, orgId: number, incidentIds: number[]) {
  if (incidentIds.length === 0) return [];
  const rows = await db
    .select({
      id: statusUpdates.id,
      incidentId: statusUpdates.incidentId,
      number: statusUpdates.number,
      publishedAt: statusUpdates.publishedAt,
      nextUpdateAt: statusUpdates.nextUpdateAt,
    })
    .from(statusUpdates)
    .where(
      and(
        eq(statusUpdates.orgId, orgId),
        sql`${statusUpdates.incidentId} = any(${pgArray(incidentIds, "int")})`,
        eq(statusUpdates.state, "published"),
        isNotNull(statusUpdates.publishedAt),
      ),
    )
    .orderBy(asc(statusUpdates.publishedAt), asc(statusUpdates.number));
  return rows.map((u) => ({
    id: u.id,
    incidentId: u.incidentId,
    number: u.number,
    publishedAt: u.publishedAt!.getTime(),
    nextUpdateAt: u.nextUpdateAt?.getTime() ?? null,
  }));
}

/**
 * The incident's complaints, answered (a reply written in Clarion: `answered_at`) and the time to the
 * first reply, overall, per region and per source, in one pass (grouping sets).
 */
async function coverageGroups(db: Db, orgId: number, incidentId: number) {
  const rows = await queryRows<{
    dim: "region" | "source" | "all";
    key: string;
    complaints: number;
    answered: number;
    median_s: number | null;
  }>(
    db,
    sql`with scoped as (
          select c.id, coalesce(c.region_code, 'unknown') as region, c.source, c.answered_at, c.created_at
          from complaints c where c.org_id = ${orgId} and c.incident_id = ${incidentId}
        ), first_reply as (
          select r.complaint_id, min(r.created_at) as at
          from replies r join scoped s on s.id = r.complaint_id
          where r.org_id = ${orgId}
          group by r.complaint_id
        )
        select case when grouping(s.region) = 0 then 'region' when grouping(s.source) = 0 then 'source'
                    else 'all' end as dim,
               coalesce(case when grouping(s.region) = 0 then s.region end,
                        case when grouping(s.source) = 0 then s.source end, '') as key,
               count(*)::int as complaints, count(s.answered_at)::int as answered,
               (percentile_cont(0.5) within group (order by extract(epoch from f.at - s.created_at)))::float8
                 as median_s
        from scoped s left join first_reply f on f.complaint_id = s.id
        group by grouping sets ((s.region), (s.source), ())`,
  );
  const group = (r: (typeof rows)[number]): CoverageGroup => ({
    key: r.key,
    complaints: Number(r.complaints),
    answered: Number(r.answered),
    medianFirstReplySeconds: r.median_s === null ? null : Number(r.median_s),
  });
  const all = rows.find((r) => r.dim === "all");
  return {
    all: all ? group(all) : { key: "", complaints: 0, answered: 0, medianFirstReplySeconds: null },
    byRegion: rows.filter((r) => r.dim === "region").map(group),
    bySource: rows.filter((r) => r.dim === "source").map(group),
  };
}

/**
 * Deliveries of these incidents' status updates (to channels and to subscribers) and of their replies,
 * counted by purpose × channel and state, with the median from publication (replies: from the reply)
 * to sent.
 */
export async function deliveryGroups(db: Db, orgId: number, incidentIds: number[]): Promise<DeliveryGroup[]> {
  if (incidentIds.length === 0) return [];
  const ids = pgArray(incidentIds, "int");
  const rows = await queryRows<{
    purpose: DeliveryPurpose;
    channel: string;
    sent: number;
    failed: number;
    unknown: number;
    pending: number;
    cancelled: number;
    median_s: number | null;
  }>(
    db,
    sql`select x.purpose, x.channel,
          count(*) filter (where x.state = 'sent')::int as sent,
          count(*) filter (where x.state = 'failed')::int as failed,
          count(*) filter (where x.state = 'unknown')::int as unknown,
          count(*) filter (where x.state in ('pending', 'sending'))::int as pending,
          count(*) filter (where x.state = 'cancelled')::int as cancelled,
          (percentile_cont(0.5) within group (order by x.latency_s))::float8 as median_s
        from (
          select case when d.subscriber_id is null then 'update' else 'notification' end as purpose,
                 coalesce(d.channel_kind, 'unknown') as channel, d.state,
                 case when d.state = 'sent' then extract(epoch from d.sent_at - u.published_at) end as latency_s
          from status_updates u join deliveries d on d.update_id = u.id
          where u.org_id = ${orgId} and d.org_id = ${orgId} and u.incident_id = any(${ids})
          union all
          select 'reply', coalesce(d.channel_kind, r.via), d.state,
                 case when d.state = 'sent' then extract(epoch from d.sent_at - r.created_at) end
          from replies r join deliveries d on d.reply_id = r.id
          where r.org_id = ${orgId} and d.org_id = ${orgId} and r.incident_id = any(${ids})
        ) x
        group by x.purpose, x.channel`,
  );
  return rows.map((r) => ({
    purpose: r.purpose,
    channel: r.channel,
    sent: Number(r.sent),
    failed: Number(r.failed),
    unknown: Number(r.unknown),
    pending: Number(r.pending),
    cancelled: Number(r.cancelled),
    medianLatencySeconds: r.median_s === null ? null : Number(r.median_s),
  }));
}

/** Distinct subscribers with at least one update of these incidents delivered to them. */
export async function subscribersReached(db: Db, orgId: number, incidentIds: number[]): Promise<number> {
  if (incidentIds.length === 0) return 0;
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`select count(distinct d.subscriber_id)::int as n
        from status_updates u join deliveries d on d.update_id = u.id
        where u.org_id = ${orgId} and d.org_id = ${orgId} and u.incident_id = any(${pgArray(incidentIds, "int")})
          and d.subscriber_id is not null and d.state = 'sent'`,
  );
  return Number(row?.n ?? 0);
}

/** The organisation's first stored count: earlier weeks before it hold no data, not zero complaints. */
export async function countsHistoryStart(db: Db, orgId: number): Promise<number | null> {
  const [row] = await db
    .select({
      first: sql<number | null>`(extract(epoch from min(${complaintCounts.bucketStart})) * 1000)::float8`,
    })
    .from(complaintCounts)
    .where(eq(complaintCounts.orgId, orgId));
  return row?.first === null || row?.first === undefined ? null : Number(row.first);
}

/** The affected cells: the incident's regions × its topics (every topic when it names none). */
export function cellFilter(region: SQL, topic: SQL, regions: string[], topics: string[]): SQL {
  const inRegions = sql`${region} = any(${pgArray(regions, "text")})`;
  return topics.length ? sql`${inRegions} and ${topic} = any(${pgArray(topics, "text")})` : inRegions;
}

/**
 * Complaints (the 5-minute counts) and mean sentiment in the affected cells in the windows before and
 * after each published update, and the same windows in the earlier weeks that have data: one lateral
 * index range per window.
 */
async function inboundFor(
  db: Db,
  orgId: number,
  row: IncidentRow,
  updates: { id: number; number: number; publishedAt: number }[],
  windowMinutes: number,
  historyStart: number | null,
): Promise<Omit<InboundInput, "now">[]> {
  if (updates.length === 0) return [];
  type W = { id: number; side: "before" | "after"; k: number; from: number; to: number };
  const windows: W[] = [];
  const weeksOf = new Map<number, number[]>();
  for (const u of updates) {
    const w = inboundWindows(u.publishedAt, windowMinutes);
    const weeks = seasonalWeeks(w.before.from, historyStart);
    weeksOf.set(u.id, weeks);
    for (const k of [0, ...weeks]) {
      for (const side of ["before", "after"] as const) {
        windows.push({ id: u.id, side, k, from: w[side].from - k * WEEK_MS, to: w[side].to - k * WEEK_MS });
      }
    }
  }
  const cells = (alias: string) =>
    cellFilter(sql.raw(`${alias}.region_code`), sql.raw(`${alias}.topic_slug`), row.regions, row.topics);
  const iso = (ms: number) => new Date(ms).toISOString();
  const unnest = sql`unnest(${pgArray(
    windows.map((w) => w.id),
    "int",
  )}, ${pgArray(
    windows.map((w) => w.side),
    "text",
  )}, ${pgArray(
    windows.map((w) => w.k),
    "int",
  )}, ${pgArray(
    windows.map((w) => iso(w.from)),
    "timestamptz",
  )}, ${pgArray(
    windows.map((w) => iso(w.to)),
    "timestamptz",
  )}) as w(id, side, k, t0, t1)`;
  const noCells = row.regions.length === 0;
  const [counts, moods] = await Promise.all([
    noCells
      ? []
      : queryRows<{ id: number; side: string; k: number; n: number }>(
          db,
          sql`select w.id, w.side, w.k, coalesce(sum(c.count), 0)::int as n
              from ${unnest}
              left join lateral (
                select cc.count from complaint_counts cc
                where cc.org_id = ${orgId} and ${cells("cc")}
                  and cc.bucket_start >= w.t0 and cc.bucket_start < w.t1
              ) c on true
              group by w.id, w.side, w.k`,
        ),
    noCells
      ? []
      : queryRows<{ id: number; side: string; mean: number | null; n: number }>(
          db,
          sql`select w.id, w.side, avg(c.sentiment)::float8 as mean, count(c.sentiment)::int as n
              from ${unnest}
              left join lateral (
                select cm.sentiment from complaints cm
                where cm.org_id = ${orgId} and ${cells("cm")} and cm.counted and cm.sentiment is not null
                  and cm.created_at >= w.t0 and cm.created_at < w.t1
              ) c on true
              where w.k = 0
              group by w.id, w.side`,
        ),
  ]);
  const countOf = (id: number, side: string, k: number) =>
    Number(counts.find((c) => Number(c.id) === id && c.side === side && Number(c.k) === k)?.n ?? 0);
  const moodOf = (id: number, side: string) => moods.find((m) => Number(m.id) === id && m.side === side);
  return updates.map((u, i) => {
    const weeks = weeksOf.get(u.id) ?? [];
    const side = (s: "before" | "after") => {
      const mood = moodOf(u.id, s);
      return {
        complaints: countOf(u.id, s, 0),
        weekly: weeks.map((k) => countOf(u.id, s, k)),
        sentiment: mood?.mean === null || mood?.mean === undefined ? null : Number(mood.mean),
        sentimentCount: Number(mood?.n ?? 0),
      };
    };
    return {
      updateId: u.id,
      number: u.number,
      publishedAt: u.publishedAt,
      nextPublishedAt: updates[i + 1]?.publishedAt ?? null,
      windowMinutes,
      before: side("before"),
      after: side("after"),
    };
  });
}
