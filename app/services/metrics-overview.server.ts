import { and, eq, gte, lt, type SQL, sql } from "drizzle-orm";
import type { MetricsFilter } from "~/domain/metrics/filters";
import { type ChannelReliability, channelReliability } from "~/domain/metrics/summaries";
import {
  type IncidentLine,
  incidentLine,
  overall,
  type TrendRow,
  trends,
  type WorkloadRow,
  workload,
} from "~/domain/metrics/trends";
import { ValidationError } from "~/utils/errors";
import { type Db, queryRows } from "~db/client.server";
import { incidents, regions } from "~db/schema";
import { pgArray } from "./intake.server";
import { deliveryGroups, publishedUpdates, subscribersReached } from "./metrics.server";

/**
 * Comms metrics across incidents (/metrics and its CSV): the incidents that started in the period (and
 * touch the region, at the severity, when those are chosen), each summed up in one line, then trends by
 * month and severity, channel reliability and the team's reply workload. Every query is an aggregate over
 * the chosen incidents' ids, scoped by organisation.
 */

/** More incidents than this in one period: the newest are measured and the page says so. */
export const MAX_INCIDENTS = 2000;

export interface MetricsOverview {
  incidents: IncidentLine[];
  truncated: boolean;
  trends: TrendRow[];
  overall: ReturnType<typeof overall>;
  channels: ChannelReliability[];
  subscribersReached: number;
  workload: WorkloadRow[];
}

export async function metricsOverview(
  db: Db,
  orgId: number,
  filter: MetricsFilter,
  now = Date.now(),
): Promise<MetricsOverview> {
  if (filter.region) {
    const [known] = await db
      .select({ code: regions.code })
      .from(regions)
      .where(and(eq(regions.orgId, orgId), eq(regions.code, filter.region)));
    if (!known)
      throw new ValidationError("Unknown region", { region: `There is no region “${filter.region}”` });
  }
  const conditions: (SQL | undefined)[] = [
    eq(incidents.orgId, orgId),
    gte(incidents.startedAt, new Date(filter.from)),
    lt(incidents.startedAt, new Date(filter.to)),
    filter.severity ? eq(incidents.severity, filter.severity) : undefined,
    filter.region ? sql`${filter.region}::text = any(${incidents.regions})` : undefined,
  ];
  const rows = await db
    .select({
      id: incidents.id,
      title: incidents.title,
      severity: incidents.severity,
      state: incidents.state,
      startedAt: incidents.startedAt,
      resolvedAt: incidents.resolvedAt,
    })
    .from(incidents)
    .where(and(...conditions))
    .orderBy(sql`${incidents.startedAt} desc`)
    .limit(MAX_INCIDENTS + 1);
  const truncated = rows.length > MAX_INCIDENTS;
  const scoped = rows.slice(0, MAX_INCIDENTS).reverse();
  const ids = scoped.map((r) => r.id);
  const [spikes, updates, coverage, deliveries, reached, replyLoad, updateLoad] = await Promise.all([
    firstSpikes(db, orgId, ids),
    publishedUpdates(db, orgId, ids),
    coverageByIncident(db, orgId, ids),
    deliveryGroups(db, orgId, ids),
    subscribersReached(db, orgId, ids),
    replyWorkload(db, orgId, ids),
    updateWorkload(db, orgId, ids),
  ]);
  const updatesOf = new Map<number, typeof updates>();
  for (const u of updates) updatesOf.set(u.incidentId, [...(updatesOf.get(u.incidentId) ?? []), u]);
  const lines = scoped.map((r) => {
    const c = coverage.get(r.id);
    return incidentLine(
      {
        id: r.id,
        title: r.title,
        severity: r.severity,
        state: r.state,
        startedAt: r.startedAt.getTime(),
        resolvedAt: r.resolvedAt?.getTime() ?? null,
        firstSpikeAt: spikes.get(r.id) ?? null,
        updates: updatesOf.get(r.id) ?? [],
        complaints: c?.complaints ?? 0,
        answered: c?.answered ?? 0,
        medianFirstReplySeconds: c?.medianSeconds ?? null,
      },
      now,
    );
  });
  return {
    incidents: lines,
    truncated,
    trends: trends(lines),
    overall: overall(lines),
    channels: channelReliability(deliveries),
    subscribersReached: reached,
    workload: workload(replyLoad, updateLoad),
  };
}

