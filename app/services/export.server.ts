import { and, asc, eq, gt, gte, lt, or, type SQL } from "drizzle-orm";
import type { Db } from "~db/client.server";
import { complaints } from "~db/schema";

export interface ExportRange {
  from?: Date;
  to?: Date;
  pageSize?: number;
}

/**
 * Stored complaints in time order, each as imported plus what enrichment decided (the `export complaints`
 * contract). Keyset pagination on (createdAt, id), so memory stays flat for any volume.
 */
export async function* exportComplaints(db: Db, orgId: number, range: ExportRange = {}) {
  const pageSize = range.pageSize ?? 5000;
  let after: { createdAt: Date; id: number } | null = null;
  for (;;) {
    const conditions: (SQL | undefined)[] = [eq(complaints.orgId, orgId)];
    if (range.from) conditions.push(gte(complaints.createdAt, range.from));
    if (range.to) conditions.push(lt(complaints.createdAt, range.to));
    if (after) {
      conditions.push(
        or(
          gt(complaints.createdAt, after.createdAt),
          and(eq(complaints.createdAt, after.createdAt), gt(complaints.id, after.id)),
        ),
      );
    }
    const page = await db
      .select({
        id: complaints.id,
        createdAt: complaints.createdAt,
        raw: complaints.raw,
        regionCode: complaints.regionCode,
        regionMethod: complaints.regionMethod,
        regionConfidence: complaints.regionConfidence,
        topicSlug: complaints.topicSlug,
        topicScore: complaints.topicScore,
        sentiment: complaints.sentiment,
      })
      .from(complaints)
      .where(and(...conditions))
      .orderBy(asc(complaints.createdAt), asc(complaints.id))
      .limit(pageSize);
    for (const row of page) {
      yield {
        ...row.raw,
        region: row.regionCode,
        regionMethod: row.regionMethod,
        regionConfidence: round(row.regionConfidence),
        topic: row.topicSlug,
        topicScore: round(row.topicScore),
        sentiment: row.sentiment === null ? null : round(row.sentiment),
      };
    }
    if (page.length < pageSize) return;
    const last = page[page.length - 1];
    after = { createdAt: last.createdAt, id: last.id };
  }
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
