import { and, eq, gte, inArray, lte, ne } from "drizzle-orm";
import { authorKey } from "~/domain/counting/counting";
import type { EnrichedBatch } from "~/domain/enrichment";
import type { ComplaintRecord } from "~/domain/intake/record";
import { disambiguate } from "~/domain/regions";
import type { Db } from "~db/client.server";
import { complaintCounts, regions } from "~db/schema";
import { UNKNOWN_REGION } from "~db/schema/enums";

/**
 * Context for complaints that name only an ambiguous city (`EnrichedBatch.regionCandidates`): gathered
 * here, decided by the pure `disambiguate` (domain/regions/disambiguate.ts). For each such complaint at
 * time t, from what was known at t:
 *   - the burst: placed complaints of its topic in the hour up to t — the stored counts (earlier batches
 *     and imports) plus the placed complaints of this batch created in that hour;
 *   - the author: the author's placed complaints earlier in this batch;
 *   - the source: the source's placed complaints earlier in this batch.
 * A complaint placed this way gets method "place" with a lower confidence (≤ 0.5); it is never used as
 * context for another.
 */

const HOUR = 3_600_000;
const BUCKET = 300_000;

const populationCache = new Map<number, { at: number; shares: Map<string, number> }>();

async function populationShares(db: Db, orgId: number): Promise<Map<string, number>> {
  const cached = populationCache.get(orgId);
  if (cached && Date.now() - cached.at < 10 * 60_000) return cached.shares;
  const rows = await db
    .select({ code: regions.code, population: regions.population })
    .from(regions)
    .where(eq(regions.orgId, orgId));
  const total = rows.reduce((s, r) => s + (r.population ?? 0), 0);
  const shares = new Map(
    rows.map((r) => [r.code, total > 0 ? (r.population ?? 0) / total : 1 / Math.max(rows.length, 1)]),
  );
  populationCache.set(orgId, { at: Date.now(), shares });
  return shares;
}

/**
 * Places, in place (in the enriched columns), the batch's complaints that name only an ambiguous city,
 * where context allows. `records[i]` and row i of `enriched` are the same complaint.
 */
export async function placeAmbiguous(
  db: Db,
  orgId: number,
  records: readonly ComplaintRecord[],
  enriched: EnrichedBatch,
): Promise<void> {
  const pending: number[] = [];
  for (let i = 0; i < records.length; i++) {
    if (enriched.regionCode[i] === null && enriched.regionCandidates[i]?.length) pending.push(i);
  }
  if (pending.length === 0) return;
  const times = records.map((r) => Date.parse(r.createdAt));
  // Rows placed by their own evidence (not by context): the only ones used as context.
  const placedByEvidence = (j: number) => enriched.regionCode[j] !== null && !enriched.regionCandidates[j];
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  const topics = new Set<string>();
  for (const i of pending) {
    from = Math.min(from, times[i] - HOUR);
    to = Math.max(to, times[i]);
    topics.add(enriched.topicSlug[i]);
  }
  const population = await populationShares(db, orgId);
  const stored = await db
    .select({
      region: complaintCounts.regionCode,
      topic: complaintCounts.topicSlug,
      at: complaintCounts.bucketStart,
      n: complaintCounts.count,
    })
    .from(complaintCounts)
    .where(
      and(
        eq(complaintCounts.orgId, orgId),
        inArray(complaintCounts.topicSlug, [...topics]),
        gte(complaintCounts.bucketStart, new Date(Math.floor(from / BUCKET) * BUCKET)),
        lte(complaintCounts.bucketStart, new Date(to)),
        ne(complaintCounts.regionCode, UNKNOWN_REGION),
      ),
    );
  const placedEarlier = (i: number, same: (j: number) => boolean) => {
    const out = new Map<string, number>();
    for (let j = 0; j < i; j++) {
      const r = enriched.regionCode[j];
      if (r !== null && placedByEvidence(j) && same(j)) out.set(r, (out.get(r) ?? 0) + 1);
    }
    return out;
  };
  for (const i of pending) {
    const record = records[i];
    const t = times[i];
    const topic = enriched.topicSlug[i];
    // The burst: counts of buckets that began in the hour up to t, and this batch's placed complaints
    // of the topic created in that hour (before this one in time).
    const burst = new Map<string, number>();
    for (const row of stored) {
      const at = row.at.getTime();
      if (row.topic === topic && at >= t - HOUR && at <= t)
        burst.set(row.region, (burst.get(row.region) ?? 0) + row.n);
    }
    for (let j = 0; j < records.length; j++) {
      const r = enriched.regionCode[j];
      if (j === i || r === null || !placedByEvidence(j) || enriched.topicSlug[j] !== topic) continue;
      if (times[j] >= t - HOUR && times[j] <= t) burst.set(r, (burst.get(r) ?? 0) + 1);
    }
    const author = authorKey(record.source, record.author);
    const placed = disambiguate(enriched.regionCandidates[i]!, {
      population,
      burst,
      author: author
        ? placedEarlier(i, (j) => authorKey(records[j].source, records[j].author) === author)
        : undefined,
      source: placedEarlier(i, (j) => records[j].source === record.source),
    });
    if (placed) {
      enriched.regionCode[i] = placed.region;
      enriched.regionMethod[i] = "place";
      enriched.regionConfidence[i] = placed.confidence;
    }
  }
}
