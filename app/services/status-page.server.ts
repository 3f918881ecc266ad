import { and, desc, eq, isNotNull, sql } from "drizzle-orm";
import type { Db } from "~db/client.server";
import { incidents, statusUpdates } from "~db/schema";
import { organisationName } from "./bootstrap.server";

/** What the public may see: published updates only, newest first. */
export async function publicStatus(db: Db, orgId: number) {
  const published = await db
    .select({
      id: statusUpdates.id,
      body: sql<string>`coalesce(${statusUpdates.publishedBody}, ${statusUpdates.body})`,
      publishedAt: statusUpdates.publishedAt,
      incidentTitle: incidents.title,
    })
    .from(statusUpdates)
    .innerJoin(incidents, eq(incidents.id, statusUpdates.incidentId))
    .where(and(eq(statusUpdates.orgId, orgId), isNotNull(statusUpdates.publishedAt)))
    .orderBy(desc(statusUpdates.publishedAt))
    .limit(50);
  return {
    orgName: await organisationName(db, orgId),
    published: published.map((p) => ({ ...p, publishedAt: p.publishedAt!.toISOString() })),
  };
}
