import { and, asc, eq, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { seasonalWeeks, WEEK_MS } from "~/domain/metrics/inbound";
import {
  type IncidentReport,
  type ReportChartPoint,
  type ReportTimelineEntry,
  timelineCategory,
} from "~/domain/metrics/report";
import { MINUTE_MS } from "~/domain/metrics/stats";
import { type Db, queryRows } from "~db/client.server";
import { incidentEvents, spikeClusters, statusUpdates, users } from "~db/schema";
import { pgArray } from "./intake.server";
import {
  cellFilter,
  countsHistoryStart,
  type IncidentRow,
  loadIncidentRow,
  metricsOf,
} from "./metrics.server";

/**
 * The post-incident comms report: the incident, its metrics (metrics.server.ts), its published updates,
 * the story (spikes, decisions, updates, replies; drafts and reviews left out) and the complaint volume in
 * its cells against the usual for those times of the week. Everything scoped by organisation.
 */

/** The report's timeline holds the first this many events (a long incident's reply log can be huge). */
export const TIMELINE_LIMIT = 1000;
const MAX_CHART_MS = 7 * 86_400_000;

export async function incidentReport(
  db: Db,
  orgId: number,
  incidentId: number,
  options: { now?: number; windowMinutes?: number } = {},
): Promise<IncidentReport> {
  const now = options.now ?? Date.now();
  const row = await loadIncidentRow(db, orgId, incidentId);
  const [metrics, updates, timeline, commander, chart] = await Promise.all([
    metricsOf(db, orgId, row, now, options.windowMinutes ?? 30),
    publishedUpdateTexts(db, orgId, row.id),
    storyOf(db, orgId, row.id),
    row.commanderUserId
      ? db
          .select({ name: users.name })
          .from(users)
          .where(and(eq(users.id, row.commanderUserId), eq(users.orgId, orgId)))
      : [],
    volumeOf(db, orgId, row, now),
  ]);
  return {
    incident: {
      id: row.id,
      title: row.title,
      severity: row.severity,
      state: row.state,
      summary: row.summary,
      regions: row.regions,
      topics: row.topics,
      commander: commander[0]?.name ?? null,
      startedAt: row.startedAt.getTime(),
      openedAt: row.createdAt.getTime(),
      resolvedAt: row.resolvedAt?.getTime() ?? null,
      cadenceMinutes: row.cadenceMinutes,
    },
    metrics,
    updates,
    timeline,
    chart,
  };
}

async function publishedUpdateTexts(db: Db, orgId: number, incidentId: number) {
  const author = alias(users, "author");
  const approver = alias(users, "approver");
  const rows = await db
    .select({
      number: statusUpdates.number,
      kind: statusUpdates.kind,
      title: sql<string>`coalesce(${statusUpdates.publishedTitle}, ${statusUpdates.title})`,
      body: sql<string>`coalesce(${statusUpdates.publishedBody}, ${statusUpdates.body})`,
      publishedAt: statusUpdates.publishedAt,
      nextUpdateAt: statusUpdates.nextUpdateAt,
      author: author.name,
      approver: approver.name,
    })
    .from(statusUpdates)
    .leftJoin(author, and(eq(author.id, statusUpdates.authorUserId), eq(author.orgId, orgId)))
    .leftJoin(approver, and(eq(approver.id, statusUpdates.approvedByUserId), eq(approver.orgId, orgId)))
    .where(
      and(
        eq(statusUpdates.orgId, orgId),
        eq(statusUpdates.incidentId, incidentId),
        eq(statusUpdates.state, "published"),
      ),
    )
    .orderBy(asc(statusUpdates.publishedAt), asc(statusUpdates.number));
  return rows.map((u) => ({
    ...u,
    publishedAt: u.publishedAt!.getTime(),
    nextUpdateAt: u.nextUpdateAt?.getTime() ?? null,
  }));
}

/** Linked spikes (began, detected) and the incident's events, in time order. */
async function storyOf(db: Db, orgId: number, incidentId: number) {
  const [clusters, events, [{ total }]] = await Promise.all([
    db
      .select()
      .from(spikeClusters)
      .where(and(eq(spikeClusters.orgId, orgId), eq(spikeClusters.incidentId, incidentId))),
    db
      .select({
        id: incidentEvents.id,
        at: incidentEvents.at,
        kind: incidentEvents.kind,
        message: incidentEvents.message,
        actor: users.name,
      })
      .from(incidentEvents)
      .leftJoin(users, and(eq(users.id, incidentEvents.actorUserId), eq(users.orgId, orgId)))
      .where(
        and(
          eq(incidentEvents.orgId, orgId),
          eq(incidentEvents.incidentId, incidentId),
          sql`${incidentEvents.kind} not in ('update_drafted', 'update_submitted', 'update_changes_requested', 'update_comment')`,
        ),
      )
      .orderBy(asc(incidentEvents.at), asc(incidentEvents.id))
      .limit(TIMELINE_LIMIT),
    db
      .select({ total: sql<number>`count(*)::int` })
      .from(incidentEvents)
      .where(
        and(
          eq(incidentEvents.orgId, orgId),
          eq(incidentEvents.incidentId, incidentId),
          sql`${incidentEvents.kind} not in ('update_drafted', 'update_submitted', 'update_changes_requested', 'update_comment')`,
        ),
      ),
  ]);
  const entries: ReportTimelineEntry[] = [];
  for (const c of clusters) {
    const where = `${c.topicSlug} in ${c.regions.join(", ")}`;
    entries.push(
      {
        id: `s${c.id}-began`,
        at: c.startedAt.getTime(),
        category: "spike",
        message: `Spike #${c.id} began: ${where}`,
        actor: null,
      },
      {
        id: `s${c.id}-detected`,
        at: c.detectedAt.getTime(),
        category: "spike",
        message: `Spike #${c.id} detected: ${where} (${c.observed} complaints against ${Math.round(c.expected * 10) / 10} expected)`,
        actor: null,
      },
    );
  }
  for (const e of events) {
    const category = timelineCategory(e.kind);
    if (category)
      entries.push({ id: `e${e.id}`, at: e.at.getTime(), category, message: e.message, actor: e.actor });
  }
  entries.sort((a, b) => a.at - b.at);
  return { entries, total: Number(total) + clusters.length * 2 };
}

/**
 * Complaints per bin in the affected cells, from two hours before the first signal to two hours after
 * the end (or now), at most a week, with the mean of the same bins in the earlier weeks that have data.
 */
async function volumeOf(db: Db, orgId: number, row: IncidentRow, now: number) {
  const [first] = await db
    .select({ at: sql<number | null>`(extract(epoch from min(${spikeClusters.startedAt})) * 1000)::float8` })
    .from(spikeClusters)
    .where(and(eq(spikeClusters.orgId, orgId), eq(spikeClusters.incidentId, row.id)));
  const signal = Math.min(
    row.startedAt.getTime(),
    first?.at === null || first?.at === undefined ? Infinity : Number(first.at),
  );
  const end = Math.min(now, (row.resolvedAt?.getTime() ?? now) + 2 * 3600_000);
  const span = Math.min(MAX_CHART_MS, Math.max(0, end - (signal - 2 * 3600_000)));
  const stepMinutes = span <= 12 * 3600_000 ? 5 : span <= 48 * 3600_000 ? 15 : 60;
  const step = stepMinutes * MINUTE_MS;
  const to = Math.ceil(end / step) * step;
  const from = Math.floor((end - span) / step) * step;
  if (row.regions.length === 0 || to <= from)
    return { stepMinutes, seasonalWeeks: 0, points: [] as ReportChartPoint[] };
  const weeks = seasonalWeeks(from, await countsHistoryStart(db, orgId));
  const cells = cellFilter(sql.raw("cc.region_code"), sql.raw("cc.topic_slug"), row.regions, row.topics);
  const rows = await queryRows<{ k: number; bin: number; n: number }>(
    db,
    sql`select w.k, floor((extract(epoch from c.bucket_start) * 1000 + w.k * ${WEEK_MS}::float8 - ${from}::float8)
                 / ${step}::float8)::int as bin, sum(c.count)::int as n
        from unnest(${pgArray([0, ...weeks], "int")}) as w(k)
        cross join lateral (
          select cc.bucket_start, cc.count from complaint_counts cc
          where cc.org_id = ${orgId} and ${cells}
            and cc.bucket_start >= ${new Date(from).toISOString()}::timestamptz - w.k * interval '7 days'
            and cc.bucket_start < ${new Date(to).toISOString()}::timestamptz - w.k * interval '7 days'
        ) c
        group by 1, 2`,
  );
  const bins = Math.round((to - from) / step);
  const observed = new Array<number>(bins).fill(0);
  const history = new Array<number>(bins).fill(0);
  for (const r of rows) {
    const bin = Number(r.bin);
    if (bin < 0 || bin >= bins) continue;
    if (Number(r.k) === 0) observed[bin] += Number(r.n);
    else history[bin] += Number(r.n);
  }
  return {
    stepMinutes,
    seasonalWeeks: weeks.length,
    points: observed.map((n, i) => ({
      t: from + i * step,
      observed: n,
      expected: weeks.length ? Math.round((history[i] / weeks.length) * 10) / 10 : null,
    })),
  };
}
