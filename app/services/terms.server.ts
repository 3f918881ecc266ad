import { and, eq, gt, gte, inArray, isNull, lt, min, sql } from "drizzle-orm";
import { HOUR_MS, hourStart } from "~/domain/counting/counting";
import { type EmergingTerm, emergingTerms, extractTerms, termExclusion } from "~/domain/topics";
import type { Db } from "~db/client.server";
import { complaintCounts, complaints, jobState, termCounts, topics } from "~db/schema";
import { pgArray } from "./intake.server";

const JOB = "term-counts";
const HISTORY_HOURS = 7 * 24;

/**
 * Count terms of complaints stored since the last run into hourly `term_counts` (a background job, off
 * the intake hot path). Each complaint counts a term once. Returns how many complaints it read.
 */
export async function countTerms(db: Db, orgId: number, limit = 20_000): Promise<number> {
  const [state] = await db
    .select()
    .from(jobState)
    .where(and(eq(jobState.orgId, orgId), eq(jobState.job, JOB)));
  const lastId = Number((state?.state as { lastId?: number } | undefined)?.lastId ?? 0);
  const rows = await db
    .select({ id: complaints.id, text: complaints.text, createdAt: complaints.createdAt })
    .from(complaints)
    .where(and(eq(complaints.orgId, orgId), gt(complaints.id, lastId), eq(complaints.counted, true)))
    .orderBy(complaints.id)
    .limit(limit);
  const maxSeen = await db
    .select({ id: sql<number>`coalesce(max(${complaints.id}), 0)::bigint` })
    .from(complaints)
    .where(and(eq(complaints.orgId, orgId), gt(complaints.id, lastId)));
  if (rows.length === 0 && Number(maxSeen[0].id) <= lastId) return 0;
  const keywordRows = await db
    .select({ keywords: topics.keywords })
    .from(topics)
    .where(and(eq(topics.orgId, orgId), isNull(topics.archivedAt)));
  const exclusion = termExclusion(keywordRows);
  const tally = new Map<string, number>();
  for (const row of rows) {
    const hour = hourStart(row.createdAt.getTime());
    for (const term of extractTerms(row.text, exclusion)) {
      const key = `${hour}\u0000${term}`;
      tally.set(key, (tally.get(key) ?? 0) + 1);
    }
  }
  const nextId = rows.length === limit ? rows[rows.length - 1].id : Number(maxSeen[0].id);
  await db.transaction(async (tx) => {
    const entries = [...tally.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    for (let i = 0; i < entries.length; i += 5000) {
      const chunk = entries.slice(i, i + 5000).map(([key, count]) => {
        const [hour, term] = key.split("\u0000");
        return { hour: new Date(Number(hour)).toISOString(), term, count };
      });
      await tx.execute(sql`
        insert into term_counts (org_id, hour_start, term, count)
        select ${orgId}, u.h, u.t, u.c
        from unnest(${pgArray(
          chunk.map((c) => c.hour),
          "timestamptz",
        )}, ${pgArray(
          chunk.map((c) => c.term),
          "text",
        )},
                    ${pgArray(
                      chunk.map((c) => c.count),
                      "int",
                    )}) as u(h, t, c)
        on conflict (org_id, hour_start, term) do update set count = term_counts.count + excluded.count`);
    }
    await tx
      .insert(jobState)
      .values({ orgId, job: JOB, state: { lastId: nextId } })
      .onConflictDoUpdate({
        target: [jobState.orgId, jobState.job],
        set: { state: { lastId: nextId }, updatedAt: new Date() },
      });
  });
  return rows.length;
}

/**
 * Terms whose frequency in the last hour bursts against their own hourly baseline (previous 7 days),
 * adjusted for overall volume (during an outage everything rises; a term must rise more).
 */
export async function emergingTermsFor(
  db: Db,
  orgId: number,
  now = new Date(),
  limit = 15,
): Promise<EmergingTerm[]> {
  const currentHour = hourStart(now.getTime());
  const previousHour = currentHour - HOUR_MS;
  const elapsed = (now.getTime() - currentHour) / HOUR_MS;
  const recent = await db
    .select({ hour: termCounts.hourStart, term: termCounts.term, count: termCounts.count })
    .from(termCounts)
    .where(and(eq(termCounts.orgId, orgId), gte(termCounts.hourStart, new Date(previousHour))));
  if (recent.length === 0) return [];
  // The last 60 minutes: all of this hour so far plus the unelapsed share of the previous hour.
  const current = new Map<string, number>();
  for (const r of recent) {
    const weight = r.hour.getTime() === currentHour ? 1 : 1 - elapsed;
    current.set(r.term, (current.get(r.term) ?? 0) + r.count * weight);
  }
  for (const [term, count] of current) current.set(term, Math.round(count));
  const since = new Date(previousHour - HISTORY_HOURS * HOUR_MS);
  const candidates = [...current.entries()].filter(([, c]) => c >= 5).map(([t]) => t);
  if (candidates.length === 0) return [];
  const history = await db
    .select({ term: termCounts.term, total: sql<number>`sum(${termCounts.count})::int` })
    .from(termCounts)
    .where(
      and(
        eq(termCounts.orgId, orgId),
        gte(termCounts.hourStart, since),
        lt(termCounts.hourStart, new Date(previousHour)),
        inArray(termCounts.term, candidates),
      ),
    )
    .groupBy(termCounts.term);
  const [first] = await db
    .select({ at: min(termCounts.hourStart) })
    .from(termCounts)
    .where(and(eq(termCounts.orgId, orgId), gte(termCounts.hourStart, since)));
  const historyHours = first?.at
    ? Math.max(0, Math.min(HISTORY_HOURS, (previousHour - first.at.getTime()) / HOUR_MS))
    : 0;
  const baseline = new Map(
    history.map((h) => [
      h.term,
      { mean: historyHours > 0 ? h.total / historyHours : 0, hours: historyHours },
    ]),
  );
  const volumeRatio = await volumeRatioOf(db, orgId, now, historyHours);
  return emergingTerms({ current, baseline, historyHours, volumeRatio, limit });
}

/** Complaints in the last hour over the usual hourly volume (1 when there is no history). */
async function volumeRatioOf(db: Db, orgId: number, now: Date, historyHours: number): Promise<number> {
  if (historyHours < 1) return 1;
  const hourAgo = new Date(now.getTime() - HOUR_MS);
  const since = new Date(hourAgo.getTime() - historyHours * HOUR_MS);
  const [row] = await db
    .select({
      last: sql<number>`coalesce(sum(${complaintCounts.count}) filter (where ${complaintCounts.bucketStart} >= ${hourAgo.toISOString()}::timestamptz), 0)::float8`,
      before: sql<number>`coalesce(sum(${complaintCounts.count}) filter (where ${complaintCounts.bucketStart} < ${hourAgo.toISOString()}::timestamptz), 0)::float8`,
    })
    .from(complaintCounts)
    .where(and(eq(complaintCounts.orgId, orgId), gte(complaintCounts.bucketStart, since)));
  const usual = row.before / historyHours;
  return usual > 0 ? Math.max(1, row.last / usual) : 1;
}
