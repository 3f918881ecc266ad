import { count, eq } from "drizzle-orm";
import type { Db } from "~db/client.server";
import { complaints, regions, spikeClusters, statusUpdates, topics } from "~db/schema";

/** Row counts the empty states use to say honestly what exists yet. */
export async function organisationCounts(db: Db, orgId: number) {
  const one = async (
    table: typeof complaints | typeof spikeClusters | typeof statusUpdates | typeof regions | typeof topics,
  ) => {
    const [row] = await db.select({ n: count() }).from(table).where(eq(table.orgId, orgId));
    return row.n;
  };
  const [complaintCount, spikeCount, updateCount, regionCount, topicCount] = await Promise.all([
    one(complaints),
    one(spikeClusters),
    one(statusUpdates),
    one(regions),
    one(topics),
  ]);
  return { complaintCount, spikeCount, updateCount, regionCount, topicCount };
}