async function firstSpikes(db: Db, orgId: number, ids: number[]): Promise<Map<number, number>> {
  if (ids.length === 0) return new Map();
  const rows = await queryRows<{ incident_id: number; first_ms: number }>(
    db,
    sql`select incident_id, (extract(epoch from min(started_at)) * 1000)::float8 as first_ms
        from spike_clusters where org_id = ${orgId} and incident_id = any(${pgArray(ids, "int")})
        group by incident_id`,
  );
  return new Map(rows.map((r) => [Number(r.incident_id), Number(r.first_ms)]));
}

async function coverageByIncident(db: Db, orgId: number, ids: number[]) {
  if (ids.length === 0)
    return new Map<number, { complaints: number; answered: number; medianSeconds: number | null }>();
  const rows = await queryRows<{
    incident_id: number;
    complaints: number;
    answered: number;
    median_s: number | null;
  }>(
    db,
    sql`with scoped as (
          select c.id, c.incident_id, c.answered_at, c.created_at from complaints c
          where c.org_id = ${orgId} and c.incident_id = any(${pgArray(ids, "int")})
        ), first_reply as (
          select r.complaint_id, min(r.created_at) as at
          from replies r join scoped s on s.id = r.complaint_id
          where r.org_id = ${orgId} group by r.complaint_id
        )
        select s.incident_id, count(*)::int as complaints, count(s.answered_at)::int as answered,
               (percentile_cont(0.5) within group (order by extract(epoch from f.at - s.created_at)))::float8
                 as median_s
        from scoped s left join first_reply f on f.complaint_id = s.id
        group by s.incident_id`,
  );
  return new Map(
    rows.map((r) => [
      Number(r.incident_id),
      {
        complaints: Number(r.complaints),
        answered: Number(r.answered),
        medianSeconds: r.median_s === null ? null : Number(r.median_s),
      },
    ]),
  );
}

/** Replies per person: how many, how many sends (a reply to everyone in a spike is one), how quickly. */
async function replyWorkload(db: Db, orgId: number, ids: number[]) {
  if (ids.length === 0) return [];
  const rows = await queryRows<{
    user_id: number | null;
    name: string | null;
    replies: number;
    sends: number;
    incidents: number;
    median_s: number | null;
  }>(
    db,
    sql`select r.author_user_id as user_id, u.name, count(*)::int as replies,
               count(distinct coalesce(r.batch_id::text, r.id::text))::int as sends,
               count(distinct r.incident_id)::int as incidents,
               (percentile_cont(0.5) within group (order by extract(epoch from r.created_at - c.created_at)))::float8
                 as median_s
        from replies r
        join complaints c on c.id = r.complaint_id and c.org_id = ${orgId}
        left join users u on u.id = r.author_user_id and u.org_id = ${orgId}
        where r.org_id = ${orgId} and r.incident_id = any(${pgArray(ids, "int")})
        group by r.author_user_id, u.name`,
  );
  return rows.map((r) => ({
    userId: r.user_id === null ? null : Number(r.user_id),
    name: r.name,
    replies: Number(r.replies),
    sends: Number(r.sends),
    incidents: Number(r.incidents),
    medianReplySeconds: r.median_s === null ? null : Number(r.median_s),
  }));
}

/** Published updates per person: written, and approved. */
async function updateWorkload(db: Db, orgId: number, ids: number[]) {
  if (ids.length === 0) return [];
  const rows = await queryRows<{
    user_id: number | null;
    name: string | null;
    authored: number;
    approved: number;
  }>(
    db,
    sql`select x.user_id, u.name, sum(x.authored)::int as authored, sum(x.approved)::int as approved
        from (
          select author_user_id as user_id, 1 as authored, 0 as approved from status_updates
          where org_id = ${orgId} and incident_id = any(${pgArray(ids, "int")}) and state = 'published'
          union all
          select approved_by_user_id, 0, 1 from status_updates
          where org_id = ${orgId} and incident_id = any(${pgArray(ids, "int")}) and state = 'published'
        ) x left join users u on u.id = x.user_id and u.org_id = ${orgId}
        group by x.user_id, u.name`,
  );
  return rows.map((r) => ({
    userId: r.user_id === null ? null : Number(r.user_id),
    name: r.name,
    authored: Number(r.authored),
    approved: Number(r.approved),
  }));
}
